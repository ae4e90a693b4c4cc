/**
 * The shape of results.json: Maelstrom's results.edn map (one entry per checker the run
 * composes, as Maelstrom's core.clj composes them) plus the runner's own `runner` and `errors`
 * entries. Types only. Every checker entry is absent when the run was aborted before analysis.
 */
import type { CrashReport, ProtocolViolation, UnmatchedReplies } from "./node-reports.ts";
import type { BeyondMaelstromFinding, CheckResult, Op, Validity } from "./types.ts";

/** Completion counts, as Jepsen's stats checker prints them. */
export type StatsCounts = {
  count: number;
  "ok-count": number;
  "fail-count": number;
  "info-count": number;
};

/** Jepsen's stats result: overall counts, and counts per `f` each with its own `valid?`. */
export type StatsResult = StatsCounts & { "valid?": boolean; "by-f": Record<string, StatsCounts & { "valid?": boolean }> };

/** Maelstrom's availability result. */
export type AvailabilityResult = { "valid?": boolean; "ok-fraction": number };

/** One traffic group of the net checker; msgs-per-op only for `all` and `servers`, and only with ops. */
export type TrafficResult = { "send-count": number; "recv-count": number; "msg-count": number; "msgs-per-op"?: number };

/** Maelstrom's net checker result (net/journal.clj), always valid. */
export type NetResult = { all: TrafficResult; clients: TrafficResult; servers: TrafficResult; "valid?": true };

/** One op that ended in :info because of an exception. */
export type ExceptionCase = { f: string; process: Op["process"]; exception: string | undefined };

/** Jepsen's unhandled-exceptions result: count and examples only when there are any. */
export type ExceptionsResult = { "valid?": true; count?: number; exceptions?: ExceptionCase[] };

/** The plot-only checkers' results. */
export type PerfResult = { "latency-graph": { "valid?": true }; "rate-graph": { "valid?": true }; "valid?": true };
export type TimelineResult = { "valid?": true };

/** results.json's `beyond-maelstrom` entry. */
export type BeyondMaelstromResult = {
  /** false only when the run is strict and something was found. */
  "valid?": boolean;
  strict: boolean;
  findings: BeyondMaelstromFinding[];
};

/** The runner's health during the run, which real Maelstrom never reports. Always valid. */
export type RunnerHealth = {
  seed: number;
  /** How late the network delivered messages against their scheduled time. */
  "lateness-ms": { p50: number; p99: number; max: number; deliveries: number };
  "cpu-seconds": number;
  "requested-rate": number;
  "achieved-rate": number;
  /** Why ops went out late, in ms summed over the run (generator.ts Stagger). */
  "late-ms"?: { "wake-up": number; "waiting-for-worker": number };
  "peak-rss-mb": number;
  "nodes-rss-mb"?: number;
  warnings: string[];
  "valid?": true;
};

/**
 * What went wrong outside the checkers: nodes that crashed, broke the protocol, or sent replies
 * no client could match.
 */
export type RunErrors = {
  crashes?: readonly (CrashReport & { type?: "node-crashed" })[];
  "protocol-violations"?: readonly ProtocolViolation[];
  "unmatched-replies"?: UnmatchedReplies;
};

/** results.json, key for key. */
export type RunResults = {
  perf?: PerfResult;
  timeline?: TimelineResult;
  exceptions?: ExceptionsResult;
  stats?: StatsResult;
  availability?: AvailabilityResult;
  net?: NetResult;
  /** The workload's own checker (its type depends on the workload). */
  workload?: CheckResult;
  /** What our checks found beyond Maelstrom's; only when something was found. */
  "beyond-maelstrom"?: BeyondMaelstromResult;
  runner?: RunnerHealth;
  /** Why the run stopped early (then only `errors` and `valid?` "unknown" are present). */
  aborted?: string;
  /** Maelstrom's name for why: init-failed, node-crashed, interrupted, … */
  "abort-type"?: string;
  errors?: RunErrors;
  "valid?": Validity;
};

/** The exit code of a verdict, as Jepsen's cli.clj gives it: 0 valid, 1 invalid, 2 unknown. */
export function exitCodeOf(validity: Validity): number {
  return validity === true ? 0 : validity === false ? 1 : 2;
}

/**
 * A run's workload entry typed as `check` (the checker of the workload that ran) returns it.
 * The one place the loose `Workload.check` result meets a checker's own type; throws when the
 * run has no workload entry (it was aborted before analysis).
 */
export function workloadResult<R extends CheckResult>(results: RunResults | undefined, check: (...args: never[]) => R): R {
  const workload = results?.workload;
  if (workload === undefined) {
    throw new Error(`no workload result for ${check.name}${results?.aborted ? `: the run was aborted (${results.aborted})` : ""}`);
  }
  return workload as R;
}
