#!/usr/bin/env bun
// Broken on purpose: peers gossip their sets, but a node drops what it receives, so each node
// only ever shows its own clients' adds and the other nodes' adds look lost.
import { Node } from "maelstrom-lib";

const node = new Node();
// The runtime types add/read as g-counter's; as plain strings they get generic bodies.
const [ADD, READ]: string[] = ["add", "read"];
const elements = new Set<unknown>();

node.on(ADD, (request) => {
  elements.add(request.body.element);
  return { type: "add_ok" };
});
node.on(READ, () => ({ type: "read_ok", value: [...elements] }));
node.on("merge", () => {});
node.every(100, () => {
  for (const peer of node.nodeIds) if (peer !== node.id) node.send(peer, { type: "merge", elements: [...elements] });
});

await node.run();
