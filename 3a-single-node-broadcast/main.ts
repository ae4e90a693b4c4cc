#!/usr/bin/env bun
/**
 * Challenge 3a: single-node broadcast.
 *
 * With one node there is nobody to tell: a broadcast value is stored in a local set (a set,
 * so a repeated value is stored once) and a read returns everything stored. The topology
 * message carries no neighbours worth knowing and is just acknowledged.
 */
import { type BroadcastProtocol, Node } from "maelstrom-lib";

const node = new Node<BroadcastProtocol>();
const messages = new Set<number>();

node.on("topology", () => ({ type: "topology_ok" }));

node.on("broadcast", (request) => {
  messages.add(request.body.message);
  return { type: "broadcast_ok" };
});

node.on("read", () => ({ type: "read_ok", messages: [...messages] }));

await node.run();
