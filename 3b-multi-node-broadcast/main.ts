#!/usr/bin/env bun
/**
 * Challenge 3b: multi-node broadcast.
 *
 * A value is stored locally and passed on to this node's neighbours in the topology Maelstrom
 * sends at the start (a grid by default). A node that already has a value drops it, so the
 * flood stops once everyone has it, and nothing is sent back to the node it came from. The
 * network never loses messages here, so one send per neighbour is enough; 3c adds retries.
 */
import { type BroadcastProtocol, Node } from "maelstrom-lib";

/** The node-to-node message: a value passed on, fire and forget. */
type Gossip = { gossip: { request: { type: "gossip"; message: number }; reply: never } };

const node = new Node<BroadcastProtocol & Gossip>();
const messages = new Set<number>();
let neighbours: string[] = [];

/** Stores a value the first time it is seen and floods it on; `from` already has it. */
function learn(value: number, from?: string): void {
  if (messages.has(value)) return;
  messages.add(value);
  for (const neighbour of neighbours) {
    if (neighbour !== from) node.send(neighbour, { type: "gossip", message: value });
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

// Node-to-node: fire and forget, so no reply.
node.on("gossip", (request) => learn(request.body.message, request.src));

node.on("read", () => ({ type: "read_ok", messages: [...messages] }));

await node.run();
