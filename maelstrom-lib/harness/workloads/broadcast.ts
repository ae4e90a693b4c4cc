/**
 * The broadcast workload (Maelstrom's `workload/broadcast.clj`):
 * each node first gets a `topology`, then clients broadcast the values 0, 1, 2, … and read
 * what a node has, half and half; after heal and recovery every worker does one final read.
 * The checker is Jepsen's set-full over the history with every broadcast op renamed to an add, as
 * Maelstrom's `checker` maps it, so the ops its results show (`worst-stale`) are `:f :add`.
 */
import { checkSetFull, explainSetFull, type SetFullResult } from "../checkers/set-full.ts";
import { TIMING } from "../contracts/options.ts";
import { finalReads } from "./final-reads.ts";
import { BROADCAST, READ, TOPOLOGY } from "../../protocol/broadcast.ts";
import type { Op, OpSource, Workload } from "../contracts/types.ts";
import { buildTopology } from "./topology.ts";

/** Maelstrom's `gen/mix` of broadcasts and reads picks each with equal chance. */
const BROADCAST_PROBABILITY = 0.5;

/**
 * The main phase: broadcasts and reads at random; broadcast values count up from 0 in the
 * order the ops are handed out, so they are unique and increase in invocation order. g-set
 * uses the same stream with `add` as the adding op.
 */
export function broadcastOps(chooseBroadcast: () => boolean, addF = "broadcast"): OpSource {
  let nextValue = 0;
  return {
    next: () => (chooseBroadcast() ? { f: addF, value: nextValue++ } : { f: "read", value: null }),
  };
}

const broadcast: Workload<SetFullResult> = {
  name: "broadcast",
  fs: new Set(["broadcast", "read"]),
  reusableClient: false,
  // A read that times out changed nothing (:fail); a broadcast that times out may have (:info).
  idempotent: new Set(["read"]),
  async setup(client, { opts }) {
    // The whole map goes to every node, as Maelstrom does. Any failure throws: the run aborts.
    const topology = buildTopology(opts.topology, opts.nodeIds);
    await client.call(TOPOLOGY, { topology }, TIMING.setupTimeoutMs);
  },
  newClient: (connection) => ({
    async invoke(op) {
      if (op.f === "broadcast") {
        await connection.call(BROADCAST, { message: op.value });
        return { type: "ok", value: op.value };
      }
      if (op.f === "read") {
        const reply = await connection.call(READ, {});
        return { type: "ok", value: reply.messages };
      }
      throw new Error(`broadcast: unknown op ${op.f}`);
    },
  }),
  generator: ({ rng }) => broadcastOps(() => rng.chance(BROADCAST_PROBABILITY)),
  finalGenerator: finalReads,
  check: (history) => checkSetFull(history.map(asAdd), { addF: "add" }),
  explain: explainSetFull,
};

/** A broadcast op as set-full's add (Maelstrom's broadcast `checker`); any other op as it is. */
function asAdd(op: Op): Op {
  return op.f === "broadcast" ? { ...op, f: "add" } : op;
}

export default broadcast;
