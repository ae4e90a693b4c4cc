#!/usr/bin/env bun
// Broken on purpose: peers gossip their sets, but a node drops what it receives, so each node
// only ever shows its own clients' adds and the other nodes' adds look lost.
import { Node } from "maelstrom-lib";

const node = new Node();
const elements = new Set<unknown>();

node.on("add", (request) => {
  elements.add(request.body.element);
  return { type: "add_ok" };
});
node.on("read", () => ({ type: "read_ok", value: [...elements] }));
node.on("merge", () => {});
node.every(100, () => {
  for (const peer of node.nodeIds) if (peer !== node.id) node.send(peer, { type: "merge", elements: [...elements] });
});

await node.run();
