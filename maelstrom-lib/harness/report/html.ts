/**
 * The run report page (`index.html`): the outcome and why (why.ts), each checker's result,
 * latency and throughput over time with the nemesis's faults as bands (labelled in lanes above
 * each plot), the nemesis's events in order, broadcast's stable-latency quantiles, messages per
 * op split by message type, a preview of the Lamport diagram, and links to the timeline and the
 * run's files. One self-contained file: inline SVG,
 * CSS and script, no network fetches.
 */
import type { CrashReport } from "../contracts/node-reports.ts";
import { checkerEntries, type NetResult, type RunResults, type StatsResult } from "../contracts/results.ts";
import type { StoredOptions } from "../store/run-folder.ts";
import type { RunExplanation } from "./explain.ts";
import { LINEARIZABILITY_FILE } from "../checkers/linearizable/explain.ts";
import { faultKey, faultLanes, faultStyle, nextStartOfKind, type FaultBand } from "./fault-bands.ts";
import type { HistoryDigest } from "./history-digest.ts";
import { latencyQuantileOverTime, summarizeLatencies, throughput } from "./history-digest.ts";
import type { LamportDiagram } from "./lamport-svg.ts";
import type { MessageMix } from "./message-mix.ts";
import { renderNemesisEvents, type NemesisEvent } from "./nemesis-events.ts";
import { ERROR_TRAP_JS, PAGE_CSS, PAGE_JS } from "./page-assets.ts";
import {
  COMPLETION_COLORS,
  SERIES_PALETTE,
  formatNumber,
  renderPlot,
  type PlotBand,
  type PlotSeries,
} from "./plots.ts";
import { escapeXml } from "../primitives/svg-text.ts";
import { renderWhy, TIMELINE_FILE, verdictBadge, type Verdict } from "./why.ts";

export { verdictBadge, type Verdict } from "./why.ts";

/** Maps Jepsen's `valid?` (true / false / "unknown") to a verdict; anything else means no result. */
export function verdictOf(valid: unknown): Verdict {
  if (valid === true) return "valid";
  if (valid === false) return "invalid";
  if (valid === "unknown") return "unknown";
  return "missing";
}

/** Everything the page shows, gathered by report/index.ts. */
export interface ReportData {
  /** Run folder name (the start time) and workload, for the title. */
  runName: string;
  workload: string;
  results: RunResults | undefined;
  testOptions: StoredOptions | undefined;
  /** The --bin as a reader knows it (run-files.ts binShown). */
  binShown: string;
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
  /** The outcome and its reasons (explain.ts). */
  explanation: RunExplanation;
  /** The nemesis's faults. */
  bands: FaultBand[];
  /** The nemesis's ops in time order, for the table under the plots. */
  events: NemesisEvent[];
  /** Op index → the journal id of its request message, for the ops the findings name. */
  requestOf: ReadonlyMap<number, number>;
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
const CHECKER_ORDER = ["workload", "stats", "availability", "net", "exceptions"];
/** Maelstrom's plot-only checkers: always valid, they check nothing; their pictures are on this page. */
const PLOT_ONLY_CHECKERS = new Set(["perf", "timeline"]);
/** Ops the latency plots and table leave out, and why (their latency means nothing). */
const NOT_PLOTTED_FS: Record<string, string> = {
  crash: "kafka's crash ops, where a client drops its session on purpose (always :info, no latency to speak of)",
};

/** Renders the whole page. */
export function renderReportHtml(data: ReportData): string {
  const title = `${data.workload} ${data.runName}: ${data.explanation.outcome}`;
  const timelineLink = `<a href="${TIMELINE_FILE}">${TIMELINE_FILE}</a>`;
  const opCounts = escapeXml(opCountSentence(data.digest));
  const plots = data.digest.samples.length
    ? renderLatency(data) + renderThroughput(data)
    : `<h2>Latency</h2><p class="note">No operation completed, so there is nothing to plot.</p>`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>${escapeXml(title)}</title>
<style>${PAGE_CSS}</style>
<script>${ERROR_TRAP_JS}</script>
</head><body>
<h1>${escapeXml(data.workload)} <span class="muted">${escapeXml(data.runName)}</span></h1>
${renderWhy(data.explanation, data.nodeLogs, data.requestOf)}
<p class="note">Every op on a timeline, one lane per process: ${timelineLink}. ${opCounts}</p>
${linearizabilityNote(data.files)}
${renderOptions(data.testOptions, data.binShown)}
${renderCheckers(data)}
${renderErrors(data.results)}
${plots}
${renderNemesisEvents(data.events)}
${renderQuantileMaps(data.results)}
${renderMessageMix(data)}
${renderDiagram(data)}
${renderFiles(data)}
<script>${PAGE_JS}</script>
</body></html>
`;
}

/** For lin-kv: where each key's verdict is drawn, with the partial linearizations of a bad key. */
function linearizabilityNote(files: readonly string[]): string {
  if (!files.includes(LINEARIZABILITY_FILE)) return "";
  const link = `<a href="${LINEARIZABILITY_FILE}">${LINEARIZABILITY_FILE}</a>`;
  const words =
    "Each key's linearizability verdict, and for a key that is not linearizable its ops around the failure " +
    "with the longest partial linearizations the checker found";
  return `<p class="note linearizability">${words}: ${link}.</p>`;
}

function renderOptions(options: StoredOptions | undefined, bin: string): string {
  if (!options) return `<p class="note">No test.json in this run.</p>`;
  const { nodeIds } = options;
  const rows: [string, unknown][] = [
    ["binary", bin],
    ["nodes", `${nodeIds.length} (${nodeIds.join(" ")})`],
    ["time limit", `${options.timeLimitSec} s`],
    ["rate", `${options.rate} ops/s`],
    ["concurrency", options.concurrency],
    ["latency", `${options.latencyMs} ms ${options.latencyDist ?? ""}`],
    ["nemesis", options.nemesis?.length ? options.nemesis.join(", ") : "none"],
    ["availability", options.availability ?? "—"],
    ["consistency models", options.consistencyModels?.join(", ") ?? "—"],
    ["seed", options.seed],
  ];
  // Two options per row keeps the table short enough that the verdict and checkers fit above the fold.
  const cells = rows.map(([name, value]) => `<th>${name}</th><td><code>${escapeXml(String(value))}</code></td>`);
  const lines = Array.from(
    { length: Math.ceil(cells.length / 2) },
    (_, row) => `<tr>${cells[2 * row]}${cells[2 * row + 1] ?? ""}</tr>`,
  );
  return `<h2>Test</h2><table class="options">${lines.join("")}</table>`;
}

/** A checker's scalar fields, the first few (net: its msgs-per-op; stats: why its count may differ from the page's). */
function checkerHighlights(name: string, result: Readonly<Record<string, unknown>>, data: ReportData): string {
  const net = data.results?.net;
  if (name === "net" && net)
    return `servers msgs-per-op ${fmt(net.servers["msgs-per-op"])}, all msgs-per-op ${fmt(net.all["msgs-per-op"])}`;
  const interesting = Object.entries(result).filter(
    ([key, value]) =>
      key !== "valid?" && (typeof value === "number" || typeof value === "string" || typeof value === "boolean"),
  );
  const highlights = interesting
    .slice(0, 8)
    .map(([key, value]) => `${key} ${typeof value === "number" ? fmt(value) : String(value)}`)
    .join(", ");
  const stats = data.results?.stats;
  return name === "stats" && stats ? highlights + statsCountNote(stats, data.digest) : highlights;
}

function fmt(value: unknown): string {
  if (typeof value === "number") return formatNumber(Number(value.toFixed(3)));
  return value === undefined ? "—" : String(value);
}

function prettyJson(value: unknown): string {
  const text = JSON.stringify(value, null, 2) ?? "undefined";
  return text.length > CHECKER_JSON_MAX_CHARS
    ? text.slice(0, CHECKER_JSON_MAX_CHARS) +
        `\n… ${text.length - CHECKER_JSON_MAX_CHARS} more characters in results.json`
    : text;
}

function renderCheckers(data: ReportData): string {
  const { results } = data;
  if (!results) return `<h2>Checkers</h2><p class="note">No results.json in this run.</p>`;
  if (results.aborted !== undefined)
    return `<h2>Checkers</h2><p class="note">None ran: the run was aborted (see the top of the page).</p>`;
  const checkers = checkerEntries(results)
    .filter(([name]) => !PLOT_ONLY_CHECKERS.has(name))
    .sort(([a], [b]) => rank(a) - rank(b));
  const rows = checkers.map(([name, result]) => {
    const explained = data.explanation.checkers.find((checker) => checker.checker === name);
    const summary = explained
      ? `${escapeXml(explained.summary)} <a href="#why">(the findings are at the top)</a>`
      : escapeXml(checkerHighlights(name, result, data));
    const badge = verdictBadge(verdictOf(result["valid?"]));
    const details =
      `<details><summary class="muted">results.json</summary>` +
      `<pre>${escapeXml(prettyJson(result))}</pre></details>`;
    return (
      `<tr class="checker" data-checker="${escapeXml(name)}"><td>${badge}</td><th>${escapeXml(name)}</th>` +
      `<td>${summary}${details}</td></tr>`
    );
  });
  const plotOnly = [...PLOT_ONLY_CHECKERS].filter((name) => name in results);
  const plotNote = plotOnly.length
    ? `<p class="note">${plotOnly.join(" and ")} in results.json are Maelstrom's plot checkers: ` +
      "they check nothing (always valid) and draw the latency and rate plots and the timeline, " +
      `which are on this page and in ${TIMELINE_FILE}.</p>`
    : "";
  return `<h2>Checkers</h2><table class="checkers">${rows.join("")}</table>${plotNote}`;
}

/** The one op count of the page: client invocations, as net's msgs-per-op divides by. */
function opCountSentence(digest: HistoryDigest): string {
  const count = (type: string) => digest.samples.filter((sample) => sample.type === type).length;
  const pending = digest.pendingCount ? `, ${digest.pendingCount} never completed` : "";
  const byType = `ok ${count("ok")}, fail ${count("fail")}, info ${count("info")}${pending}`;
  return `${digest.invokeCount} client operations (${byType}); every op count on this page counts these.`;
}

/** Why the stats checker's count differs from the page's, when it does (it leaves some ops out). */
function statsCountNote(result: StatsResult, digest: HistoryDigest): string {
  const completed = digest.samples.length;
  if (result.count === completed) return "";
  const counted = new Set(Object.keys(result["by-f"]));
  const left = digest.fs.filter((f) => !counted.has(f));
  const leftCount = digest.samples.filter((sample) => left.includes(sample.f)).length;
  const leftOps = `${leftCount} ${left.join(", ")} op${leftCount === 1 ? "" : "s"}`;
  return ` (of the ${completed} completed ops: stats leaves out ${leftOps}, as Maelstrom's workload does)`;
}

function rank(checkerName: string): number {
  const index = CHECKER_ORDER.indexOf(checkerName);
  return index === -1 ? CHECKER_ORDER.length : index;
}

function crashSummary(crash: CrashReport): string {
  const how = crash.signal ? `signal ${crash.signal}` : `status ${crash.exitCode ?? "?"}`;
  return `Node ${crash.node} exited with ${how}`;
}

/** Crash reports and protocol violations (results.json `errors`), and the runner's notes. */
function renderErrors(results: RunResults | undefined): string {
  const parts: string[] = [];
  // An aborted run's first crash is already at the top of the page.
  const shownCrashes = (results?.errors?.crashes ?? []).slice(results?.aborted !== undefined ? 1 : 0);
  for (const crash of shownCrashes) {
    const tail = (lines: readonly string[]): string => (lines.length ? lines.join("\n") : "(nothing)");
    parts.push(
      `<div class="crash"><p><b>${escapeXml(crashSummary(crash))}</b></p>` +
        `<pre>last stdout lines:\n${escapeXml(tail(crash.stdoutTail))}\n\n` +
        `last stderr lines:\n${escapeXml(tail(crash.stderrTail))}</pre></div>`,
    );
  }
  const violations = results?.errors?.["protocol-violations"] ?? [];
  if (violations.length) {
    parts.push(
      `<p><b>${violations.length} protocol violation${violations.length > 1 ? "s" : ""}</b></p>` +
        `<pre class="violations">${escapeXml(prettyJson(violations))}</pre>`,
    );
  }
  // A runner entry with a verdict is in the checkers table; runs from before it had one show it here.
  const runner = results?.runner;
  if (runner && runner["valid?"] !== true) {
    parts.push(
      "<details><summary>Runner self-check (seed, lateness, CPU)</summary>" +
        `<pre>${escapeXml(prettyJson(runner))}</pre></details>`,
    );
  }
  const heading =
    parts.length > 0 && (shownCrashes.length || violations.length)
      ? `<h2>Errors</h2><p class="note">Node crashes and protocol violations: see also the node logs below.</p>`
      : "";
  return heading + parts.join("\n");
}

/** The fault bands as the plots shade them: each kind its colour and its lane above the plot area. */
function plotBands(data: ReportData): PlotBand[] {
  const lanes = faultLanes(data.bands);
  return data.bands.map((band) => {
    const endX = band.end ?? data.digest.durationSec;
    return {
      startX: band.start,
      endX,
      label: `${band.kind} ${band.start.toFixed(2)}–${endX.toFixed(2)} s: ${band.label}`,
      shortLabel: band.label,
      outlineOnly: !band.effective,
      ...faultStyle(band.kind),
      lane: lanes.indexOf(band.kind),
      labelUntilX: nextStartOfKind(data.bands, band) ?? data.digest.durationSec,
    };
  });
}

function faultNote(bands: readonly FaultBand[]): string {
  if (bands.length === 0) return "";
  const idle = bands.filter((band) => !band.effective).length;
  const idleNote = idle
    ? ` ${idle} of them changed nothing (dashed outline): ` +
      "a partition with nobody to split off, or a kill or pause whose nodes were not running."
    : "";
  const where = "each kind labelled in its own lane above the plot with the nodes it hit (hover a band for it all)";
  const groups = `"a b | c" means a and b could not talk to c`;
  const table = `<a href="#nemesis">the nemesis table</a> below lists every fault and heal in order`;
  const kinds = `the nemesis's faults (${bands.length}), ${faultKey(faultLanes(bands))}`;
  return `<p class="note">Shaded bands: ${kinds}, ${where}; ${groups}; ${table}.${idleNote}</p>`;
}

function renderLatency(data: ReportData): string {
  const { digest } = data;
  const bands = plotBands(data);
  const plotted = digest.fs.filter((f) => NOT_PLOTTED_FS[f] === undefined);
  const plots = plotted.map((f) => {
    const samples = digest.samples.filter((sample) => sample.f === f);
    const series: PlotSeries[] = (["ok", "info", "fail"] as const)
      .map((type) => ({
        name: type,
        color: COMPLETION_COLORS[type],
        style: "points" as const,
        points: samples
          .filter((sample) => sample.type === type)
          .map((sample) => [sample.startSec, sample.latencyMs] as const),
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
    return renderPlot({
      title: `${f} latency`,
      xLabel: "time (s)",
      yLabel: "latency (ms)",
      yScale: "log",
      series,
      bands,
      xMax: digest.durationSec,
    });
  });
  const summaryRows = summarizeLatencies(digest)
    .filter((summary) => NOT_PLOTTED_FS[summary.f] === undefined)
    .map(
      (summary) =>
        `<tr><th>${escapeXml(summary.f)}</th>${[
          summary.count,
          summary.okCount,
          summary.infoCount,
          summary.failCount,
          summary.medianMs,
          summary.p95Ms,
          summary.p99Ms,
          summary.maxMs,
        ]
          .map((value) => `<td class="num">${fmt(value)}</td>`)
          .join("")}</tr>`,
    );
  const leftOut = digest.fs
    .filter((f) => NOT_PLOTTED_FS[f] !== undefined)
    .map((f) => `<p class="note">Left out of the plots and the table: ${escapeXml(NOT_PLOTTED_FS[f]!)}.</p>`);
  const intro =
    "Each point is one operation: when it was invoked and how long it took to complete. " +
    "Blue ok, orange info (indeterminate), pink fail. The lines are the median and p99 of ok latencies per second.";
  const header = ["op", "count", "ok", "info", "fail", "median ms", "p95 ms", "p99 ms", "max ms"]
    .map((name, index) => (index === 0 ? `<th>${name}</th>` : `<th class="num">${name}</th>`))
    .join("");
  return `<h2>Latency</h2>
<p class="note">${intro}</p>
${faultNote(data.bands)}
${plots.join("\n")}
${leftOut.join("")}
<table class="latency-summary"><tr>${header}</tr>${summaryRows.join("")}</table>`;
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
  const plot = renderPlot({
    title: "Throughput",
    xLabel: "time (s)",
    yLabel: "completions / s",
    yScale: "linear",
    series,
    bands: plotBands(data),
    xMax: digest.durationSec,
  });
  const note = `Completed operations per second, in ${binSec} s bins, per operation and outcome.`;
  return `<h2>Throughput</h2><p class="note">${note}</p>${plot}`;
}

/** Quantile maps of the workload checker, such as broadcast's stable-latencies and lost-latencies. */
function renderQuantileMaps(results: RunResults | undefined): string {
  const workload = results?.workload;
  if (!workload) return "";
  const maps = Object.entries(workload).flatMap(([key, value]): [string, Record<string, unknown>][] =>
    key.endsWith("-latencies") && typeof value === "object" && value !== null ? [[key, { ...value }]] : [],
  );
  if (maps.length === 0) return "";
  const tables = maps.map(([name, quantiles]) => {
    const keys = Object.keys(quantiles).sort((a, b) => Number(a) - Number(b));
    const header = keys.map((key) => `<th class="num">q ${key}</th>`).join("");
    const cells = keys.map((key) => `<td class="num">${fmt(quantiles[key])}</td>`).join("");
    const table = `<table class="quantiles" data-name="${escapeXml(name)}"><tr>${header}</tr><tr>${cells}</tr></table>`;
    return `<h3>${escapeXml(name)} (ms)</h3>${table}`;
  });
  const note =
    "How long after a value was acknowledged until every read showed it (0.5 is the median, 1 the maximum). " +
    "Challenges 3d and 3e set targets on these.";
  return `<h2>Stable latencies</h2>
<p class="note">${note}</p>
${tables.join("\n")}`;
}

function renderMessageMix(data: ReportData): string {
  const net: NetResult | undefined = data.results?.net;
  const opCount = data.digest.invokeCount;
  const largest = Math.max(1, ...data.mix.types.map((count) => count.sentCount));
  const rows = data.mix.types.map((count) => {
    const links = Object.entries(count.byLink)
      .map(([link, sent]) => `${link} ${sent}`)
      .join(", ");
    const barPx = Math.max(1, Math.round((count.sentCount / largest) * 200));
    return (
      `<tr class="msg-type" data-type="${escapeXml(count.type)}" data-sent="${count.sentCount}">` +
      `<th>${escapeXml(count.type)}</th>` +
      `<td class="num">${count.sentCount}</td><td class="num">${count.deliveredCount}</td>` +
      `<td class="num">${opCount ? fmt(count.sentCount / opCount) : "—"}</td>` +
      `<td><span class="bar" style="width:${barPx}px"></span></td><td class="muted">${escapeXml(links)}</td></tr>`
    );
  });
  const serverCount = net?.servers?.["msg-count"];
  const mismatch =
    typeof serverCount === "number" && serverCount !== data.mix.serverSentCount
      ? `<p class="note">Note: results.json counts ${serverCount} server messages, ` +
        `the journal ${data.mix.serverSentCount}.</p>`
      : "";
  const serversMpo = `<b class="servers-mpo">${fmt(net?.servers?.["msgs-per-op"])}</b>`;
  const header =
    '<th>type</th><th class="num">sent</th><th class="num">delivered</th><th class="num">per op</th>' +
    "<th></th><th>links</th>";
  const totalPerOp = opCount ? fmt(data.mix.serverSentCount / opCount) : "—";
  const totalRow =
    `<tr><th>total</th><td class="num">${data.mix.serverSentCount}</td><td></td>` +
    `<td class="num">${totalPerOp}</td><td></td><td></td></tr>`;
  return `<h2 id="messages-per-op">Messages per operation</h2>
<p>Server msgs-per-op ${serversMpo}, all msgs-per-op ${fmt(net?.all?.["msgs-per-op"])}, over ${opCount} operations.
Server messages are everything not to or from a client: node↔node and node↔service traffic.</p>
<table class="message-mix"><tr>${header}</tr>${rows.join("")}
${totalRow}</table>
${mismatch}`;
}

function renderDiagram(data: ReportData): string {
  const { diagram, preview } = data;
  const cut = diagram.hiddenEventCount ? `; ${diagram.hiddenEventCount} later events are not drawn` : "";
  const legend =
    "time flows down; blue: client traffic, black: between servers, pink: errors, grey dashes: never delivered";
  const hover = "Hover an arrow for the full message.";
  const full = `${diagram.arrowCount} arrows over ${diagram.shownEventCount} events${cut}`;
  return `<h2>Messages</h2>
<p class="note">The first ${preview.shownEventCount} network events as a Lamport diagram (${legend}). ${hover}
The full diagram is <a href="messages.svg">messages.svg</a>: ${full}.</p>
<div class="diagram">${preview.svg}</div>`;
}

function renderFiles(data: ReportData): string {
  const logs = data.nodeLogs
    .map((name) => `<a href="node-logs/${encodeURIComponent(name)}">${escapeXml(name)}</a>`)
    .join(" · ");
  const files = data.files.map((name) => `<a href="${encodeURIComponent(name)}">${escapeXml(name)}</a>`).join(" · ");
  return `<h2>Files</h2><p>Node logs: ${logs || "none"}</p><p>Run files: ${files}</p>`;
}
