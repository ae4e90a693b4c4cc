/**
 * Where a bench's results go. The tracked bench/results-<name>.md (and bench/results.md) are
 * rewritten only with `--write`; otherwise a bench writes bench/tmp/results-<name>.md (ignored by
 * git), so that measuring never changes the checkout unless asked.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** True when the tracked results files are to be rewritten (`bun run bench ... --write`). */
export const writeTracked = process.argv.includes("--write");

/** The folder results go to: bench/ with --write, else bench/tmp/. */
export const resultsDir = writeTracked ? import.meta.dir : join(import.meta.dir, "tmp");

/** Writes results-<name>.md and says where it went. */
export function writeBenchResults(name: string, text: string): string {
  mkdirSync(resultsDir, { recursive: true });
  const path = join(resultsDir, `results-${name}.md`);
  writeFileSync(path, text.endsWith("\n") ? text : `${text}\n`);
  console.log(`wrote ${path}${writeTracked ? "" : " (not the tracked file: add --write for that)"}`);
  return path;
}
