/**
 * Where a bench's results go. The tracked bench/results-<name>.md (and bench/results.md) are
 * rewritten only with `--write`; otherwise a bench writes bench/tmp/results-<name>.md (ignored by
 * git), so that measuring never changes the checkout unless asked.
 *
 * Every results file starts with the bench run it came from (`bun run bench` hands all its
 * benches one stamp in BENCH_RUN), and the figures the README and docs quote sit between
 * `<!-- bench:<block> -->` markers that bench/quoted-figures.ts copies into them.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** True when the tracked results files are to be rewritten (`bun run bench ... --write`). */
export const writeTracked = process.argv.includes("--write");

/** The folder results go to: bench/ with --write, else bench/tmp/. */
export const resultsDir = writeTracked ? import.meta.dir : join(import.meta.dir, "tmp");

/** The run this bench belongs to: `bun run bench`'s stamp, or this process's start when run alone. */
export const benchRun = process.env.BENCH_RUN ?? new Date().toISOString();

/** The first line of every results file, naming its bench run. */
function benchRunLine(run: string): string {
  return `<!-- bench run ${run} -->`;
}

/** The bench run a results file's first line names, or "unstamped". */
export function benchRunOf(resultsText: string): string {
  return /^<!-- bench run (\S+) -->/.exec(resultsText)?.[1] ?? "unstamped";
}

/**
 * A figure over several runs, as the results print it: one value when they agree, else
 * `low–high` (or `low to high`, `separator`), with `unit` after; undefined when no run has it.
 */
export function span(
  values: readonly (number | undefined)[],
  digits: number,
  { separator = "–", unit = "" }: { separator?: string; unit?: string } = {},
): string | undefined {
  const known = values.filter((value): value is number => value !== undefined && Number.isFinite(value));
  if (known.length === 0) return undefined;
  const [low, high] = [Math.min(...known).toFixed(digits), Math.max(...known).toFixed(digits)];
  return low === high ? `${low}${unit}` : `${low}${separator}${high}${unit}`;
}

/** Figures for the README or docs to quote: `text` between the markers of block `name`. */
export function readmeBlock(name: string, text: string): string {
  return `<!-- bench:${name} -->\n${text.trim()}\n<!-- /bench:${name} -->`;
}

/** Writes results-<name>.md, stamped with its bench run, and says where it went. */
export function writeBenchResults(name: string, text: string): string {
  mkdirSync(resultsDir, { recursive: true });
  const path = join(resultsDir, `results-${name}.md`);
  writeFileSync(path, `${benchRunLine(benchRun)}\n${text.endsWith("\n") ? text : `${text}\n`}`);
  console.log(`wrote ${path}${writeTracked ? "" : " (not the tracked file: add --write for that)"}`);
  return path;
}
