#!/usr/bin/env bun
// Challenge 6b: totally-available, read-uncommitted transactions on several nodes. Each node
// runs a transaction against its own copy and replies at once, so a partition never blocks a
// client. Every write is stamped (Lamport counter, node id) and pushed to every other node in
// batches, retried until acknowledged; replicas keep the highest stamp per key, so they
// converge whatever order batches arrive in. Read uncommitted forbids only write cycles (G0):
// stamps are one total order of all writes, and a write is always stamped above the versions
// its node has seen, so no cycle can form. A restarted node pulls its peers' registers back while
// serving (maelstrom-lib/replication); a write it acknowledged but had not yet replicated dies with it.
import { Node, type TxnOp, type TxnRwRegisterProtocol } from "maelstrom-lib";
import { LwwStore, Replicator, type ReplicatorMessages } from "maelstrom-lib/replication";

const node = new Node<TxnRwRegisterProtocol & ReplicatorMessages>();
const store = new LwwStore(node);
const replicator = new Replicator(node, store, { intervalMs: 100, ackTimeoutMs: 500 });

node.on("txn", ({ body }) => {
  const txn = body.txn.map(([op, key, value]): TxnOp => {
    if (op === "r") return [op, key, store.read(key)];
    // No isolation: each write is installed as it goes, under its own stamp. (Read uncommitted
    // would even allow shipping it before the txn ends; 6c is where that becomes wrong.)
    replicator.push(store.commit([[key, value]]));
    return [op, key, value];
  });
  return { type: "txn_ok", txn };
});

await node.run();
