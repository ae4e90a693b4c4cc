/**
 * The run folder, as Maelstrom's store: `store/<workload>/<timestamp>/` holding results.json,
 * history.jsonl, net-journal.jsonl, test.json and node-logs/, with `store/current` pointing at
 * the run under way, and `store/latest` and `store/<workload>/latest` at the newest run that
 * has results.
 */
import { mkdirSync, rmSync, symlinkSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import type { TestOptions } from "../contracts/options.ts";
import { ChunkedWriter } from "./chunked-writer.ts";
import { writeEdnRunFiles } from "./edn-files.ts";
import type { JournalEvent } from "../contracts/journal.ts";
import type { RunResults } from "../contracts/results.ts";
import type { Op } from "../contracts/types.ts";

/** A timestamp like Maelstrom's folder names: 20260425T101500.123Z (+ a suffix if taken). */
function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, "");
}

/** Creates a fresh run folder and points `store/current` at it (Jepsen's update-current-symlink!). */
export function createRunDir(storeDir: string, workload: string): string {
  mkdirSync(resolve(storeDir, workload), { recursive: true });
  const base = resolve(storeDir, workload, timestamp());
  let runDir = base;
  for (let n = 1; !tryMkdir(runDir); n++) runDir = `${base}-${n}`; // two runs in the same millisecond
  mkdirSync(join(runDir, "node-logs"), { recursive: true });
  pointLink(join(storeDir, "current"), runDir);
  return runDir;
}

/**
 * Points `latest`, `current` and `<workload>/latest` at a run that has its results (Jepsen's
 * store.clj update-symlinks!, called once the results are saved), so `latest` never names a
 * run that was interrupted before it had any.
 */
export function pointLatestAt(storeDir: string, workload: string, runDir: string): void {
  for (const link of [join(storeDir, "latest"), join(storeDir, "current"), join(storeDir, workload, "latest")]) {
    pointLink(link, runDir);
  }
}

function tryMkdir(path: string): boolean {
  try {
    mkdirSync(path);
    return true;
  } catch {
    return false;
  }
}

function pointLink(link: string, target: string): void {
  try {
    rmSync(link, { force: true });
    symlinkSync(relative(resolve(link, ".."), target), link);
  } catch {
    // two runs racing for the link: either target is fine
  }
}

/** Writes everything the run produced (the report module adds its pictures afterwards). */
export async function writeRunFiles(
  runDir: string,
  opts: TestOptions,
  history: readonly Op[],
  journal: readonly JournalEvent[],
  results: RunResults,
  logLines?: readonly string[],
): Promise<void> {
  await Bun.write(join(runDir, "test.json"), `${JSON.stringify(opts, null, 2)}\n`);
  await Bun.write(join(runDir, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  await writeLines(join(runDir, "history.jsonl"), history);
  await writeLines(join(runDir, "net-journal.jsonl"), journal);
  await writeEdnRunFiles(runDir, opts, history, results, logLines);
}

async function writeLines(path: string, items: readonly unknown[]): Promise<void> {
  const writer = new ChunkedWriter(path);
  for (const item of items) if (writer.add(`${JSON.stringify(item)}\n`)) await writer.flush();
  await writer.end();
}
