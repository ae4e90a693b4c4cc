/**
 * The txn-list-append workload's message (Maelstrom's workload/txn_list_append.clj):
 * transactions over lists that only grow.
 */
import {
  type CheckedType,
  defineRpc,
  type FieldCheck,
  isAny,
  isArrayOf,
  isEither,
  isEq,
  isInt,
  isTuple,
  type Json,
  type MessagesOf,
  rpcTable,
} from "./schema.ts";

/**
 * txn_list_append.clj's micro-ops: ReadReq `["r", k, null]`, ReadRes `["r", k, list]`, Append
 * `["append", k, element]`. Maelstrom accepts keys and elements of any kind; the runner sends
 * integers. A read's list may be null: a key never appended to.
 */
const READ_REQUEST = isTuple(isEq("r"), isInt, isEq(null));
const APPEND_REQUEST = isTuple(isEq("append"), isInt, isInt);
/** The list read: null passes any list check (Prismatic's nil), and here it is also the proper answer. */
const READ_LIST: FieldCheck<Json[] | null> = isArrayOf(isAny);
const READ_RESULT = isTuple(isEq("r"), isAny, READ_LIST);
const APPEND_RESULT = isTuple(isEq("append"), isAny, isAny);
const MICRO_OP = isEither(READ_RESULT, APPEND_RESULT);

/** One executed micro-op, as a `txn_ok` carries it: `["r", key, list read]` or `["append", key, element]`. */
export type ListAppendOp = CheckedType<typeof MICRO_OP>;

/** txn_list_append.clj's `txn!`: one transaction out, exactly the executed transaction back. */
export const TXN = defineRpc({
  doc:
    'Run the micro-ops in order, as one transaction: `["r", key, null]` reads a list, `["append", key, element]` ' +
    "appends to it. Answer with the same micro-ops, each read's null replaced by the whole list read (null or " +
    "`[]` for a key never appended to). Error 30 (txn-conflict) aborts the transaction.",
  request: { type: "txn", required: { txn: isArrayOf(isEither(READ_REQUEST, APPEND_REQUEST)) } },
  reply: { type: "txn_ok", required: { txn: isArrayOf(MICRO_OP) } },
});

/** What a txn-list-append node answers, by request type. */
export const txnListAppendRpcs = rpcTable(TXN);

/** The bodies a txn-list-append node receives and replies: `new Node<TxnListAppendProtocol>()`. */
export type TxnListAppendProtocol = MessagesOf<typeof txnListAppendRpcs>;
