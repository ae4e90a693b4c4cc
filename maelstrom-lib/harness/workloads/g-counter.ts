/**
 * The g-counter workload (Maelstrom's `workload/g_counter.clj`):
 * clients add non-negative deltas and read the counter; after heal and recovery every worker
 * does one final read, which must account for every add that happened.
 */
import { checkCounter, explainCounter, type CounterResult } from "../checkers/counter.ts";
import { finalReads } from "./final-reads.ts";
import { ADD, READ } from "../../protocol/g-counter.ts";
import { addReadClient } from "./clients.ts";
import type { OpSource, Workload, WorkloadContext } from "../contracts/types.ts";

/**
 * Maelstrom mixes adds with deltas −5…4 and reads 50/50, then drops the negative adds:
 * what remains is one add (delta 0…4, zero included) per two reads.
 */
const ADD_PROBABILITY = 1 / 3;
const DELTA_MAX_INCLUSIVE = 4;

/** The main phase: adds and reads at random, shared by every worker. */
export function counterOps({ rng }: WorkloadContext): OpSource {
  return {
    next: () =>
      rng.chance(ADD_PROBABILITY)
        ? { f: "add", value: rng.int(0, DELTA_MAX_INCLUSIVE + 1) }
        : { f: "read", value: null },
  };
}

const gCounter: Workload<CounterResult> = {
  name: "g-counter",
  fs: new Set(["add", "read"]),
  reusableClient: false,
  idempotent: new Set(),
  // Any error on an add, even a definite one, leaves it "maybe happened" (:info).
  classifyErrors: false,
  newClient: addReadClient("g-counter", "delta", ADD, READ),
  generator: counterOps,
  finalGenerator: finalReads,
  check: (history) => checkCounter(history),
  explain: explainCounter,
};

export default gCounter;
