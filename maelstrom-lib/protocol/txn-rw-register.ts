/**
 * The txn-rw-register workload's message (Maelstrom's workload/txn_rw_register.clj):
 * transactions over integer registers, challenge 6.
 */
import {
  type CheckedType,
  defineRpc,
  isAny,
  isArrayOf,
  isEither,
  isEq,
  isInt,
  isTuple,
  type MessagesOf,
  rpcTable,
} from "./schema.ts";

/**
 * txn_rw_register.clj's micro-ops. Maelstrom accepts keys and values of any kind; the runner
 * sends integers, and in the reply the types are the checker's business.
 */
const READ_REQUEST = isTuple(isEq("r"), isInt, isEq(null));
const WRITE_REQUEST = isTuple(isEq("w"), isInt, isInt);
const MICRO_OP = isEither(isTuple(isEq("r"), isAny, isAny), isTuple(isEq("w"), isAny, isAny));

/** One executed micro-op, as a `txn_ok` carries it: `["r", key, value read]` or `["w", key, value]`. */
export type TxnOp = CheckedType<typeof MICRO_OP>;

/** txn_rw_register.clj's `txn!`: one transaction out, exactly the executed transaction back. */
export const TXN = defineRpc({
  doc:
    'Run the micro-ops in order, as one transaction: `["r", key, null]` reads a register, `["w", key, value]` ' +
    "writes it. Answer with the same micro-ops, each read's null replaced by the value read (null for a " +
    "register never written). Error 30 (txn-conflict) aborts the transaction.",
  request: { type: "txn", required: { txn: isArrayOf(isEither(READ_REQUEST, WRITE_REQUEST)) } },
  reply: { type: "txn_ok", required: { txn: isArrayOf(MICRO_OP) } },
});

/** What a txn-rw-register node answers, by request type. */
export const txnRwRegisterRpcs = rpcTable(TXN);

/** The bodies a txn-rw-register node receives and replies: `new Node<TxnRwRegisterProtocol>()`. */
export type TxnRwRegisterProtocol = MessagesOf<typeof txnRwRegisterRpcs>;
