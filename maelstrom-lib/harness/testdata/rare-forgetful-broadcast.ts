#!/usr/bin/env bun
// A broadcast node with a deliberate rare bug, for seed search and shrinking: it gossips every
// value to every other node, but about one client broadcast in 40 (drawn from Math.random,
// which the simulation seeds) is acknowledged and then forgotten. Whether a run shows it
// depends only on the seed and the flags.
import { type BroadcastProtocol, Node } from "../../node/index.ts";

const FORGET_ONE_IN = 40;

const node = new Node<BroadcastProtocol>();
const messages = new Set<number>();

node.on("topology", () => ({ type: "topology_ok" }));

node.on("broadcast", (request) => {
  const value = request.body.message;
  const fromClient = request.src.startsWith("c");
  if (fromClient && Math.random() * FORGET_ONE_IN < 1) return { type: "broadcast_ok" };
  if (!messages.has(value)) {
    messages.add(value);
    if (fromClient)
      for (const peer of node.nodeIds) if (peer !== node.id) node.send(peer, { type: "broadcast", message: value });
  }
  return fromClient ? { type: "broadcast_ok" } : undefined;
});

node.on("read", () => ({ type: "read_ok", messages: [...messages] }));

await node.run();
