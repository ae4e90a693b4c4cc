/** The unique-ids workload's message (Maelstrom's workload/unique_ids.clj): challenge 2. */
import { defineRpc, isAny, type MessagesOf, rpcTable } from "./schema.ts";

/** unique_ids.clj's `generate!`: an empty request, an id of any type back. */
export const GENERATE = defineRpc({
  doc:
    "Answer with an id no other `generate_ok` in the whole cluster has ever carried. Any JSON value works; " +
    "the checker can order ids only if they are all strings or all integers.",
  request: { type: "generate", required: {} },
  reply: { type: "generate_ok", required: { id: isAny } },
});

/** What a unique-ids node answers, by request type. */
export const uniqueIdsRpcs = rpcTable(GENERATE);

/** The bodies a unique-ids node receives and replies: `new Node<UniqueIdsProtocol>()`. */
export type UniqueIdsProtocol = MessagesOf<typeof uniqueIdsRpcs>;
