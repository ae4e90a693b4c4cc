/**
 * Simulated runs as seed search and shrinking use them: each run is quiet (its console lines
 * go only to its jepsen.log), judged by its verdict and failure kinds, and its folder is kept
 * with its report only when it is worth looking at. A passing seed is not stored: its seed
 * replays it byte for byte.
 */
import { WORKLOADS } from "../workloads/index.ts";
import { rmSync } from "node:fs";
import type { TestOptions } from "../contracts/options.ts";
import type { RunOutcome } from "../run/run.ts";
import { simulateTest } from "../run/simulate.ts";
import { explainRun } from "../report/explain.ts";
import { failureKinds } from "../report/failure-kind.ts";
import { writeRunReport } from "../report/index.ts";
import { outcomeOf, type Verdict } from "../report/why.ts";
import { pointLatestAt } from "../store/store.ts";

/** One simulated run and how it ended. */
export interface JudgedRun {
  opts: TestOptions;
  outcome: RunOutcome;
  /** valid, invalid, unknown or aborted. */
  verdict: Verdict;
  /** What it failed of (failure-kind.ts); empty when valid. */
  kinds: string[];
  /** Its folder still exists. */
  stored: boolean;
}

/** Runs one simulated test without printing anything (its jepsen.log keeps its lines), and judges it. */
export async function judgedRun(opts: TestOptions): Promise<JudgedRun> {
  const quiet: TestOptions = { ...opts, progress: false, testCount: 1 };
  return judge(quiet, await simulateTest(quiet));
}

/** Judges a finished run by its results. */
export function judge(opts: TestOptions, outcome: RunOutcome): JudgedRun {
  const verdict = outcomeOf(outcome.results);
  const kinds = verdict === "valid" ? [] : failureKinds(outcome.results);
  return { opts, outcome, verdict, kinds, stored: true };
}

/** A run that failed (any verdict but valid; an interrupted run is no finding). */
export function failed(run: JudgedRun): boolean {
  return run.verdict !== "valid" && !run.outcome.interrupted;
}

/** Deletes a run's folder: its seed and flags replay it. */
export function discardRun(run: JudgedRun): void {
  if (!run.stored) return;
  rmSync(run.outcome.runDir, { recursive: true, force: true });
  run.stored = false;
}

/** Keeps a run: draws its report (a failure to draw it is a warning) and points `latest` at it. */
export async function keepRun(run: JudgedRun, log: (line: string) => void): Promise<void> {
  try {
    await writeRunReport(run.outcome.runDir);
  } catch (error) {
    log(`WARN could not write the HTML report: ${error instanceof Error ? error.message : String(error)}`);
  }
  markLatest(run);
}

/** Points the store's `latest` links at a run. */
export function markLatest(run: JudgedRun): void {
  pointLatestAt(run.opts.storeDir, run.opts.workload, run.outcome.runDir);
}

/** The first finding of a failed run in words, on one line of at most `maxChars`. */
export async function firstFinding(run: JudgedRun, maxChars = 110): Promise<string> {
  const workload = WORKLOADS.get(run.opts.workload);
  const explanation = await explainRun(run.outcome.results, workload, run.stored ? run.outcome.runDir : undefined);
  const checker = explanation.checkers[0];
  const text = checker ? `${checker.checker}: ${checker.findings[0]?.text ?? checker.summary}` : explanation.headline;
  const line = text.replace(/\s+/g, " ");
  return line.length > maxChars ? `${line.slice(0, maxChars - 1)}…` : line;
}
