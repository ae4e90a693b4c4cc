/**
 * Shrinking (`--sim --shrink`): from a failing simulated run, a greedy search for a smaller
 * run that fails the same way, in the manner of delta debugging and of the shrinkers of
 * property-based testing: one flag at a time is made smaller (fewer nodes where the workload
 * allows it, fewer fault kinds, a longer --nemesis-interval, a shorter --time-limit, a lower
 * --rate, fewer workers), smallest value first; a candidate is a full simulated run, tried
 * with a few seeds, and the first that fails with the same kind (failure-kind.ts) becomes the
 * new run to shrink. Rounds go on until none makes progress or the run budget is spent. The
 * smallest failing run keeps its folder and report; every other candidate's is removed.
 * Followed: Zeller's ddmin (fewer parts, then a part at a time) reduced to one greedy pass per
 * flag, since a simulated run is cheap to repeat and flags do not split into independent parts.
 */
import type { TestOptions } from "../contracts/options.ts";
import { discardRun, failed, firstFinding, judgedRun, keepRun, type JudgedRun } from "./sim-runs.ts";
import { replayCommand, shownPath } from "./replay.ts";

/** How hard to look. */
export interface ShrinkHooks {
  log: (line: string) => void;
  /** The folder the printed command is relative to. */
  cwd?: string;
}

/** One accepted step. */
export interface ShrinkStep {
  /** What changed, as flags: "--node-count 3 → 2". */
  change: string;
  seed: number;
}

/** What shrinking found. */
export interface Shrunk {
  original: JudgedRun;
  /** The smallest run that failed the same way (the original when nothing smaller did). */
  smallest: JudgedRun;
  /** The failure kind every accepted run showed. */
  kind: string;
  steps: ShrinkStep[];
  /** Candidate runs made. */
  runs: number;
  /** The budget ran out before a round made no progress. */
  budgetSpent: boolean;
  /** Ctrl-C stopped it. */
  interrupted: boolean;
}

/** A smaller run to try. */
interface Candidate {
  opts: TestOptions;
  change: string;
}

type Dimension = (opts: TestOptions) => Candidate[];

/** The most candidate runs one shrink makes. */
const MAX_RUNS = 200;
/** Seeds tried per candidate, from the current run's seed on: a smaller run fails less often. */
const SEEDS_PER_CANDIDATE = 4;
/** Fractions of a number tried, smallest first. */
const FRACTIONS = [1 / 8, 1 / 4, 1 / 2, 3 / 4];

/**
 * The fewest nodes each workload can still run with, for the workloads whose checks do not
 * depend on the node count; the others keep theirs.
 */
const MIN_NODES: Readonly<Record<string, number>> = {
  broadcast: 1,
  "g-counter": 1,
  "pn-counter": 1,
  kafka: 1,
  "txn-rw-register": 1,
  "txn-list-append": 1,
};

/** Shrinks a failing run; prints each accepted step and the smallest failing command. */
export async function shrinkFailure(original: JudgedRun, hooks: ShrinkHooks): Promise<Shrunk> {
  const { log } = hooks;
  const kind = original.kinds[0] ?? original.verdict;
  const shrunk: Shrunk = {
    original,
    smallest: original,
    kind,
    steps: [],
    runs: 0,
    budgetSpent: false,
    interrupted: false,
  };
  log("");
  log(
    `Shrinking seed ${original.opts.seed}: looking for a smaller run that fails with "${kind}" ` +
      `(at most ${MAX_RUNS} runs)`,
  );
  const startedMs = performance.now();
  for (let progress = true; progress && !shrunk.interrupted; ) {
    progress = false;
    for (const dimension of DIMENSIONS) {
      if (shrunk.runs >= MAX_RUNS) shrunk.budgetSpent = true;
      if (shrunk.budgetSpent || shrunk.interrupted) break;
      if (await shrinkAlong(dimension, shrunk, hooks)) progress = true;
    }
    if (shrunk.budgetSpent) break;
  }
  await reportShrunk(shrunk, hooks, performance.now() - startedMs);
  return shrunk;
}

/** Tries one dimension's candidates, smallest first; true when one failed the same way. */
async function shrinkAlong(dimension: Dimension, shrunk: Shrunk, hooks: ShrinkHooks): Promise<boolean> {
  for (const candidate of dimension(shrunk.smallest.opts)) {
    for (let i = 0; i < SEEDS_PER_CANDIDATE; i++) {
      if (shrunk.runs >= MAX_RUNS) return false;
      shrunk.runs++;
      const seed = shrunk.smallest.opts.seed + i;
      const run = await judgedRun({ ...candidate.opts, seed });
      if (run.outcome.interrupted) {
        discardRun(run);
        shrunk.interrupted = true;
        return false;
      }
      if (!failed(run) || !run.kinds.includes(shrunk.kind)) {
        discardRun(run);
        continue;
      }
      if (shrunk.smallest !== shrunk.original) discardRun(shrunk.smallest);
      shrunk.smallest = run;
      shrunk.steps.push({ change: candidate.change, seed });
      hooks.log(`  ${candidate.change} (seed ${seed}): fails the same way`);
      return true;
    }
  }
  return false;
}

/** The smallest failing command, its finding, and where its run is stored. */
async function reportShrunk(shrunk: Shrunk, hooks: ShrinkHooks, wallMs: number): Promise<void> {
  const { log } = hooks;
  const { smallest, steps } = shrunk;
  const spent = `${shrunk.runs} runs in ${(wallMs / 1000).toFixed(1)} s`;
  const why = shrunk.interrupted
    ? ", interrupted"
    : shrunk.budgetSpent
      ? ", budget spent: a smaller run may exist"
      : "";
  log("");
  if (steps.length === 0) {
    log(`No smaller run failed with "${shrunk.kind}" (${spent}${why}); the smallest failing run is the original:`);
  } else {
    log(`Smallest failing run (${steps.length} steps, ${spent}${why}):`);
  }
  log(`  ${replayCommand(smallest.opts, hooks.cwd)}`);
  log(`  ${await firstFinding(smallest)}`);
  await keepRun(smallest, log);
  log(`Stored, with its report: ${shownPath(smallest.outcome.runDir, hooks.cwd)}`);
}

/** --node-count down to the workload's minimum, workers scaled with it when they were Kn. */
const fewerNodes: Dimension = (opts) => {
  const min = MIN_NODES[opts.workload];
  const count = opts.nodeIds.length;
  if (min === undefined) return [];
  const counts = uniqueAscending([min, Math.floor(count / 2), count - 1]).filter((c) => c >= min && c < count);
  return counts.map((c) => {
    const concurrency = opts.concurrency % count === 0 ? (opts.concurrency / count) * c : opts.concurrency;
    return {
      opts: { ...opts, nodeIds: opts.nodeIds.slice(0, c), concurrency },
      change: `--node-count ${count} → ${c}`,
    };
  });
};

/** Each fault kind left out in turn. */
const fewerFaultKinds: Dimension = (opts) =>
  opts.nemesis.map((fault) => {
    const nemesis = opts.nemesis.filter((other) => other !== fault);
    const to = nemesis.length > 0 ? nemesis.join(",") : "none";
    return { opts: { ...opts, nemesis }, change: `--nemesis ${opts.nemesis.join(",")} → ${to}` };
  });

/** Faults further apart (fewer of them): up to the length of the run. */
const longerNemesisInterval: Dimension = (opts) => {
  if (opts.nemesis.length === 0) return [];
  const from = opts.nemesisIntervalSec;
  return uniqueAscending([from * 4, from * 2].map((sec) => Math.min(sec, opts.timeLimitSec)))
    .reverse()
    .filter((sec) => sec > from)
    .map((sec) => ({ opts: { ...opts, nemesisIntervalSec: sec }, change: `--nemesis-interval ${from} → ${sec}` }));
};

const shorterTimeLimit: Dimension = (opts) =>
  fractionsOf(opts.timeLimitSec).map((sec) => ({
    opts: { ...opts, timeLimitSec: sec },
    change: `--time-limit ${opts.timeLimitSec} → ${sec}`,
  }));

const lowerRate: Dimension = (opts) =>
  fractionsOf(opts.rate).map((rate) => ({ opts: { ...opts, rate }, change: `--rate ${opts.rate} → ${rate}` }));

const fewerWorkers: Dimension = (opts) =>
  uniqueAscending([1, Math.floor(opts.concurrency / 2)])
    .filter((workers) => workers >= 1 && workers < opts.concurrency)
    .map((workers) => ({
      opts: { ...opts, concurrency: workers },
      change: `--concurrency ${opts.concurrency} → ${workers}`,
    }));

/** The order flags are shrunk in: a shorter run first, so that every later candidate is quicker. */
const DIMENSIONS: readonly Dimension[] = [
  shorterTimeLimit,
  fewerNodes,
  lowerRate,
  fewerFaultKinds,
  longerNemesisInterval,
  fewerWorkers,
];

/** Whole numbers below `value` (and at least 1) at the FRACTIONS of it, smallest first. */
function fractionsOf(value: number): number[] {
  return uniqueAscending(FRACTIONS.map((fraction) => Math.max(1, Math.round(value * fraction)))).filter(
    (n) => n < value,
  );
}

function uniqueAscending(values: readonly number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}
