#!/usr/bin/env bun
// Broken on purpose: acknowledges every broadcast but keeps only the even values, so the odd
// ones are acknowledged and then never read: set-full calls them lost.
import { type BroadcastProtocol, Node } from "maelstrom-lib";

const node = new Node<BroadcastProtocol>();
const kept = new Set<number>();
node.on("topology", () => ({ type: "topology_ok" }));
node.on("broadcast", ({ body }) => {
  if (body.message % 2 === 0) kept.add(body.message);
  return { type: "broadcast_ok" };
});
node.on("read", () => ({ type: "read_ok", messages: [...kept] }));
await node.run();
