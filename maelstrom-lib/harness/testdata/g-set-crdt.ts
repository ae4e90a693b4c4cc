#!/usr/bin/env bun
// A correct grow-only set CRDT: each node keeps its own set and gossips the whole set to every
// peer ten times a second; a merge is a union, so lost or reordered gossip does no harm.
// Run with the argument `forget-peers` it is broken on purpose: it drops the gossip it
// receives, so each node shows only its own clients' adds and the others' look lost.
import { Node } from "maelstrom-lib";

const node = new Node();
// The runtime types add/read as g-counter's; as plain strings they get generic bodies.
const ADD: string = "add";
const READ: string = "read";
const forgetsPeers = process.argv.includes("forget-peers");
const elements = new Set<unknown>();

node.on(ADD, (request) => {
  elements.add(request.body.element);
  return { type: "add_ok" };
});
node.on(READ, () => ({ type: "read_ok", value: [...elements] }));
node.on("merge", (request) => {
  if (forgetsPeers) return;
  for (const element of request.body.elements as unknown[]) elements.add(element);
});
node.every(100, () => {
  for (const peer of node.peers) node.send(peer, { type: "merge", elements: [...elements] });
});

await node.run();
