/**
 * The one message every node gets first, whatever the workload (Maelstrom's doc/protocol.md,
 * "Initialization"): the node runtime answers it itself.
 */
import { defineRpc, isArrayOf, isString, rpcTable } from "./schema.ts";

/**
 * init: Maelstrom sends it without a request schema and looks only at the type of the reply
 * (db.clj), so the reply is open; the request schema states what the runner sends.
 */
export const INIT = defineRpc({
  doc:
    "The first message a node gets: its own id, and every node id in the test (itself included, in the same " +
    "order on every node). Until it has answered, a node knows no id and must not send anything.",
  request: { type: "init", required: { node_id: isString, node_ids: isArrayOf(isString) } },
  reply: { type: "init_ok", required: {}, open: true },
});

/** What every node answers before anything else, by request type. */
export const initRpcs = rpcTable(INIT);
