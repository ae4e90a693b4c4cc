/**
 * The pn-counter checker (Maelstrom's `workload/pn_counter.clj`): the counter checker shared
 * with g-counter, where deltas may be negative, plus one plain-words line per final read that
 * no outcome of the adds allows. As in Maelstrom, only ok reads marked final are judged:
 * reads during the main phase may be stale by design of an eventually consistent counter.
 */
import type { Op } from "../contracts/types.ts";
import { type ClosedRange, type CounterResult, checkCounter, sumAdds } from "./counter.ts";

/** The counter result with an explanation for each bad final read. */
export type PnCounterResult = CounterResult & { explanations?: string[] };

function showRanges(ranges: readonly ClosedRange[]): string {
  return ranges.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}..${hi}`)).join(", ");
}

/** Checks a pn-counter history: every ok final read must be a possible total of the adds. */
export function checkPnCounter(history: readonly Op[]): PnCounterResult {
  const result = checkCounter(history);
  if (!result.errors) return result;
  const { definiteSum, maybeDeltas } = sumAdds(history);
  const basis =
    `${definiteSum} from the ok adds, plus any subset of the ${maybeDeltas.length} indeterminate ` + `(info) adds`;
  const explanations = result.errors.map(
    (read) =>
      `final read of ${JSON.stringify(read.value)} by ` +
      `process ${read.process}${read.node ? ` on ${read.node}` : ""} (op ${read.index}) ` +
      `is not a possible total: ${basis} allows only ${showRanges(result.acceptable)}`,
  );
  return { ...result, explanations };
}
