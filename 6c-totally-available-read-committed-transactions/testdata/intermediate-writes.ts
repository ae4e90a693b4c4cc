#!/usr/bin/env bun
// Deliberately broken 6c: when a txn writes a key twice, the first (intermediate) value is
// shipped to the other nodes at once, and the final values only with the next batch. Until
// then other nodes read the intermediate value: G1b, which read committed forbids and read
// uncommitted allows (the stamps still order all writes, so there is no write cycle).
import { Node, type TxnOp, type TxnRwRegisterProtocol } from "maelstrom-lib";
import { LwwStore, Replicator, type ReplicatorMessages } from "maelstrom-lib/replication";

const node = new Node<TxnRwRegisterProtocol & ReplicatorMessages>();
const store = new LwwStore(node);
const replicator = new Replicator(node, store, { intervalMs: 100, ackTimeoutMs: 500 });

node.on("txn", ({ body }) => {
  const buffered = new Map<number, number>();
  const txn = body.txn.map(([op, key, value]): TxnOp => {
    if (op === "r") return [op, key, buffered.get(key) ?? store.read(key)];
    const overwritten = buffered.get(key);
    if (overwritten !== undefined) {
      const leaked = store.commit([[key, overwritten]]);
      for (const peer of node.peers) node.send(peer, { type: "replicate", writes: leaked });
    }
    buffered.set(key, value);
    return [op, key, value];
  });
  if (buffered.size > 0) replicator.push(store.commit(buffered));
  return { type: "txn_ok", txn };
});

await node.run();
