/**
 * The checkers every Maelstrom run composes besides the workload's own (core.clj): stats,
 * availability, net and exceptions, plus the plot-only perf and timeline entries, and Jepsen's
 * rule for merging validities (false beats "unknown" beats true), and the explanations of the
 * two that can fail (stats and availability). All pure.
 */
import type { Availability } from "../contracts/options.ts";
import type { TrafficCounts } from "../world/net.ts";
import type { ExplanationDraft, Op, Validity } from "../contracts/types.ts";
import { isClientOp } from "../contracts/history.ts";
import { explained } from "./explaining.ts";
import type {
  StatsCounts,
  StatsResult,
  AvailabilityResult,
  TrafficResult,
  NetResult,
  ExceptionGroup,
  ExceptionsResult,
  PerfResult,
  TimelineResult,
} from "../contracts/results.ts";

/** Jepsen's merge: any false → false; else any unknown → unknown; else true. */
export function mergeValidity(validities: readonly Validity[]): Validity {
  if (validities.includes(false)) return false;
  if (validities.includes("unknown")) return "unknown";
  return true;
}

function countCompletions(ops: readonly Op[]): StatsCounts {
  const counts: StatsCounts = { count: 0, "ok-count": 0, "fail-count": 0, "info-count": 0 };
  for (const op of ops) {
    counts.count++;
    counts[`${op.type as "ok" | "fail" | "info"}-count`]++;
  }
  return counts;
}

/**
 * Jepsen's stats (checker.clj `stats`): completion counts of client ops overall and by `f`;
 * valid only when every `f` has at least one ok completion. The validity of `ignoredFs` is not
 * held against the run, though they are counted: kafka's stats-checker wrapper (its crash ops
 * always end in :info) forces `valid?` true when every other `f` is valid.
 */
export function checkStats(history: readonly Op[], ignoredFs: ReadonlySet<string> = new Set()): StatsResult {
  const completions = history.filter((op) => op.type !== "invoke" && isClientOp(op));
  const byF = new Map<string, Op[]>();
  for (const op of completions) {
    const list = byF.get(op.f) ?? [];
    list.push(op);
    byF.set(op.f, list);
  }
  const byFResult: StatsResult["by-f"] = {};
  for (const [f, ops] of [...byF].sort(([a], [b]) => a.localeCompare(b))) {
    const counts = countCompletions(ops);
    byFResult[f] = { "valid?": counts["ok-count"] > 0, ...counts };
  }
  const valid = Object.entries(byFResult).every(([f, r]) => r["valid?"] || ignoredFs.has(f));
  return { "valid?": valid, ...countCompletions(completions), "by-f": byFResult };
}

/** Maelstrom's availability: ok completions / invocations, judged against --availability. */
export function checkAvailability(history: readonly Op[], availability: Availability | undefined): AvailabilityResult {
  let invokes = 0;
  let oks = 0;
  for (const op of history) {
    if (op.type === "invoke") invokes++;
    else if (op.type === "ok") oks++;
  }
  // Maelstrom computes (float (/ ok invoke)): a 32-bit float, so 9 of 10 is 0.89999998 < 0.9.
  const okFraction = invokes === 0 ? 1 : Math.fround(oks / invokes);
  let valid: boolean;
  if (availability === undefined) valid = true;
  else if (availability === "total") valid = okFraction === 1;
  else valid = okFraction >= availability;
  return { "valid?": valid, "ok-fraction": okFraction };
}

/** The net checker: traffic counts and msgs-per-op (init included), always valid. */
export function checkNet(
  history: readonly Op[],
  stats: { all: TrafficCounts; clients: TrafficCounts; servers: TrafficCounts },
): NetResult {
  const opCount = history.filter((op) => op.type === "invoke" && isClientOp(op)).length;
  const group = (counts: TrafficCounts, withMsgsPerOp: boolean): TrafficResult => ({
    "send-count": counts.sendCount,
    "recv-count": counts.recvCount,
    "msg-count": counts.msgCount,
    // (float ...) as Maelstrom
    ...(withMsgsPerOp && opCount > 0 ? { "msgs-per-op": Math.fround(counts.msgCount / opCount) } : {}),
  });
  return {
    all: group(stats.all, true),
    clients: group(stats.clients, false),
    servers: group(stats.servers, true),
    "valid?": true,
  };
}

/**
 * Jepsen's unhandled-exceptions (checker.clj): :info ops with an exception (malformed replies
 * and the like), grouped by the exception's class, each group with its count and first op,
 * the most frequent first (equal counts in the order their class first appeared); always valid.
 */
export function checkExceptions(history: readonly Op[]): ExceptionsResult {
  const groups = new Map<string, ExceptionGroup>();
  for (const op of history) {
    if (op.type !== "info" || op.exception === undefined) continue;
    const exceptionClass = op["exception-class"] ?? UNKNOWN_EXCEPTION_CLASS;
    const group = groups.get(exceptionClass);
    if (group) group.count++;
    else groups.set(exceptionClass, { count: 1, class: exceptionClass, example: op });
  }
  const exceptions = [...groups.values()].sort((a, b) => b.count - a.count);
  return { "valid?": true, ...(exceptions.length > 0 ? { exceptions } : {}) };
}

/** The class of an exception whose op does not say (a history from before classes were kept). */
const UNKNOWN_EXCEPTION_CLASS = "unknown";

/** The plot-only checkers (their pictures come from the report module). */
export function plotOnlyResults(): { perf: PerfResult; timeline: TimelineResult } {
  return {
    perf: { "latency-graph": { "valid?": true }, "rate-graph": { "valid?": true }, "valid?": true },
    timeline: { "valid?": true },
  };
}

/** Why the stats checker is not valid: the operations that never once succeeded. */
export function explainStats(result: StatsResult): ExplanationDraft {
  const never = Object.entries(result["by-f"]).filter(([, counts]) => counts["valid?"] !== true);
  const summary = never.length ? `no ${never.map(([f]) => f).join(", no ")} ever succeeded` : "no operation completed";
  const findings = never.map(([f, counts]) => ({
    text: `${f}: ${counts.count} completed, 0 ok (${counts["fail-count"]} fail, ${counts["info-count"]} info)`,
    ops: [],
  }));
  return explained(summary, findings);
}

/** Why the availability checker is not valid: too few ok completions for --availability. */
export function explainAvailability(result: AvailabilityResult): ExplanationDraft {
  const percent = (result["ok-fraction"] * 100).toFixed(1);
  return explained(`only ${percent}% of operations succeeded, below what --availability asks`);
}
