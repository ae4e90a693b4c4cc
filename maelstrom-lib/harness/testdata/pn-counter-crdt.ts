#!/usr/bin/env bun
// A correct PN-counter CRDT: per node, the sum of its increments (P) and of its decrements (N);
// nodes gossip both maps and merge by taking each node's maximum. The value is ΣP − ΣN.
// Run with the argument `drop-decrements` it is broken on purpose: it acks negative adds and
// forgets them, so final reads come out too high.
import { Node } from "maelstrom-lib";

const node = new Node();
const increments: Record<string, number> = {};
const decrements: Record<string, number> = {};
/** Whether negative deltas are recorded (see above). */
const keepsDecrements = !process.argv.includes("drop-decrements");

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
const merge = (into: Record<string, number>, from: Record<string, number>) => {
  for (const [id, count] of Object.entries(from)) into[id] = Math.max(into[id] ?? 0, count);
};

node.on("add", (request) => {
  const delta = request.body.delta as number;
  if (delta >= 0) increments[node.id] = (increments[node.id] ?? 0) + delta;
  else if (keepsDecrements) decrements[node.id] = (decrements[node.id] ?? 0) - delta;
  return { type: "add_ok" };
});
node.on("read", () => ({ type: "read_ok", value: sum(increments) - sum(decrements) }));
node.on("merge", (request) => {
  merge(increments, request.body.increments as Record<string, number>);
  merge(decrements, request.body.decrements as Record<string, number>);
});
node.every(100, () => {
  for (const peer of node.peers) node.send(peer, { type: "merge", increments, decrements });
});

await node.run();
