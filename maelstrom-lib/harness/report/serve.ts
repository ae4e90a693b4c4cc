/**
 * `maelstrom serve`: a small web server over store/. The front page lists every run, newest
 * first, coloured by outcome (blue valid, orange unknown, pink invalid, lavender aborted), with
 * each run's bin, node count and nemesis, and links its report
 * and files; every other path serves a file or a folder listing from store/ and nothing outside it.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, realpathSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { escapeXml } from "../primitives/svg-text.ts";
import { PAGE_CSS } from "./page-assets.ts";
import { outcomeOf, verdictBadge } from "./why.ts";
import { writeRunReport } from "./index.ts";
import { binShown, RUN_FILES } from "../store/run-files.ts";
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

/** The front page: one row per run. */
export async function renderRunList(storeDir: string): Promise<string> {
  const rows: string[] = [];
  for (const run of listRuns(storeDir)) {
    const { results, options } = readListedRun(join(storeDir, run.path));
    const verdict = outcomeOf(results);
    const mpo = results?.net?.servers["msgs-per-op"]?.toFixed(2) ?? "—";
    const href = `/${run.path.split("/").map(encodeURIComponent).join("/")}/`;
    rows.push(
      `<tr class="run verdict-${verdict}" data-path="${escapeXml(run.path)}"><td>${verdictBadge(verdict)}</td>` +
        `<td>${escapeXml(run.workload)}</td><td><a href="${href}">${escapeXml(run.name)}</a></td>${runSetup(options, storeDir)}` +
        `<td class="num">${escapeXml(String(results?.stats?.count ?? "—"))}</td><td class="num">${mpo}</td>` +
        `<td><a href="${href}${RUN_FILES.report}">report</a> · <a href="${href}${RUN_FILES.messagesSvg}">messages.svg</a> · <a href="${href}?files">files</a></td></tr>`,
    );
  }
  const table = rows.length
    ? `<table><tr><th>verdict</th><th>workload</th><th>time</th><th>bin</th><th class="num">nodes</th><th>nemesis</th><th class="num">ops</th><th class="num">servers msgs/op</th><th></th></tr>${rows.join("")}</table>`
    : `<p class="note">No runs in ${escapeXml(storeDir)} yet: try <code>bun run maelstrom test -w echo --bin 01-echo/main.ts --node-count 1 --time-limit 5</code>.</p>`;
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
  return `<td class="bin" title="${escapeXml(String(options?.bin ?? ""))}"><code>${escapeXml(bin)}</code></td><td class="num">${nodes}</td><td>${escapeXml(nemesis)}</td>`;
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title)}</title><style>${PAGE_CSS}</style></head><body>${body}</body></html>`;
}

function renderFolder(storeDir: string, folder: string): string {
  const relativePath = relative(storeDir, folder).split(sep).join("/");
  const entries = safeReaddir(folder).map((name) => {
    const isFolder = statSync(join(folder, name)).isDirectory();
    const label = isFolder ? `${name}/` : name;
    return `<li><a href="${encodeURIComponent(name)}${isFolder ? "/" : ""}">${escapeXml(label)}</a></li>`;
  });
  return page(relativePath || "store", `<p><a href="/">all runs</a></p><h1>${escapeXml(relativePath || "store")}/</h1><ul>${entries.join("")}</ul>`);
}

/** Text files whose extension a browser would otherwise download. */
const PLAIN_TEXT_EXTENSIONS = [".log", ".jsonl", ".txt", ".edn"];

function html(text: string): Response {
  return new Response(text, { headers: { "content-type": "text/html; charset=utf-8" } });
}

/**
 * Runs from before the report existed (or whose report failed) get one on first view: a
 * request for a run folder, its index.html or messages.svg writes them when missing.
 */
async function writeMissingReport(target: string): Promise<void> {
  const isReportFile = target.endsWith(sep + RUN_FILES.report) || target.endsWith(sep + RUN_FILES.messagesSvg);
  const runDir = isReportFile ? dirname(target) : target;
  if (existsSync(join(runDir, RUN_FILES.report)) || !existsSync(join(runDir, RUN_FILES.results))) return;
  await writeRunReport(runDir);
}

/** Answers one request against the store. */
export async function handleStoreRequest(storeDir: string, request: Request): Promise<Response> {
  const url = new URL(request.url);
  const pathname = decodeURIComponent(url.pathname);
  if (pathname === "/") return html(await renderRunList(storeDir));
  const storeReal = realpathSync(storeDir);
  const target = resolve(storeDir, "." + pathname);
  await writeMissingReport(target);
  if (!existsSync(target)) return new Response("not found", { status: 404 });
  const targetReal = realpathSync(target);
  if (targetReal !== storeReal && !targetReal.startsWith(storeReal + sep)) return new Response("forbidden", { status: 403 });
  if (statSync(targetReal).isDirectory()) {
    if (!pathname.endsWith("/")) return Response.redirect(url.pathname + "/" + url.search, 302);
    const report = join(targetReal, RUN_FILES.report);
    if (existsSync(report) && !url.searchParams.has("files")) return new Response(Bun.file(report));
    return html(renderFolder(storeDir, targetReal));
  }
  const file = Bun.file(targetReal);
  if (PLAIN_TEXT_EXTENSIONS.some((extension) => targetReal.endsWith(extension))) {
    return new Response(file, { headers: { "content-type": "text/plain; charset=utf-8" } });
  }
  return new Response(file);
}

/**
 * Serves `storeDir` on `host:port` (port 0 picks a free one) until the returned server is
 * stopped, and logs its address. The front page lists the runs; run folders show their report.
 */
export function serveStore(
  storeDir: string,
  port: number,
  host: string,
  log: (line: string) => void = console.log,
): ReturnType<typeof Bun.serve> {
  const absoluteStore = resolve(storeDir);
  mkdirSync(absoluteStore, { recursive: true });
  const server = Bun.serve({
    port,
    hostname: host,
    fetch: (request) => handleStoreRequest(absoluteStore, request),
    error: (error) => new Response(`error: ${error.message}`, { status: 500 }),
  });
  log(`Serving ${absoluteStore} on http://${host}:${server.port}/ (Ctrl-C to stop)`);
  return server;
}
