#!/usr/bin/env bun
/**
 * Bench load with a rare bug: a broadcast that batches. New values (from clients and from
 * neighbours) wait in `pending`; every FLUSH_MS the node sends the batch to each neighbour as
 * one rpc and, once every neighbour has acknowledged it, clears `pending`. The bug: a value
 * added while a batch is in flight is cleared with it and never sent, so a client's value
 * that arrives in that window stays on the node it was sent to. The window is one round trip
 * to the neighbours, a small part of each FLUSH_MS.
 */
import { type BroadcastProtocol, Node } from "maelstrom-lib";

/** The node-to-node message: a batch of values, acknowledged. */
type Batch = { batch: { request: { type: "batch"; messages: number[] }; reply: { type: "batch_ok" } } };

const FLUSH_MS = 1_000;

const node = new Node<BroadcastProtocol & Batch>();
const messages = new Set<number>();
const pending = new Set<number>();
let neighbours: string[] = [];
let inFlight = false;

function learn(value: number): void {
  if (messages.has(value)) return;
  messages.add(value);
  pending.add(value);
}

async function flush(): Promise<void> {
  if (inFlight || pending.size === 0) return;
  inFlight = true;
  const batch = [...pending];
  try {
    await Promise.all(neighbours.map((peer) => node.rpc(peer, { type: "batch", messages: batch })));
    pending.clear(); // the bug: should delete only the values of `batch`
  } catch {
    // a neighbour did not answer: the batch stays pending and goes again at the next flush
  } finally {
    inFlight = false;
  }
}

node.on("topology", (request) => {
  neighbours = request.body.topology[node.id] ?? [];
  return { type: "topology_ok" };
});
node.on("broadcast", (request) => {
  learn(request.body.message);
  return { type: "broadcast_ok" };
});
node.on("batch", (request) => {
  for (const value of request.body.messages) learn(value);
  return { type: "batch_ok" };
});
node.on("read", () => ({ type: "read_ok", messages: [...messages] }));
// Each node flushes at its own phase of FLUSH_MS, as nodes started at different moments would.
node.onInit(() => void setTimeout(() => node.every(FLUSH_MS, flush), Math.random() * FLUSH_MS));

await node.run();
