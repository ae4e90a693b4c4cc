/**
 * The lin-kv workload's messages (Maelstrom's workload/lin_kv.clj): a key-value store whose
 * operations must be linearizable. Maelstrom accepts keys and values of any kind; the runner
 * sends integers.
 */
import { defineRpc, isAny, isInt, type MessagesOf, rpcTable } from "./schema.ts";

/** lin_kv.clj's `read`: a key; `read_ok` carries its value, whatever it is. */
export const READ = defineRpc({
  doc: "The value of `key`; error 20 (key-does-not-exist) if it was never written.",
  request: { type: "read", required: { key: isInt } },
  reply: { type: "read_ok", required: { value: isAny } },
});

/** lin_kv.clj's `write!`: a key and a value; `write_ok` carries nothing else. */
export const WRITE = defineRpc({
  doc: "Set `key` to `value`.",
  request: { type: "write", required: { key: isInt, value: isInt } },
  reply: { type: "write_ok", required: {} },
});

/** lin_kv.clj's `cas!`: a key, `from` and `to`; `cas_ok` carries nothing else. */
export const CAS = defineRpc({
  doc:
    "Set `key` to `to` if it holds `from`: error 22 (precondition-failed) if it holds something else, " +
    "20 if it does not exist.",
  request: { type: "cas", required: { key: isInt, from: isInt, to: isInt } },
  reply: { type: "cas_ok", required: {} },
});

/** What a lin-kv node answers, by request type. */
export const linKvRpcs = rpcTable(READ, WRITE, CAS);

/** The bodies a lin-kv node receives and replies: `new Node<LinKVProtocol>()`. */
export type LinKVProtocol = MessagesOf<typeof linKvRpcs>;
