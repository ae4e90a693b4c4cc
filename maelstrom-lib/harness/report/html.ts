/**
 * The run report page (`index.html`): verdict, each checker's result, latency and throughput
 * over time with partition windows shaded, broadcast's stable-latency quantiles, messages per
 * op split by message type, a preview of the Lamport diagram, and links to the run's files.
 * One self-contained file: inline SVG, CSS and script, no network fetches.
 */
import type { HistoryDigest } from "./history-digest.ts";
import { latencyQuantileOverTime, summarizeLatencies, throughput } from "./history-digest.ts";
import type { LamportDiagram } from "./lamport-svg.ts";
import type { MessageMix } from "./message-mix.ts";
import { ERROR_TRAP_JS, PAGE_CSS, PAGE_JS, VERDICT_COLORS } from "./page-assets.ts";
import { COMPLETION_COLORS, SERIES_PALETTE, formatNumber, renderPlot, type PlotBand, type PlotSeries } from "./plots.ts";
import { escapeXml } from "./svg-text.ts";

/** A run's verdict in words. */
export type Verdict = keyof typeof VERDICT_COLORS;

/** Maps Jepsen's `valid?` (true / false / "unknown") to a verdict; anything else means no result. */
export function verdictOf(valid: unknown): Verdict {
  if (valid === true) return "valid";
  if (valid === false) return "invalid";
  if (valid === "unknown") return "unknown";
  return "missing";
}

/** A coloured verdict badge. */
export function verdictBadge(verdict: Verdict, className = "badge"): string {
  return `<span class="${className} verdict-${verdict}" style="background:${VERDICT_COLORS[verdict]}">${verdict}</span>`;
}

/** Everything the page shows, gathered by report/index.ts. */
export interface ReportData {
  /** Run folder name (the start time) and workload, for the title. */
  runName: string;
  workload: string;
  results: Record<string, unknown> | undefined;
  testOptions: Record<string, unknown> | undefined;
  digest: HistoryDigest;
  mix: MessageMix;
  /** The full diagram's counts (messages.svg). */
  diagram: Omit<LamportDiagram, "svg">;
  /** A small diagram of the first events, inlined in the page. */
  preview: LamportDiagram;
  /** Node log file names under node-logs/. */
  nodeLogs: string[];
  /** Other files present in the run folder, linked at the bottom. */
  files: string[];
}

/** How much of a checker's JSON the page shows before cutting it. */
const CHECKER_JSON_MAX_CHARS = 20_000;
/** Latency quantile lines drawn over each latency plot (Jepsen's latency-quantiles plot). */
const LATENCY_QUANTILE_LINES = [
  { name: "median", q: 0.5, dash: undefined },
  { name: "p99", q: 0.99, dash: "5 3" },
];
const QUANTILE_LINE_COLOR = "#333";
/** Throughput bins are 1 s wide, wider when a long run would need more bins than this. */
const THROUGHPUT_BIN_COUNT_MAX = 100;
/** Checker keys of results.json, in Maelstrom's order; others follow. */
const CHECKER_ORDER = ["workload", "stats", "availability", "net", "exceptions", "perf", "timeline"];

/** Renders the whole page. */
export function renderReportHtml(data: ReportData): string {
  const verdict = verdictOf(data.results?.["valid?"]);
  const title = `${data.workload} ${data.runName}: ${verdict}`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>${escapeXml(title)}</title>
<style>${PAGE_CSS}</style>
<script>${ERROR_TRAP_JS}</script>
</head><body>
<h1>${escapeXml(data.workload)} <span class="muted">${escapeXml(data.runName)}</span></h1>
<p>${verdictBadge(verdict, "verdict")} <span class="note">${escapeXml(verdictSentence(verdict, crashesOf(data.results)))}</span></p>
${renderOptions(data.testOptions)}
${renderCheckers(data.results)}
${renderErrors(data.results)}
${renderLatency(data)}
${renderThroughput(data)}
${renderQuantileMaps(data.results)}
${renderMessageMix(data)}
${renderDiagram(data)}
${renderFiles(data)}
<script>${PAGE_JS}</script>
</body></html>
`;
}

function verdictSentence(verdict: Verdict, crashes: CrashRecord[]): string {
  if (crashes.length) return `The run was aborted: ${crashes.map(crashSummary).join("; ")}. See Errors below.`;
  switch (verdict) {
    case "valid":
      return "Every checker passed.";
    case "invalid":
      return "At least one checker found a problem: see the pink rows below.";
    case "unknown":
      return "No checker failed, but at least one could not decide (for example nothing was read back).";
    case "missing":
      return "No results: the run crashed or was cut short before analysis.";
  }
}

function renderOptions(options: Record<string, unknown> | undefined): string {
  if (!options) return `<p class="note">No test.json in this run.</p>`;
  const nodeIds = Array.isArray(options.nodeIds) ? (options.nodeIds as string[]) : [];
  const rows: [string, unknown][] = [
    ["binary", options.bin],
    ["nodes", `${nodeIds.length} (${nodeIds.join(" ")})`],
    ["time limit", `${options.timeLimitSec} s`],
    ["rate", `${options.rate} ops/s`],
    ["concurrency", options.concurrency],
    ["latency", `${options.latencyMs} ms ${options.latencyDist ?? ""}`],
    ["nemesis", Array.isArray(options.nemesis) && options.nemesis.length ? options.nemesis.join(", ") : "none"],
    ["availability", options.availability ?? "—"],
    ["consistency models", Array.isArray(options.consistencyModels) ? options.consistencyModels.join(", ") : "—"],
    ["seed", options.seed],
  ];
  // Two options per row keeps the table short enough that the verdict and checkers fit above the fold.
  const cells = rows.map(([name, value]) => `<th>${name}</th><td><code>${escapeXml(String(value))}</code></td>`);
  const lines = Array.from({ length: Math.ceil(cells.length / 2) }, (_, row) => `<tr>${cells[2 * row]}${cells[2 * row + 1] ?? ""}</tr>`);
  return `<h2>Test</h2><table class="options">${lines.join("")}</table>`;
}

function checkerHighlights(name: string, result: Record<string, unknown>): string {
  const interesting = Object.entries(result).filter(
    ([key, value]) => key !== "valid?" && (typeof value === "number" || typeof value === "string" || typeof value === "boolean"),
  );
  if (name === "net") {
    const servers = result.servers as Record<string, unknown> | undefined;
    const all = result.all as Record<string, unknown> | undefined;
    return `servers msgs-per-op ${fmt(servers?.["msgs-per-op"])}, all msgs-per-op ${fmt(all?.["msgs-per-op"])}`;
  }
  return interesting
    .slice(0, 8)
    .map(([key, value]) => `${key} ${typeof value === "number" ? fmt(value) : String(value)}`)
    .join(", ");
}

function fmt(value: unknown): string {
  return typeof value === "number" ? formatNumber(Number(value.toFixed(3))) : value === undefined ? "—" : String(value);
}

function prettyJson(value: unknown): string {
  const text = JSON.stringify(value, null, 2) ?? "undefined";
  return text.length > CHECKER_JSON_MAX_CHARS
    ? text.slice(0, CHECKER_JSON_MAX_CHARS) + `\n… ${text.length - CHECKER_JSON_MAX_CHARS} more characters in results.json`
    : text;
}

function renderCheckers(results: Record<string, unknown> | undefined): string {
  if (!results) return `<h2>Checkers</h2><p class="note">No results.json in this run.</p>`;
  const checkerNames = Object.keys(results)
    .filter((key) => typeof results[key] === "object" && results[key] !== null && "valid?" in (results[key] as object))
    .sort((a, b) => rank(a) - rank(b));
  const rows = checkerNames.map((name) => {
    const result = results[name] as Record<string, unknown>;
    return (
      `<tr class="checker" data-checker="${escapeXml(name)}"><td>${verdictBadge(verdictOf(result["valid?"]))}</td><th>${escapeXml(name)}</th>` +
      `<td>${escapeXml(checkerHighlights(name, result))}<details><summary class="muted">details</summary><pre>${escapeXml(prettyJson(result))}</pre></details></td></tr>`
    );
  });
  return `<h2>Checkers</h2><table class="checkers">${rows.join("")}</table>`;
}

function rank(checkerName: string): number {
  const index = CHECKER_ORDER.indexOf(checkerName);
  return index === -1 ? CHECKER_ORDER.length : index;
}

/** A node crash as results.json's `errors.crashes` records it. */
interface CrashRecord {
  node?: string;
  exitCode?: number | null;
  signal?: string | null;
  stdoutTail?: string[];
  stderrTail?: string[];
}

function crashesOf(results: Record<string, unknown> | undefined): CrashRecord[] {
  const errors = results?.errors as Record<string, unknown> | undefined;
  return Array.isArray(errors?.crashes) ? (errors.crashes as CrashRecord[]) : [];
}

function crashSummary(crash: CrashRecord): string {
  return `Node ${crash.node ?? "?"} exited with ${crash.signal ? `signal ${crash.signal}` : `status ${crash.exitCode ?? "?"}`}`;
}

/** Crash reports and protocol violations (results.json `errors`), and the runner's notes. */
function renderErrors(results: Record<string, unknown> | undefined): string {
  const errors = results?.errors;
  const parts: string[] = [];
  for (const crash of crashesOf(results)) {
    const tail = (lines: string[] | undefined): string => (lines?.length ? lines.join("\n") : "(nothing)");
    parts.push(
      `<div class="crash"><p><b>${escapeXml(crashSummary(crash))}</b></p>` +
        `<pre>last stdout lines:\n${escapeXml(tail(crash.stdoutTail))}\n\nlast stderr lines:\n${escapeXml(tail(crash.stderrTail))}</pre></div>`,
    );
  }
  const violations = Array.isArray(errors)
    ? errors
    : ((errors as Record<string, unknown> | undefined)?.["protocol-violations"] as unknown[] | undefined) ?? [];
  if (violations.length) {
    parts.push(`<p><b>${violations.length} protocol violation${violations.length > 1 ? "s" : ""}</b></p><pre class="violations">${escapeXml(prettyJson(violations))}</pre>`);
  }
  const runner = results?.runner;
  if (runner && typeof runner === "object" && !("valid?" in runner)) {
    parts.push(`<details><summary>Runner self-check (seed, lateness, CPU)</summary><pre>${escapeXml(prettyJson(runner))}</pre></details>`);
  }
  const heading = parts.length > 0 && (crashesOf(results).length || violations.length) ? `<h2>Errors</h2><p class="note">Node crashes and protocol violations: see also the node logs below.</p>` : "";
  return heading + parts.join("\n");
}

function partitionBands(digest: HistoryDigest): PlotBand[] {
  return digest.partitions.map((window) => ({
    startX: window.startSec,
    endX: window.endSec ?? digest.durationSec,
    label: `partition ${window.startSec.toFixed(1)}–${(window.endSec ?? digest.durationSec).toFixed(1)} s: ${window.detail}`,
  }));
}

function renderLatency(data: ReportData): string {
  const { digest } = data;
  const bands = partitionBands(digest);
  const plots = digest.fs.map((f) => {
    const samples = digest.samples.filter((sample) => sample.f === f);
    const series: PlotSeries[] = (["ok", "info", "fail"] as const)
      .map((type) => ({
        name: type,
        color: COMPLETION_COLORS[type],
        style: "points" as const,
        points: samples.filter((sample) => sample.type === type).map((sample) => [sample.startSec, sample.latencyMs] as const),
      }))
      .filter((entry) => entry.points.length > 0);
    const binSec = throughputBinSec(digest);
    const quantileLines = LATENCY_QUANTILE_LINES.map(({ name, q, dash }) => ({
      name,
      color: QUANTILE_LINE_COLOR,
      style: "line" as const,
      dash,
      gapX: binSec * 1.5,
      points: latencyQuantileOverTime(samples, binSec, q),
    }));
    series.push(...quantileLines.filter((line) => line.points.length > 1));
    return renderPlot({ title: `${f} latency`, xLabel: "time (s)", yLabel: "latency (ms)", yScale: "log", series, bands, xMax: digest.durationSec });
  });
  const summaryRows = summarizeLatencies(digest).map(
    (summary) =>
      `<tr><th>${escapeXml(summary.f)}</th>${[summary.count, summary.okCount, summary.infoCount, summary.failCount, summary.medianMs, summary.p95Ms, summary.p99Ms, summary.maxMs]
        .map((value) => `<td class="num">${fmt(value)}</td>`)
        .join("")}</tr>`,
  );
  const partitionNote = digest.partitions.length
    ? `<p class="note">Grey bands: the network was partitioned (${digest.partitions.length} window${digest.partitions.length > 1 ? "s" : ""}).</p>`
    : "";
  return `<h2>Latency</h2>
<p class="note">Each point is one operation: when it was invoked and how long it took to complete. Blue ok, orange info (indeterminate), pink fail. The lines are the median and p99 of ok latencies per second.</p>
${partitionNote}
${plots.join("\n")}
<table class="latency-summary"><tr><th>op</th><th class="num">count</th><th class="num">ok</th><th class="num">info</th><th class="num">fail</th><th class="num">median ms</th><th class="num">p95 ms</th><th class="num">p99 ms</th><th class="num">max ms</th></tr>${summaryRows.join("")}</table>`;
}

/** Time bins for throughput and latency quantile lines: 1 s, wider for long runs. */
function throughputBinSec(digest: HistoryDigest): number {
  return Math.max(1, Math.ceil(digest.durationSec / THROUGHPUT_BIN_COUNT_MAX));
}

function renderThroughput(data: ReportData): string {
  const { digest } = data;
  const binSec = throughputBinSec(digest);
  const series = throughput(digest, binSec).map((entry, index) => ({
    name: `${entry.f} ${entry.type}`,
    color: entry.type === "ok" ? SERIES_PALETTE[index % SERIES_PALETTE.length]! : COMPLETION_COLORS[entry.type],
    style: "line" as const,
    points: entry.points,
  }));
  const plot = renderPlot({ title: "Throughput", xLabel: "time (s)", yLabel: "completions / s", yScale: "linear", series, bands: partitionBands(digest), xMax: digest.durationSec });
  return `<h2>Throughput</h2><p class="note">Completed operations per second, in ${binSec} s bins, per operation and outcome.</p>${plot}`;
}

/** Quantile maps of the workload checker, such as broadcast's stable-latencies and lost-latencies. */
function renderQuantileMaps(results: Record<string, unknown> | undefined): string {
  const workload = results?.workload as Record<string, unknown> | undefined;
  if (!workload) return "";
  const maps = Object.entries(workload).filter(
    ([key, value]) => key.endsWith("-latencies") && typeof value === "object" && value !== null,
  ) as [string, Record<string, number>][];
  if (maps.length === 0) return "";
  const tables = maps.map(([name, quantiles]) => {
    const keys = Object.keys(quantiles).sort((a, b) => Number(a) - Number(b));
    const header = keys.map((key) => `<th class="num">q ${key}</th>`).join("");
    const cells = keys.map((key) => `<td class="num">${fmt(quantiles[key])}</td>`).join("");
    return `<h3>${escapeXml(name)} (ms)</h3><table class="quantiles" data-name="${escapeXml(name)}"><tr>${header}</tr><tr>${cells}</tr></table>`;
  });
  return `<h2>Stable latencies</h2>
<p class="note">How long after a value was acknowledged until every read showed it (0.5 is the median, 1 the maximum). Challenges 3d and 3e set targets on these.</p>
${tables.join("\n")}`;
}

function renderMessageMix(data: ReportData): string {
  const net = data.results?.net as Record<string, Record<string, unknown>> | undefined;
  const opCount = data.digest.invokeCount;
  const largest = Math.max(1, ...data.mix.types.map((count) => count.sentCount));
  const rows = data.mix.types.map((count) => {
    const links = Object.entries(count.byLink)
      .map(([link, sent]) => `${link} ${sent}`)
      .join(", ");
    const barPx = Math.max(1, Math.round((count.sentCount / largest) * 200));
    return (
      `<tr class="msg-type" data-type="${escapeXml(count.type)}" data-sent="${count.sentCount}"><th>${escapeXml(count.type)}</th>` +
      `<td class="num">${count.sentCount}</td><td class="num">${count.deliveredCount}</td>` +
      `<td class="num">${opCount ? fmt(count.sentCount / opCount) : "—"}</td><td><span class="bar" style="width:${barPx}px"></span></td><td class="muted">${escapeXml(links)}</td></tr>`
    );
  });
  const serverCount = net?.servers?.["msg-count"];
  const mismatch =
    typeof serverCount === "number" && serverCount !== data.mix.serverSentCount
      ? `<p class="note">Note: results.json counts ${serverCount} server messages, the journal ${data.mix.serverSentCount}.</p>`
      : "";
  return `<h2 id="messages-per-op">Messages per operation</h2>
<p>Server msgs-per-op <b class="servers-mpo">${fmt(net?.servers?.["msgs-per-op"])}</b>, all msgs-per-op ${fmt(net?.all?.["msgs-per-op"])}, over ${opCount} operations.
Server messages are everything not to or from a client: node↔node and node↔service traffic.</p>
<table class="message-mix"><tr><th>type</th><th class="num">sent</th><th class="num">delivered</th><th class="num">per op</th><th></th><th>links</th></tr>${rows.join("")}
<tr><th>total</th><td class="num">${data.mix.serverSentCount}</td><td></td><td class="num">${opCount ? fmt(data.mix.serverSentCount / opCount) : "—"}</td><td></td><td></td></tr></table>
${mismatch}`;
}

function renderDiagram(data: ReportData): string {
  const { diagram, preview } = data;
  const cut = diagram.hiddenEventCount ? `; ${diagram.hiddenEventCount} later events are not drawn` : "";
  return `<h2>Messages</h2>
<p class="note">The first ${preview.shownEventCount} network events as a Lamport diagram (time flows down; blue: client traffic, black: between servers, pink: errors, grey dashes: never delivered). Hover an arrow for the full message.
The full diagram is <a href="messages.svg">messages.svg</a>: ${diagram.arrowCount} arrows over ${diagram.shownEventCount} events${cut}.</p>
<div class="diagram">${preview.svg}</div>`;
}

function renderFiles(data: ReportData): string {
  const logs = data.nodeLogs.map((name) => `<a href="node-logs/${encodeURIComponent(name)}">${escapeXml(name)}</a>`).join(" · ");
  const files = data.files.map((name) => `<a href="${encodeURIComponent(name)}">${escapeXml(name)}</a>`).join(" · ");
  return `<h2>Files</h2><p>Node logs: ${logs || "none"}</p><p>Run files: ${files}</p>`;
}
