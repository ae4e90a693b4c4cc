#!/usr/bin/env bun
// Challenge 6c: totally-available, read-committed transactions. As in 6b each node answers
// from its own copy and replicates in the background, but a transaction's writes stay in a
// private buffer until it ends (it reads its own writes from there); then only the final value
// of each key is installed, under one stamp, and replicated as one unit. So nobody ever reads
// an aborted or intermediate value (G1a, G1b), and since every dependency — reading a version
// or overwriting it — points to a higher stamp, information cannot flow in a circle (G1c).
// Nothing is ever refused, so availability stays total through partitions. A restarted node pulls
// its peers' registers back while serving; a commit it had not yet replicated dies with it.
import { Node, type TxnOp, type TxnRwRegisterProtocol } from "maelstrom-lib";
import { LwwStore, Replicator, type ReplicatorMessages } from "maelstrom-lib/replication";

const node = new Node<TxnRwRegisterProtocol & ReplicatorMessages>();
const store = new LwwStore(node);
const replicator = new Replicator(node, store, { intervalMs: 100, ackTimeoutMs: 500 });

node.on("txn", ({ body }) => {
  const buffered = new Map<number, number>();
  const txn = body.txn.map(([op, key, value]): TxnOp => {
    if (op === "r") return [op, key, buffered.get(key) ?? store.read(key)];
    buffered.set(key, value);
    return [op, key, value];
  });
  // Commit: the final writes, all under one stamp, to every replica together.
  if (buffered.size > 0) replicator.push(store.commit(buffered));
  return { type: "txn_ok", txn };
});

await node.run();
