/**
 * The counter checker of Maelstrom's g-counter and pn-counter workloads (Maelstrom's
 * `workload/pn_counter.clj`): every ok read marked final must equal the sum of the adds
 * that surely happened (ok) plus the deltas of any subset of the adds that may have happened
 * (info). Non-final reads are never checked; failed final reads are simply skipped.
 */
import { OpPairing } from "../contracts/history.ts";
import type { ExplanationDraft, Op } from "../contracts/types.ts";
import { EXAMPLES_SHOWN, explained, plural, secondsOf, show, where } from "./explaining.ts";

/** A closed integer range `[lo, hi]`, as Maelstrom prints `:acceptable`. */
export type ClosedRange = [lo: number, hi: number];

/** The checker's verdict, with Maelstrom's keys (`errors` is null when there are none). */
export type CounterResult = {
  "valid?": boolean;
  errors: Op[] | null;
  "final-reads": unknown[];
  acceptable: ClosedRange[];
};

/** Checks the final reads of a counter history against every possible outcome of its adds. */
export function checkCounter(history: readonly Op[]): CounterResult {
  const { definiteSum, maybeDeltas } = sumAdds(history);
  const acceptable = acceptableRanges(definiteSum, maybeDeltas);
  const finalReads = history.filter((op) => op.type === "ok" && op.f === "read" && op.final === true);
  const errors = finalReads.filter((read) => !inRanges(acceptable, read.value));
  return {
    "valid?": errors.length === 0,
    errors: errors.length === 0 ? null : errors,
    "final-reads": finalReads.map((read) => read.value),
    acceptable,
  };
}

/**
 * The sum of the ok adds and the deltas of the info adds. A completion's value is its delta;
 * if a completion lost it, the delta is taken from the same process's invocation.
 */
export function sumAdds(history: readonly Op[]): { definiteSum: number; maybeDeltas: number[] } {
  const pairing = new OpPairing();
  let definiteSum = 0;
  const maybeDeltas: number[] = [];
  for (const op of history) {
    const invocation = pairing.add(op);
    if (op.f !== "add" || op.type === "invoke") continue;
    const delta = Number.isInteger(op.value) ? op.value : invocation?.value;
    // A fail add surely did not happen (g-counter never produces one: classifyErrors is off).
    if (op.type === "fail") continue;
    if (!Number.isInteger(delta)) throw new Error(`counter checker: add without an integer delta at index ${op.index}`);
    if (op.type === "ok") definiteSum += delta as number;
    else maybeDeltas.push(delta as number);
  }
  return { definiteSum, maybeDeltas };
}

/**
 * Every total reachable from `definiteSum` by adding any subset of `maybeDeltas`, as sorted,
 * disjoint, non-adjacent closed ranges. Each maybe-delta doubles the candidate set (taken or
 * not); merging overlapping or touching ranges keeps the list short, as Maelstrom's Guava
 * TreeRangeSet of open ranges does.
 */
export function acceptableRanges(definiteSum: number, maybeDeltas: readonly number[]): ClosedRange[] {
  let ranges: ClosedRange[] = [[definiteSum, definiteSum]];
  for (const delta of maybeDeltas) {
    const shifted = ranges.map(([lo, hi]): ClosedRange => [lo + delta, hi + delta]);
    ranges = mergeRanges([...ranges, ...shifted]);
  }
  return ranges;
}

/** Sorts ranges and joins those that overlap or touch (`[1,3]` and `[4,5]` become `[1,5]`). */
export function mergeRanges(ranges: readonly ClosedRange[]): ClosedRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: ClosedRange[] = [];
  for (const [lo, hi] of sorted) {
    const last = merged[merged.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else merged.push([lo, hi]);
  }
  return merged;
}

/** True when `value` is an integer inside one of the ranges. */
export function inRanges(ranges: readonly ClosedRange[], value: unknown): boolean {
  if (typeof value !== "number" || !Number.isInteger(value)) return false;
  return ranges.some(([lo, hi]) => lo <= value && value <= hi);
}

/** Why a counter result is not valid: the final reads outside every possible total, and those totals. */
export function explainCounter(result: CounterResult): ExplanationDraft {
  const errors = result.errors ?? [];
  const ranges = result.acceptable.map(([lo, hi]) => (lo === hi ? String(lo) : `${lo}…${hi}`)).join(" or ");
  const finalReads = plural(result["final-reads"].length, "final read");
  const summary = `${errors.length} of ${finalReads} returned an impossible total (possible: ${ranges || "none"})`;
  const findings = errors.slice(0, EXAMPLES_SHOWN).map((op) => ({
    text: `final read${where(op)} at ${secondsOf(op.time)} returned ${show(op.value)}, but the adds sum to ${ranges}`,
    ops: [op.index],
  }));
  return explained(summary, findings);
}
