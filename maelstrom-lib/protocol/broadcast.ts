/** The broadcast workload's messages (Maelstrom's workload/broadcast.clj): challenge 3. */
import { defineRpc, isAny, isArrayOf, isInt, isObjectOf, isString, type MessagesOf, rpcTable } from "./schema.ts";

/** broadcast.clj's `topology!`: a map of node ids to their neighbours' ids; `topology_ok` carries nothing else. */
export const TOPOLOGY = defineRpc({
  doc:
    "Sent to every node once, before any other request: each node's suggested neighbours (`--topology`). " +
    "A node may use them or ignore them.",
  request: { type: "topology", required: { topology: isObjectOf(isArrayOf(isString)) } },
  reply: { type: "topology_ok", required: {} },
});

/** broadcast.clj's `broadcast!`: Maelstrom accepts any message; the runner sends integers 0, 1, 2, … */
export const BROADCAST = defineRpc({
  doc: "Remember `message` and pass it on, so that every node's reads come to include it. Each value comes once.",
  request: { type: "broadcast", required: { message: isInt } },
  reply: { type: "broadcast_ok", required: {} },
});

/** broadcast.clj's `read`: the node's messages as an array (of anything: foreign values are ignored). */
export const READ = defineRpc({
  doc: "Every message this node has seen, in any order.",
  request: { type: "read", required: {} },
  reply: { type: "read_ok", required: { messages: isArrayOf(isAny) } },
});

/** What a broadcast node answers, by request type. */
export const broadcastRpcs = rpcTable(TOPOLOGY, BROADCAST, READ);

/** The bodies a broadcast node receives and replies: `new Node<BroadcastProtocol>()`. */
export type BroadcastProtocol = MessagesOf<typeof broadcastRpcs>;
