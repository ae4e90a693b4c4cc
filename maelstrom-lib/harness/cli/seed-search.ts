/**
 * Seed search (`--sim --test-count N`): the same simulated test with seeds S, S+1, …, S+N-1,
 * one after another. A progress line shows how far it is; then a table of the seeds that did
 * not pass (seed, verdict, the first finding in words) and, for each, the one-line command
 * that replays it. Failing runs keep their folders and reports; passing ones are not stored.
 * A range of seeds is a unit of work, so `--seed 1000 --test-count 250` on four machines
 * covers 1,000 seeds (docs/simulation.md shows a CI matrix).
 */
import type { TestOptions } from "../contracts/options.ts";
import { discardRun, failed, firstFinding, judgedRun, keepRun, markLatest, type JudgedRun } from "./sim-runs.ts";
import { replayCommand, shownPath } from "./replay.ts";

/** What a seed search found. */
export interface SeedSearch {
  /** Every run, in seed order. */
  runs: JudgedRun[];
  /** The runs that did not pass, in seed order (their folders are kept). */
  failing: JudgedRun[];
  /** Ctrl-C stopped it before the last seed. */
  interrupted: boolean;
  /** The worst exit code of any run. */
  exitCode: number;
  /** Wall time of the whole search. */
  wallMs: number;
}

/** Where a search's lines go and how it shows progress. */
export interface SearchHooks {
  log: (line: string) => void;
  /** Draw a progress line on stderr. */
  progress: boolean;
  /** The folder replay commands are relative to. */
  cwd?: string;
}

/** Without a terminal, a progress line every this many seconds. */
const PLAIN_PROGRESS_EVERY_MS = 10_000;

/** Runs --test-count seeds from --seed on, then prints the table of failing seeds and their replay commands. */
export async function searchSeeds(opts: TestOptions, hooks: SearchHooks): Promise<SeedSearch> {
  const last = opts.seed + opts.testCount - 1;
  hooks.log(`Seed search: ${opts.testCount} simulated runs of ${opts.workload}, seeds ${opts.seed} … ${last}`);
  const progress = new SearchProgress(opts.testCount, hooks.progress);
  const startedMs = performance.now();
  const search: SeedSearch = { runs: [], failing: [], interrupted: false, exitCode: 0, wallMs: 0 };
  for (let seed = opts.seed; seed <= last; seed++) {
    const run = await judgedRun({ ...opts, seed });
    search.runs.push(run);
    search.exitCode = Math.max(search.exitCode, run.outcome.exitCode);
    if (run.outcome.interrupted) {
      discardRun(run);
      search.interrupted = true;
      break;
    }
    if (failed(run)) {
      search.failing.push(run);
      await keepRun(run, hooks.log);
    } else if (seed !== last) discardRun(run); // the last run stays, so that `latest` names a run
    progress.update(search.runs.length, search.failing.length, seed);
  }
  progress.finish();
  search.wallMs = performance.now() - startedMs;
  // `latest` is the first failing run, the one to look at first; else the last run, kept for it.
  if (search.failing[0]) {
    const lastRun = search.runs.at(-1)!;
    if (!failed(lastRun)) discardRun(lastRun);
    markLatest(search.failing[0]);
  }
  await printSearch(search, opts, hooks);
  return search;
}

/** The closing lines: counts, the table of failing seeds, and how to replay each one. */
async function printSearch(search: SeedSearch, opts: TestOptions, hooks: SearchHooks): Promise<void> {
  const { log } = hooks;
  const { runs, failing } = search;
  const seconds = (search.wallMs / 1000).toFixed(1);
  const stopped = search.interrupted ? ` (interrupted after ${runs.length - 1} of ${opts.testCount})` : "";
  log("");
  log(`${runs.length} seeds in ${seconds} s${stopped}: ${countsText(runs)}`);
  if (failing.length === 0) return;
  const rows = await Promise.all(
    failing.map(async (run) => [String(run.opts.seed), run.verdict, await firstFinding(run)]),
  );
  log("");
  for (const line of table(["seed", "verdict", "first finding"], rows)) log(line);
  log("");
  log(failing.length === 1 ? "Replay it:" : "Replay each:");
  for (const run of failing) log(`  ${replayCommand(run.opts, hooks.cwd)}`);
  log("");
  const folders = failing.map((run) => shownPath(run.outcome.runDir, hooks.cwd));
  log(`Stored, with their reports: ${folders.join(", ")}`);
}

/** "245 valid, 5 invalid". */
function countsText(runs: readonly JudgedRun[]): string {
  const counts = new Map<string, number>();
  for (const run of runs) counts.set(run.verdict, (counts.get(run.verdict) ?? 0) + 1);
  return [...counts].map(([verdict, count]) => `${count} ${verdict}`).join(", ");
}

/** Aligned columns, a dashed rule under the header. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const format = (row: readonly string[]) =>
    row
      .map((text, column) => text.padEnd(widths[column]!))
      .join("  ")
      .trimEnd();
  return [format(header), format(widths.map((width) => "-".repeat(width))), ...rows.map(format)];
}

/** The live line: runs done of the total, failures so far, the seed just run. */
class SearchProgress {
  private readonly startedMs = performance.now();
  private lastPlainMs = this.startedMs;

  constructor(
    private readonly total: number,
    private readonly enabled: boolean,
  ) {}

  update(done: number, failing: number, seed: number): void {
    if (!this.enabled) return;
    const elapsedSec = ((performance.now() - this.startedMs) / 1000).toFixed(1);
    const line = `[${elapsedSec} s] ${done}/${this.total} seeds, ${failing} failing (last seed ${seed})`;
    if (process.stderr.isTTY) return void process.stderr.write(`\r${line}\x1b[K`);
    if (performance.now() - this.lastPlainMs < PLAIN_PROGRESS_EVERY_MS && done < this.total) return;
    this.lastPlainMs = performance.now();
    process.stderr.write(`${line}\n`);
  }

  finish(): void {
    if (this.enabled && process.stderr.isTTY) process.stderr.write("\n");
  }
}
