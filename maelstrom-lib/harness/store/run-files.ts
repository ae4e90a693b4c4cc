/**
 * Reading a run folder's files: a streaming line reader, so that a journal of millions of
 * events never sits in memory at once (the file names are contracts/run-files.ts's RUN_FILES).
 */
import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, relative } from "node:path";
import { readLines } from "../primitives/lines.ts";

/**
 * Calls `onLine` for every non-empty line of a text file, reading it in chunks (a last line
 * without a newline included). Resolves with the number of lines seen; a missing file counts
 * as empty.
 */
export async function forEachLine(path: string, onLine: (line: string) => void): Promise<number> {
  if (!existsSync(path)) return 0;
  let lineCount = 0;
  const emit = (line: string): void => {
    if (line.trim() === "") return;
    lineCount++;
    onLine(line);
  };
  emit(await readLines(Bun.file(path).stream(), emit));
  return lineCount;
}

/** Calls `onValue` with each line of a JSON-lines file parsed; unparseable lines are counted, not fatal. */
export async function forEachJsonLine<T>(path: string, onValue: (value: T) => void): Promise<{ badLineCount: number }> {
  let badLineCount = 0;
  await forEachLine(path, (line) => {
    let value: T;
    try {
      value = JSON.parse(line) as T;
    } catch {
      badLineCount++;
      return;
    }
    onValue(value);
  });
  return { badLineCount };
}

/**
 * A run's --bin as a reader knows it: relative to the folder holding the store (the repo root,
 * where runs are started from) when it lies inside it, else as recorded.
 */
export function binShown(bin: unknown, storeDir: string): string {
  if (typeof bin !== "string") return "—";
  const shown = isAbsolute(bin) ? relative(dirname(storeDir), bin) : bin;
  return shown.startsWith("..") || isAbsolute(shown) ? bin : shown;
}

/** The absolute path of one of a run's files. */
export function runFile(runDir: string, name: string): string {
  return join(runDir, name);
}
