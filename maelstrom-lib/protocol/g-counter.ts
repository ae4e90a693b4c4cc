/**
 * The messages of the g-counter and pn-counter workloads (Maelstrom's workload/pn_counter.clj,
 * which g_counter.clj reuses with the negative deltas left out): challenge 4.
 */
import { defineRpc, isInt, type MessagesOf, rpcTable } from "./schema.ts";

/** pn_counter.clj's `add!`: an integer delta; `add_ok` carries nothing else. */
export const ADD = defineRpc({
  doc: "Add `delta` to the counter: never negative under g-counter, −5 to 4 under pn-counter.",
  request: { type: "add", required: { delta: isInt } },
  reply: { type: "add_ok", required: {} },
});

/** Its `read`: the counter as a JSON integer. */
export const READ = defineRpc({
  doc: "The counter's value. Reads may lag, but once the cluster has healed they must count every acknowledged add.",
  request: { type: "read", required: {} },
  reply: { type: "read_ok", required: { value: isInt } },
});

/** What a g-counter (or pn-counter) node answers, by request type. */
export const gCounterRpcs = rpcTable(ADD, READ);

/** The bodies a g-counter (or pn-counter) node receives and replies: `new Node<GCounterProtocol>()`. */
export type GCounterProtocol = MessagesOf<typeof gCounterRpcs>;
