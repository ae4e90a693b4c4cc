#!/usr/bin/env bun
// Deliberately broken 6c: one writing txn in four is reported aborted (txn-conflict, a
// definite error) although its writes were committed and replicated. Readers of those values
// read from a txn the client was told never happened: G1a.
import { ErrorCode, Node, RPCError, type TxnOp, type TxnRwRegisterProtocol } from "maelstrom-lib";
import { LwwStore, Replicator, type ReplicatorMessages } from "maelstrom-lib/replication";

const ABORT_EVERY = 4;

const node = new Node<TxnRwRegisterProtocol & ReplicatorMessages>();
const store = new LwwStore(node);
const replicator = new Replicator(node, store, { intervalMs: 100, ackTimeoutMs: 500 });
let writingTxns = 0;

node.on("txn", ({ body }) => {
  const buffered = new Map<number, number>();
  const txn = body.txn.map(([op, key, value]): TxnOp => {
    if (op === "r") return [op, key, buffered.get(key) ?? store.read(key)];
    buffered.set(key, value);
    return [op, key, value];
  });
  if (buffered.size === 0) return { type: "txn_ok", txn };
  replicator.push(store.commit(buffered));
  if (++writingTxns % ABORT_EVERY === 0) throw new RPCError(ErrorCode.TxnConflict, "aborted (but applied anyway)");
  return { type: "txn_ok", txn };
});

await node.run();
