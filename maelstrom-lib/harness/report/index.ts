/**
 * The per-run report: reads a run folder once (the journal and the history streamed line by
 * line) and writes `messages.svg` and `index.html` beside the run's other files.
 */
import { existsSync, readdirSync } from "node:fs";
import { basename, dirname } from "node:path";
import type { Op } from "../types.ts";
import { HistoryCollector, type HistoryDigest } from "./history-digest.ts";
import { renderReportHtml } from "./html.ts";
import { LamportCollector, type LamportDiagram } from "./lamport-svg.ts";
import { MessageMixCollector, type MessageMix } from "./message-mix.ts";
import { RUN_FILES, forEachJsonLine, readJsonFile, runFile, type JournalEvent } from "./run-files.ts";

export { verdictOf, type Verdict } from "./html.ts";

/** How many events the page's inline diagram preview draws (the full one is messages.svg). */
export const PREVIEW_EVENT_LIMIT = 300;

/** What a journal pass yields. */
export interface JournalDigest {
  diagram: LamportDiagram;
  preview: LamportDiagram;
  mix: MessageMix;
  eventCount: number;
}

/** Reads net-journal.jsonl once, feeding the diagram, its preview and the message mix (`nodeIds` from test.json). */
export async function digestJournal(journalPath: string, nodeIds?: readonly string[]): Promise<JournalDigest> {
  const diagram = new LamportCollector();
  const preview = new LamportCollector(PREVIEW_EVENT_LIMIT);
  const mix = new MessageMixCollector(nodeIds);
  let eventCount = 0;
  await forEachJsonLine<JournalEvent>(journalPath, (event) => {
    eventCount++;
    diagram.add(event);
    preview.add(event);
    mix.add(event);
  });
  return { diagram: diagram.render(), preview: preview.render(), mix: mix.result(), eventCount };
}

/** Reads history.jsonl once into the digest the plots need. */
export async function digestHistory(historyPath: string): Promise<HistoryDigest> {
  const collector = new HistoryCollector();
  await forEachJsonLine<Op>(historyPath, (op) => collector.add(op));
  return collector.result();
}

function listFiles(directory: string): string[] {
  return existsSync(directory) ? readdirSync(directory).sort() : [];
}

/**
 * Writes `messages.svg` and `index.html` into `runDir` from its results.json, history.jsonl,
 * net-journal.jsonl and test.json (any of which may be missing after a crash). Call it after
 * results.json is written.
 */
export async function writeRunReport(runDir: string): Promise<void> {
  const results = await readJsonFile<Record<string, unknown>>(runFile(runDir, RUN_FILES.results));
  const testOptions = await readJsonFile<Record<string, unknown>>(runFile(runDir, RUN_FILES.testOptions));
  const nodeIds = Array.isArray(testOptions?.nodeIds) ? (testOptions.nodeIds as string[]) : undefined;
  const journal = await digestJournal(runFile(runDir, RUN_FILES.journal), nodeIds);
  const digest = await digestHistory(runFile(runDir, RUN_FILES.history));
  await Bun.write(runFile(runDir, RUN_FILES.messagesSvg), journal.diagram.svg);
  const { svg: _fullSvg, ...diagramCounts } = journal.diagram;
  const workload = String((testOptions?.workload as string | undefined) ?? basename(dirname(runDir)));
  const html = renderReportHtml({
    runName: basename(runDir),
    workload,
    results,
    testOptions,
    digest,
    mix: journal.mix,
    diagram: diagramCounts,
    preview: journal.preview,
    nodeLogs: listFiles(runFile(runDir, RUN_FILES.nodeLogs)),
    files: listFiles(runDir).filter((name) => name !== RUN_FILES.nodeLogs && name !== RUN_FILES.report),
  });
  await Bun.write(runFile(runDir, RUN_FILES.report), html);
}
