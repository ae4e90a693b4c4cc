/**
 * The shape of results.json: Maelstrom's results.edn map (one entry per checker the run
 * composes, as Maelstrom's core.clj composes them) plus the runner's own `runner` and `errors`
 * entries. Types only. Every checker entry is absent when the run was aborted before analysis.
 */
import { PRETTY_JSON_LEVELS, prettyJson } from "../primitives/json-exact.ts";
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
export type StatsResult = StatsCounts & {
  "valid?": boolean;
  "by-f": Record<string, StatsCounts & { "valid?": boolean }>;
};

/** Maelstrom's availability result. */
export type AvailabilityResult = { "valid?": boolean; "ok-fraction": number };

/** One traffic group of the net checker; msgs-per-op only for `all` and `servers`, and only with ops. */
export type TrafficResult = { "send-count": number; "recv-count": number; "msg-count": number; "msgs-per-op"?: number };

/** Maelstrom's net checker result (net/journal.clj), always valid. */
export type NetResult = { all: TrafficResult; clients: TrafficResult; servers: TrafficResult; "valid?": true };

/** The ops that ended in :info with one class of exception: how many, the class, and the first of them. */
export type ExceptionGroup = { count: number; class: string; example: Op };

/** Jepsen's unhandled-exceptions result: the groups, most frequent first, only when there are any. */
export type ExceptionsResult = { "valid?": true; exceptions?: ExceptionGroup[] };

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
  /** Set when the nodes ran in the deterministic simulation (--sim). */
  simulated?: true;
  /** Events the simulation ran. */
  "sim-events"?: number;
  /** Wall-clock seconds the simulation took to drive the run. */
  "wall-seconds"?: number;
  /** The keys above that measure the machine, not the run: they differ between replays of one seed. */
  "host-figures": readonly HostFigure[];
  warnings: string[];
  "valid?": true;
};

/** The runner's figures that measure the host (time, CPU, memory, lateness of the machine). */
export const HOST_FIGURES = ["wall-seconds", "cpu-seconds", "peak-rss-mb", "nodes-rss-mb", "lateness-ms"] as const;
/** One of the runner's host figures. */
export type HostFigure = (typeof HOST_FIGURES)[number];

/** Results without the runner's host figures: what two runs of one seed must agree on, byte for byte. */
export function withoutHostFigures(results: RunResults): RunResults {
  if (results.runner === undefined) return results;
  const runner: Record<string, unknown> = { ...results.runner };
  for (const key of results.runner["host-figures"]) delete runner[key];
  return { ...results, runner: runner as RunnerHealth };
}

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

/**
 * Results as results.json's text: indented as far as prettyJson indents (deeper values, which
 * only a node's replies can make, stay compact), and an op inside them (an anomaly's example,
 * a worst-stale read) names its final flag `final?`, as results.edn does (Jepsen's `:final?`);
 * history.jsonl keeps the runner's `final`.
 */
export function resultsJsonText(results: unknown): string {
  return `${prettyJson(results, PRETTY_JSON_LEVELS, withJepsenOpKeys)}\n`;
}

function withJepsenOpKeys(_key: string, value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value) || !("final" in value)) return value;
  const record = value as Record<string, unknown>;
  const isOp = typeof record.index === "number" && typeof record.type === "string" && "process" in record;
  if (!isOp || !("value" in record)) return value;
  return Object.fromEntries(Object.entries(record).map(([key, entry]) => [key === "final" ? "final?" : key, entry]));
}

/** The entries of results.json that carry a verdict of their own (checkers, and the runner's), in results order. */
export function checkerEntries(results: RunResults): [name: string, result: CheckResult][] {
  return Object.entries(results).flatMap(([name, entry]: [string, unknown]): [string, CheckResult][] =>
    isCheckResult(entry) ? [[name, entry]] : [],
  );
}

function isCheckResult(entry: unknown): entry is CheckResult {
  return typeof entry === "object" && entry !== null && "valid?" in entry;
}

/** The exit code of a verdict, as Jepsen's cli.clj gives it: 0 valid, 1 invalid, 2 unknown. */
export function exitCodeOf(validity: Validity): number {
  return validity === true ? 0 : validity === false ? 1 : 2;
}

/**
 * A run's workload entry typed as `check` (the checker of the workload that ran) returns it.
 * The one place the loose `Workload.check` result meets a checker's own type; throws when the
 * run has no workload entry (it was aborted before analysis).
 */
export function workloadResult<R extends CheckResult>(
  results: RunResults | undefined,
  check: (...args: never[]) => R,
): R {
  const workload = results?.workload;
  if (workload === undefined) {
    throw new Error(
      `no workload result for ${check.name}${results?.aborted ? `: the run was aborted (${results.aborted})` : ""}`,
    );
  }
  return workload as R;
}
