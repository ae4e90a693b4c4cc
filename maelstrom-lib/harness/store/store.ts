/**
 * The run folder, as Jepsen's store (store.clj): `store/<workload>/<timestamp>/` holding
 * test.json, history.jsonl, net-journal.jsonl, results.json, the EDN files and node-logs/, with
 * `store/current` pointing at the run under way, and `store/latest` and `store/<workload>/latest`
 * at the newest complete run.
 *
 * Jepsen saves in two steps, and so does this: the options and the history as soon as the run
 * is over (`save-1!`, before analysis, so `analyze` can always check them again), then the
 * results (`save-2!`). Every file is written through a temporary name and a rename, and
 * results.json comes last: a folder with results.json is complete; one without it is visibly
 * not, and still holds a whole history.
 */
import { dirname, join, resolve } from "node:path";
import type { TestOptions } from "../contracts/options.ts";
import { resultsJsonText, type RunResults } from "../contracts/results.ts";
import { RUN_FILES } from "../contracts/run-files.ts";
import type { Op, RunFiles } from "../contracts/types.ts";
import { historyEdnLines, historyTxtLines, jepsenLogLines, resultsEdnText } from "./edn-files.ts";
import { JournalFile } from "./journal-file.ts";
import {
  NODE_FS,
  pointLink,
  storeError,
  writeFileAtomic,
  writeTextAtomic,
  type StoreError,
  type StoreFs,
} from "./store-fs.ts";

export { NODE_FS, StoreError, type StoreFs } from "./store-fs.ts";

/** A timestamp like Maelstrom's folder names: 20260425T101500.123Z (+ a suffix if taken). */
function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, "");
}

/**
 * Creates a fresh run folder and points `store/current` at it (Jepsen's
 * update-current-symlink!). Throws a StoreError when the store cannot be written.
 */
export function createRunDir(storeDir: string, workload: string, fs: StoreFs = NODE_FS): string {
  const workloadDir = resolve(storeDir, workload);
  mkdirs(fs, workloadDir);
  const base = join(workloadDir, timestamp());
  let runDir = base;
  for (let n = 1; !tryMkdir(fs, runDir); n++) runDir = `${base}-${n}`; // two runs in the same millisecond
  mkdirs(fs, join(runDir, RUN_FILES.nodeLogs));
  pointLink(fs, join(storeDir, "current"), runDir);
  return runDir;
}

function mkdirs(fs: StoreFs, path: string): void {
  try {
    fs.mkdirs(path);
  } catch (error) {
    throw storeError("create", path, error);
  }
}

/** False when `path` exists already (another run took this name); any other failure throws. */
function tryMkdir(fs: StoreFs, path: string): boolean {
  try {
    fs.mkdir(path);
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === "EEXIST") return false;
    throw storeError("create", path, error);
  }
}

/** Opens the run's net-journal.jsonl, written as the run goes; see JournalFile. */
export function openJournal(runDir: string, onError: (error: StoreError) => void, fs: StoreFs = NODE_FS): JournalFile {
  return new JournalFile(join(runDir, RUN_FILES.journal), fs, onError);
}

/**
 * Points `latest`, `current` and `<workload>/latest` at a run whose results are written
 * (Jepsen's update-symlinks!, once the results are saved), each by an atomic rename.
 */
export function pointLatestAt(storeDir: string, workload: string, runDir: string, fs: StoreFs = NODE_FS): void {
  for (const link of [join(storeDir, "latest"), join(storeDir, "current"), join(storeDir, workload, "latest")]) {
    pointLink(fs, link, runDir);
  }
}

/** Jepsen's save-1!: the options and the history (JSON lines and EDN), before any checker runs. */
export async function saveBeforeAnalysis(
  runDir: string,
  opts: TestOptions,
  history: readonly Op[],
  fs: StoreFs = NODE_FS,
): Promise<void> {
  await writeFileAtomic(fs, join(runDir, RUN_FILES.testOptions), [`${JSON.stringify(opts, null, 2)}\n`]);
  await writeFileAtomic(fs, join(runDir, RUN_FILES.history), jsonLines(history));
  await writeFileAtomic(fs, join(runDir, RUN_FILES.historyEdn), historyEdnLines(history));
  await writeFileAtomic(fs, join(runDir, RUN_FILES.historyTxt), historyTxtLines(history));
}

/** Jepsen's save-2!: results.edn and jepsen.log, then results.json, which marks the folder complete. */
export async function saveResults(
  runDir: string,
  opts: TestOptions,
  history: readonly Op[],
  results: RunResults,
  logLines: readonly string[],
  fs: StoreFs = NODE_FS,
): Promise<void> {
  const resultsText = resultsEdnText(results);
  await writeFileAtomic(fs, join(runDir, RUN_FILES.resultsEdn), [resultsText]);
  const jepsenLog = jepsenLogLines(runDir, opts, history, resultsText, logLines);
  await writeFileAtomic(fs, join(runDir, RUN_FILES.jepsenLog), jepsenLog);
  await writeFileAtomic(fs, join(runDir, RUN_FILES.results), [resultsJsonText(results)]);
}

/** `maelstrom analyze`'s new results in `dir`: results.edn, then results.json. */
export async function saveAnalysis(dir: string, results: RunResults, fs: StoreFs = NODE_FS): Promise<void> {
  mkdirs(fs, dir);
  await writeFileAtomic(fs, join(dir, RUN_FILES.resultsEdn), [resultsEdnText(results)]);
  await writeFileAtomic(fs, join(dir, RUN_FILES.results), [resultsJsonText(results)]);
}

function* jsonLines(items: readonly unknown[]): Generator<string> {
  for (const item of items) yield `${JSON.stringify(item)}\n`;
}

/**
 * Writes the files a checker handed back (lin-kv's `independent/<key>/`, Elle's `elle/`) into
 * the run folder: checkers stay pure, and the store is the one that writes, each file whole or
 * not at all. Throws a StoreError.
 */
export function writeCheckerFiles(runDir: string, files: RunFiles, fs: StoreFs = NODE_FS): void {
  for (const [path, contents] of files) {
    const target = join(runDir, path);
    mkdirs(fs, dirname(target));
    writeTextAtomic(fs, target, contents);
  }
}
