/**
 * The messages of Maelstrom's built-in services (Maelstrom's doc/services.md): a node sends the
 * requests, the service answers. lin-kv, seq-kv and lww-kv speak the same key-value protocol
 * and differ in what they promise; lin-tso hands out timestamps. Services check nothing: a
 * request they do not understand gets no reply at all.
 */
import { defineRpc, isAny, isBool, isInt, type MessagesOf, rpcTable } from "./schema.ts";

/** A key-value service's read. */
export const KV_READ = defineRpc({
  doc: "The value of `key`; error 20 (key-does-not-exist) if there is none. Keys and values are any JSON.",
  request: { type: "read", required: { key: isAny } },
  reply: { type: "read_ok", required: { value: isAny } },
});

/** A key-value service's write. */
export const KV_WRITE = defineRpc({
  doc: "Set `key` to `value`.",
  request: { type: "write", required: { key: isAny, value: isAny } },
  reply: { type: "write_ok", required: {} },
});

/** A key-value service's compare-and-set. */
export const KV_CAS = defineRpc({
  doc:
    "Set `key` to `to` if it holds `from`: error 22 (precondition-failed) if it holds something else, " +
    "20 if it does not exist, unless `create_if_not_exists` is true (lww-kv ignores that flag).",
  request: {
    type: "cas",
    required: { key: isAny, from: isAny, to: isAny },
    optional: { create_if_not_exists: isBool },
  },
  reply: { type: "cas_ok", required: {} },
});

/** lin-tso's one request. */
export const TS = defineRpc({
  doc: "A timestamp: 0, 1, 2, …, each handed out once, in the order the requests arrive.",
  request: { type: "ts", required: {} },
  reply: { type: "ts_ok", required: { ts: isInt } },
});

/** What lin-kv, seq-kv and lww-kv answer, by request type. */
export const kvServiceRpcs = rpcTable(KV_READ, KV_WRITE, KV_CAS);

/** The bodies a node sends to a key-value service and gets back. */
export type KvServiceProtocol = MessagesOf<typeof kvServiceRpcs>;

/** What lin-tso answers, by request type. */
export const tsServiceRpcs = rpcTable(TS);
