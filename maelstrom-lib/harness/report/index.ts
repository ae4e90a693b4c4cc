/**
 * The per-run report: reads a run folder once (store/run-folder.ts; the journal and the history
 * streamed line by line) and writes `messages.svg`, `timeline.html`, for lin-kv
 * `linearizability.html`, and `index.html` beside the
 * run's other files.
 */
import { existsSync, readdirSync } from "node:fs";
import { basename, dirname } from "node:path";
import { explainRun, type RunExplanation } from "./explain.ts";
import { FaultCollector, type FaultBand } from "./fault-bands.ts";
import { HistoryCollector, type HistoryDigest } from "./history-digest.ts";
import { renderReportHtml } from "./html.ts";
import { LamportCollector, type LamportDiagram } from "./lamport-svg.ts";
import { MessageMixCollector, type MessageMix } from "./message-mix.ts";
import { NemesisEventCollector, type NemesisEvent } from "./nemesis-events.ts";
import { OpMessageLocator } from "./op-messages.ts";
import { binShown, forEachJsonLine, runFile } from "../store/run-files.ts";
import { RUN_FILES } from "../contracts/run-files.ts";
import type { JournalEvent } from "../contracts/journal.ts";
import type { Op } from "../contracts/types.ts";
import { forEachOp, readRunFolder, type RunFolder } from "../store/run-folder.ts";
import { WORKLOADS } from "../workloads/index.ts";
import { NODE_FS, writeFileAtomic } from "../store/store-fs.ts";
import { renderTimelineHtml, TimelineCollector, type TimelineOp } from "./timeline.ts";
import { TIMELINE_FILE } from "./why.ts";
import { linKVKeys } from "../checkers/linearizable/results.ts";
import { LINEARIZABILITY_FILE, renderLinearizabilityHtml, WindowOpCollector } from "./linearizability.ts";

export { verdictOf, type Verdict } from "./html.ts";
export { outcomeOf } from "./why.ts";

/** How many events the page's inline diagram preview draws (the full one is messages.svg). */
export const PREVIEW_EVENT_LIMIT = 300;

/** What a journal pass yields. */
export interface JournalDigest {
  diagram: LamportDiagram;
  preview: LamportDiagram;
  mix: MessageMix;
  eventCount: number;
  /** Op index → the journal id of its request message, for the ops asked about. */
  requestOf: Map<number, number>;
}

/**
 * Reads net-journal.jsonl once, feeding the diagram, its preview and the message mix (`nodeIds`
 * from test.json), and finding the request messages of `linkedOps` (the ops findings name).
 */
export async function digestJournal(
  journalPath: string,
  nodeIds?: readonly string[],
  linkedOps: readonly TimelineOp[] = [],
): Promise<JournalDigest> {
  const diagram = new LamportCollector();
  const preview = new LamportCollector(PREVIEW_EVENT_LIMIT, "nodes-first");
  const mix = new MessageMixCollector(nodeIds);
  const requests = new OpMessageLocator(linkedOps);
  let eventCount = 0;
  await forEachJsonLine<JournalEvent>(journalPath, (event) => {
    eventCount++;
    diagram.add(event);
    preview.add(event);
    mix.add(event);
    requests.add(event);
  });
  return {
    diagram: diagram.render(),
    preview: preview.render(),
    mix: mix.result(),
    eventCount,
    requestOf: requests.result(),
  };
}

/** What a history pass yields: the plots' digest, the fault bands, the nemesis's events and the timeline's ops. */
export interface HistoryPass {
  digest: HistoryDigest;
  bands: FaultBand[];
  events: NemesisEvent[];
  timeline: { ops: TimelineOp[]; durationSec: number };
}

/** Reads a run's history.jsonl once into the digest the plots need. */
export async function digestHistory(runDir: string): Promise<HistoryDigest> {
  const collector = new HistoryCollector();
  await forEachOp(runDir, (op) => collector.add(op));
  return collector.result();
}

/**
 * Reads a run's history.jsonl once for the whole report (`nodeIds` from test.json, for fault labels); `visit` sees each
 * op.
 */
export async function readHistory(
  runDir: string,
  nodeIds?: readonly string[],
  visit?: (op: Op) => void,
): Promise<HistoryPass> {
  const collector = new HistoryCollector();
  const faults = new FaultCollector(nodeIds);
  const events = new NemesisEventCollector(nodeIds);
  const timeline = new TimelineCollector();
  await forEachOp(runDir, (op) => {
    collector.add(op);
    faults.add(op);
    events.add(op);
    timeline.add(op);
    visit?.(op);
  });
  return { digest: collector.result(), bands: faults.result(), events: events.result(), timeline: timeline.result() };
}

function listFiles(directory: string): string[] {
  return existsSync(directory) ? readdirSync(directory).sort() : [];
}

/**
 * Reads a run folder, explains its verdict (the workload named in test.json explains its
 * checker's entry) and writes its report; for runs that have none yet (`serve`, benches).
 */
export async function writeRunReport(runDir: string): Promise<RunExplanation> {
  const folder = readRunFolder(runDir);
  const workload = folder.options && WORKLOADS.get(folder.options.workload);
  const explanation = await explainRun(folder.results, workload, runDir);
  await writeReportFiles(folder, explanation);
  return explanation;
}

/**
 * Writes `messages.svg`, `timeline.html`, `linearizability.html` (lin-kv) and `index.html` into
 * the run folder from its results,
 * options, history.jsonl and net-journal.jsonl (any of which may be missing after a crash), with
 * the run's explanation at the top. Call it after results.json is written. Returns the nemesis's
 * events it read on the way, for the console's table.
 */
export async function writeReportFiles(folder: RunFolder, explanation: RunExplanation): Promise<NemesisEvent[]> {
  const { dir: runDir, results, options: testOptions } = folder;
  const nodeIds = testOptions?.nodeIds;
  const linKv = linKVKeys(results?.workload);
  const windowOps = linKv && new WindowOpCollector(linKv);
  const visit = windowOps && ((op: Op) => windowOps.add(op));
  const { digest, bands, events, timeline } = await readHistory(runDir, nodeIds, visit);
  const linkedOps = new Set(
    explanation.checkers.flatMap((checker) => checker.findings.flatMap((finding) => finding.ops)),
  );
  const linked = timeline.ops.filter((op) => linkedOps.has(op.index));
  const journal = await digestJournal(runFile(runDir, RUN_FILES.journal), nodeIds, linked);
  await writeReportFile(runDir, RUN_FILES.messagesSvg, journal.diagram.svg);
  const { svg: _fullSvg, ...diagramCounts } = journal.diagram;
  const workload = testOptions?.workload ?? basename(dirname(runDir));
  const timelineTitle = `${workload} ${basename(runDir)}: timeline`;
  const timelineHtml = renderTimelineHtml({ title: timelineTitle, ...timeline, bands, mustDraw: linkedOps });
  await writeReportFile(runDir, TIMELINE_FILE, timelineHtml);
  if (linKv && windowOps) {
    const title = `${workload} ${basename(runDir)}: linearizability`;
    const page = renderLinearizabilityHtml({ title, keys: linKv, windows: windowOps.result(linKv) });
    await writeReportFile(runDir, LINEARIZABILITY_FILE, page);
  }
  const html = renderReportHtml({
    runName: basename(runDir),
    workload,
    results,
    testOptions,
    binShown: binShown(testOptions?.bin, dirname(dirname(runDir))),
    digest,
    mix: journal.mix,
    diagram: diagramCounts,
    preview: journal.preview,
    nodeLogs: listFiles(runFile(runDir, RUN_FILES.nodeLogs)),
    files: listFiles(runDir).filter((name) => name !== RUN_FILES.nodeLogs && name !== RUN_FILES.report),
    explanation,
    bands,
    events,
    requestOf: journal.requestOf,
  });
  await writeReportFile(runDir, RUN_FILES.report, html);
  return events;
}

/** Whole or not at all: `serve` draws a missing report again, but would serve a cut one as it is. */
async function writeReportFile(runDir: string, name: string, text: string): Promise<void> {
  await writeFileAtomic(NODE_FS, runFile(runDir, name), [text]);
}
