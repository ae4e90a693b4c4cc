/**
 * `maelstrom serve`: a small web server over store/. The front page lists every run, newest
 * first, coloured by outcome (blue valid, orange unknown, pink invalid, lavender aborted), with
 * why it failed in one phrase, each run's bin, node count and nemesis, and links its report
 * and files; every other path serves a file or a folder listing from store/ and nothing outside it.
 * It binds 127.0.0.1 unless told otherwise (`-b 0.0.0.0`): a store holds histories, node logs and
 * absolute paths. A path with a `..` in it (encoded or not), or one that leads outside the store
 * through a symlink, is answered exactly as a missing file is, so nothing outside can be probed.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { escapeXml, truncate } from "../primitives/svg-text.ts";
import { whyInBrief } from "./explain.ts";
import { WORKLOADS } from "../workloads/index.ts";
import { CliError } from "../contracts/options.ts";
import { PAGE_CSS } from "./page-assets.ts";
import { outcomeOf, verdictBadge } from "./why.ts";
import { writeRunReport } from "./index.ts";
import { binShown } from "../store/run-files.ts";
import { RUN_FILES } from "../contracts/run-files.ts";
import { readRunFolder, RunFolderError, type RunFolder, type StoredOptions } from "../store/run-folder.ts";

/** One run folder found in the store. */
export interface StoredRun {
  workload: string;
  /** Folder name: the run's start time. */
  name: string;
  /** Path relative to the store, with "/" separators. */
  path: string;
  modifiedMs: number;
}

/** Lists the run folders `store/<workload>/<time>/` (symlinks such as `latest` skipped), newest first. */
export function listRuns(storeDir: string): StoredRun[] {
  const runs: StoredRun[] = [];
  for (const workload of safeReaddir(storeDir)) {
    const workloadDir = join(storeDir, workload);
    if (!isRealDirectory(workloadDir)) continue;
    for (const name of safeReaddir(workloadDir)) {
      const runDir = join(workloadDir, name);
      if (!isRealDirectory(runDir)) continue;
      if (!existsSync(join(runDir, RUN_FILES.results)) && !existsSync(join(runDir, RUN_FILES.testOptions))) continue;
      runs.push({ workload, name, path: `${workload}/${name}`, modifiedMs: statSync(runDir).mtimeMs });
    }
  }
  return runs.sort((a, b) => b.modifiedMs - a.modifiedMs || (a.path < b.path ? 1 : -1));
}

function safeReaddir(directory: string): string[] {
  try {
    return readdirSync(directory).sort();
  } catch {
    return [];
  }
}

function isRealDirectory(path: string): boolean {
  try {
    const stat = lstatSync(path);
    return stat.isDirectory() && !stat.isSymbolicLink();
  } catch {
    return false;
  }
}

/** What the runs list shows of one run, read from its results.json and test.json. */
interface RunSummary {
  verdict: ReturnType<typeof outcomeOf>;
  /** Why it failed or was aborted, in one phrase (explain.ts whyInBrief); empty when valid. */
  why: string;
  opCount: string;
  serverMsgsPerOp: string;
  setupCells: string;
}

/** Run summaries by run folder, kept while results.json and test.json keep their size and mtime. */
const summaryCache = new Map<string, { key: string; summary: RunSummary }>();

/** A file's identity for the cache: its mtime and size, or "-" when it is missing. */
function fileKey(path: string): string {
  try {
    const stat = statSync(path);
    return `${stat.mtimeMs}:${stat.size}`;
  } catch {
    return "-";
  }
}

/** How much of the why the list shows; the whole phrase is its tooltip, and the run's page says it all. */
const WHY_MAX_CHARS = 90;

/**
 * One run's row data. A results.json can run to many megabytes, so each is parsed once and the
 * summary kept until the file changes: a page load over hundreds of runs costs a stat per file.
 */
async function runSummary(storeDir: string, runDir: string): Promise<RunSummary> {
  const resultsPath = join(runDir, RUN_FILES.results);
  const optionsPath = join(runDir, RUN_FILES.testOptions);
  const key = `${fileKey(resultsPath)}|${fileKey(optionsPath)}`;
  const cached = summaryCache.get(runDir);
  if (cached?.key === key) return cached.summary;
  const { results, options } = readListedRun(runDir);
  const summary: RunSummary = {
    verdict: outcomeOf(results),
    why: whyInBrief(results, options && WORKLOADS.get(options.workload)),
    opCount: String(results?.stats?.count ?? "—"),
    serverMsgsPerOp: results?.net?.servers["msgs-per-op"]?.toFixed(2) ?? "—",
    setupCells: runSetup(options, storeDir),
  };
  summaryCache.set(runDir, { key, summary });
  return summary;
}

/** The front page: one row per run. */
export async function renderRunList(storeDir: string): Promise<string> {
  const rows: string[] = [];
  for (const run of listRuns(storeDir)) {
    const { verdict, why, opCount, serverMsgsPerOp, setupCells } = await runSummary(storeDir, join(storeDir, run.path));
    const href = `/${run.path.split("/").map(encodeURIComponent).join("/")}/`;
    rows.push(
      `<tr class="run verdict-${verdict}" data-path="${escapeXml(run.path)}"><td>${verdictBadge(verdict)}</td>` +
        `<td class="reason" title="${escapeXml(why)}">${escapeXml(truncate(why, WHY_MAX_CHARS))}</td>` +
        `<td>${escapeXml(run.workload)}</td><td><a href="${href}">${escapeXml(run.name)}</a></td>${setupCells}` +
        `<td class="num">${escapeXml(opCount)}</td><td class="num">${serverMsgsPerOp}</td>` +
        `<td><a href="${href}${RUN_FILES.report}">report</a> · <a ` +
        `href="${href}${RUN_FILES.messagesSvg}">messages.svg</a> · <a href="${href}?files">files</a></td></tr>`,
    );
  }
  const table = rows.length
    ? `<table><tr><th>verdict</th><th>why</th><th>workload</th><th>time</th><th>bin</th><th class="num">nodes</th>` +
      `<th>nemesis</th><th class="num">ops</th><th class="num">servers msgs/op</th><th></th></tr>` +
      `${rows.join("")}</table>`
    : `<p class="note">No runs in ${escapeXml(storeDir)} yet: try <code>bun run maelstrom test -w echo --bin ` +
      `01-echo/main.ts --node-count 1 --time-limit 5</code>.</p>`;
  return page("Maelstrom runs", `<h1>Runs</h1>${table}`);
}

/** A listed run's folder; one whose files are not the runner's is listed with no results, not left out. */
function readListedRun(runDir: string): Pick<RunFolder, "results" | "options"> {
  try {
    return readRunFolder(runDir);
  } catch (error) {
    if (error instanceof RunFolderError) return { results: undefined, options: undefined };
    throw error;
  }
}

/** The bin (relative to the store's folder), node count and nemesis, from test.json. */
function runSetup(options: StoredOptions | undefined, storeDir: string): string {
  const bin = binShown(options?.bin, storeDir);
  const nodes = options?.nodeIds.length ?? "—";
  const nemesis = options?.nemesis?.length ? options.nemesis.join(", ") : "none";
  return (
    `<td class="bin" title="${escapeXml(String(options?.bin ?? ""))}"><code>${escapeXml(bin)}</code></td><td ` +
    `class="num">${nodes}</td><td>${escapeXml(nemesis)}</td>`
  );
}

function page(title: string, body: string): string {
  return (
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title)}</title>` +
    `<style>${PAGE_CSS}</style></head><body>${body}</body></html>`
  );
}

function renderFolder(storeDir: string, folder: string): string {
  const relativePath = relative(storeDir, folder).split(sep).join("/");
  const entries = safeReaddir(folder).map((name) => {
    const isFolder = isDirectory(join(folder, name)); // a broken symlink is listed as a file, not a crash
    const label = isFolder ? `${name}/` : name;
    return `<li><a href="${encodeURIComponent(name)}${isFolder ? "/" : ""}">${escapeXml(label)}</a></li>`;
  });
  return page(
    relativePath || "store",
    `<p><a href="/">all runs</a></p><h1>${escapeXml(relativePath || "store")}/</h1><ul>${entries.join("")}</ul>`,
  );
}

/** Text files whose extension a browser would otherwise download. */
const PLAIN_TEXT_EXTENSIONS = [".log", ".jsonl", ".txt", ".edn"];

function html(text: string): Response {
  return new Response(text, { headers: { "content-type": "text/html; charset=utf-8" } });
}

/** The same answer for a missing path and for any path outside the store, so neither can be told apart. */
function notFound(): Response {
  return new Response("not found", { status: 404 });
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The real path of `path` when it exists and lies inside the store (itself included); else undefined. */
function realPathInside(storeReal: string, path: string): string | undefined {
  let real: string;
  try {
    real = realpathSync(path); // fails for a missing file and for a broken symlink alike
  } catch {
    return undefined;
  }
  return real === storeReal || real.startsWith(storeReal + sep) ? real : undefined;
}

/**
 * A folder this runner wrote: `<workload>/<time>/` right under the store, a real folder, with
 * the test.json and history.jsonl the report is drawn from. A folder real Maelstrom wrote has
 * neither, and keeps its own messages.svg.
 */
function isOwnRunFolder(storeReal: string, folderReal: string): boolean {
  const parts = relative(storeReal, folderReal).split(sep);
  if (parts.length !== 2 || parts.some((part) => part === "" || part === "..")) return false;
  if (!isRealDirectory(folderReal)) return false;
  return existsSync(join(folderReal, RUN_FILES.testOptions)) && existsSync(join(folderReal, RUN_FILES.history));
}

/**
 * Runs from before the report existed (or whose report failed) get one on first view: a
 * request for a run folder, its index.html or messages.svg writes them when missing, and only
 * in one of our own run folders inside the store.
 */
async function writeMissingReport(storeReal: string, target: string): Promise<void> {
  const name = basename(target);
  const folder = name === RUN_FILES.report || name === RUN_FILES.messagesSvg ? dirname(target) : target;
  const folderReal = realPathInside(storeReal, folder);
  if (folderReal === undefined || !isOwnRunFolder(storeReal, folderReal)) return;
  if (existsSync(join(folderReal, RUN_FILES.report)) || !existsSync(join(folderReal, RUN_FILES.results))) return;
  await writeRunReport(folderReal);
}

/** The path's segments once decoded, or undefined for one that could lead out (`..`) or is malformed. */
function safeSegments(rawPathname: string): string[] | undefined {
  let pathname: string;
  try {
    pathname = decodeURIComponent(rawPathname);
  } catch {
    return undefined;
  }
  const segments = pathname.split("/").filter((segment) => segment !== "" && segment !== ".");
  return segments.some((segment) => segment === ".." || segment.includes("\0")) ? undefined : segments;
}

/** Answers one request against the store. */
export async function handleStoreRequest(storeDir: string, request: Request): Promise<Response> {
  const url = new URL(request.url);
  const segments = safeSegments(url.pathname);
  if (segments === undefined) return notFound();
  if (segments.length === 0) return html(await renderRunList(storeDir));
  const storeReal = realpathSync(storeDir);
  const target = join(storeReal, ...segments);
  await writeMissingReport(storeReal, target); // only after the path is known to stay inside
  const targetReal = realPathInside(storeReal, target);
  if (targetReal === undefined) return notFound();
  if (isDirectory(targetReal)) {
    // Built from the checked segments only, never from the raw path: "//host/..." must not become an off-site redirect.
    if (!url.pathname.endsWith("/")) return redirect(`/${segments.map(encodeURIComponent).join("/")}/${url.search}`);
    const report = join(targetReal, RUN_FILES.report);
    if (existsSync(report) && !url.searchParams.has("files")) return new Response(Bun.file(report));
    return html(renderFolder(storeReal, targetReal));
  }
  const file = Bun.file(targetReal);
  if (PLAIN_TEXT_EXTENSIONS.some((extension) => targetReal.endsWith(extension))) {
    return new Response(file, { headers: { "content-type": "text/plain; charset=utf-8" } });
  }
  return new Response(file);
}

function redirect(location: string): Response {
  return new Response(null, { status: 302, headers: { location } });
}

/**
 * Serves `storeDir` on `host:port` (port 0 picks a free one) until the returned server is
 * stopped, and logs its address. The front page lists the runs; run folders show their report.
 * A port or address that cannot be listened on is a CliError: one line, not a stack trace.
 */
export function serveStore(
  storeDir: string,
  port: number,
  host: string,
  log: (line: string) => void = console.log,
): ReturnType<typeof Bun.serve> {
  const absoluteStore = resolve(storeDir);
  let server: ReturnType<typeof Bun.serve>;
  try {
    server = Bun.serve({
      port,
      hostname: host,
      fetch: (request) => handleStoreRequest(absoluteStore, request),
      // The message may hold an absolute path: it goes to the server's console, not to the browser.
      error: (error) => {
        log(`serve: ${error.message}`);
        return new Response("internal error", { status: 500 });
      },
    });
  } catch (error) {
    throw new CliError(listenFailure(error, host, port));
  }
  mkdirSync(absoluteStore, { recursive: true }); // only once listening: a refused serve leaves no empty store/
  log(`Serving ${absoluteStore} on http://${host}:${server.port}/ (Ctrl-C to stop)`);
  return server;
}

/** Why `serve` could not listen, in one line with what to do about it. */
function listenFailure(error: unknown, host: string, port: number): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  const where = `${host}:${port}`;
  if (code === "EADDRINUSE") {
    const another = "(another `maelstrom serve`?); stop that one, or pick another port with -p";
    return `Cannot serve on ${where}: port ${port} is already in use ${another}`;
  }
  if (code === "EACCES") {
    return `Cannot serve on ${where}: not allowed to listen on port ${port}; pick one above 1023 with -p`;
  }
  if (code === "EADDRNOTAVAIL" || code === "EINVAL") {
    const advice = "leave -b out (127.0.0.1), or give one it has";
    return `Cannot serve on ${where}: ${host} is not an address of this machine; ${advice}`;
  }
  return `Cannot serve on ${where}: ${error instanceof Error ? error.message : String(error)}`;
}
