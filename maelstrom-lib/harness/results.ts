/**
 * The shape of results.json: Maelstrom's results.edn map (one entry per checker the run
 * composes, as Maelstrom's core.clj composes them) plus the runner's own `runner` and `errors`
 * entries. Types only. Every checker entry is absent when the run was aborted before analysis.
 */
import type { BeyondMaelstromResult } from "./checkers/beyond-maelstrom.ts";
import type {
  AvailabilityResult,
  ExceptionsResult,
  NetResult,
  PerfResult,
  StatsResult,
  TimelineResult,
} from "./checkers/core.ts";
import type { CrashReport, ProtocolViolation } from "./process.ts";
import type { CheckResult, Validity } from "./types.ts";

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

/** What went wrong outside the checkers: nodes that crashed or broke the protocol. */
export type RunErrors = {
  crashes?: readonly (CrashReport & { type?: "node-crashed" })[];
  "protocol-violations"?: readonly ProtocolViolation[];
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
 * Results as results.json's text: an op inside them (an anomaly's example, a worst-stale read)
 * names its final flag `final?`, as results.edn does (Jepsen's `:final?`); history.jsonl keeps
 * the runner's `final`.
 */
export function resultsJsonText(results: unknown): string {
  return `${JSON.stringify(results, withJepsenOpKeys, 2)}\n`;
}

function withJepsenOpKeys(_key: string, value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value) || !("final" in value)) return value;
  const record = value as Record<string, unknown>;
  const isOp = typeof record.index === "number" && typeof record.type === "string" && "process" in record;
  if (!isOp || !("value" in record)) return value;
  return Object.fromEntries(Object.entries(record).map(([key, entry]) => [key === "final" ? "final?" : key, entry]));
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
export function workloadResult<R extends CheckResult>(results: RunResults | undefined, check: (...args: never[]) => R): R {
  const workload = results?.workload;
  if (workload === undefined) {
    throw new Error(`no workload result for ${check.name}${results?.aborted ? `: the run was aborted (${results.aborted})` : ""}`);
  }
  return workload as R;
}
