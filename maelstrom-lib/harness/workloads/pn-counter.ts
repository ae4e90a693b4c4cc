/**
 * The pn-counter workload (Maelstrom's `workload/pn_counter.clj`): clients add deltas from −5
 * to 4 (zero included) and read the counter, half and half; after heal and recovery every
 * worker does one final read, which must be a total the definite (ok) adds plus some subset of
 * the indeterminate (info) adds can make. Client, schemas and error handling are g-counter's:
 * g_counter.clj is this workload with the negative adds filtered out.
 */
import { checkPnCounter, type PnCounterResult } from "../checkers/pn-counter.ts";
import type { OpSource, Workload, WorkloadContext } from "../contracts/types.ts";
import gCounter from "./g-counter.ts";

/** `gen/mix` of adds and reads: each with equal chance. */
const ADD_PROBABILITY = 0.5;
/** `(- (rand-int 10) 5)`: −5 … 4. */
const DELTA_MIN = -5;
const DELTA_MAX_EXCLUSIVE = 5;

/** The main phase: adds of −5…4 and reads at random, shared by every worker. */
export function pnCounterOps({ rng }: WorkloadContext): OpSource {
  return {
    next: () =>
      rng.chance(ADD_PROBABILITY)
        ? { f: "add", value: rng.int(DELTA_MIN, DELTA_MAX_EXCLUSIVE) }
        : { f: "read", value: null },
  };
}

const pnCounter: Workload<PnCounterResult> = {
  ...gCounter,
  name: "pn-counter",
  generator: pnCounterOps,
  check: (history) => checkPnCounter(history),
};

export default pnCounter;
