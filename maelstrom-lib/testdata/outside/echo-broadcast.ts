#!/usr/bin/env bun
/**
 * A TypeScript node in another project, on the runtime installed from the package: echo, and
 * broadcast where a value floods to every other node once (gossip needs no reply).
 */
import { type BroadcastProtocol, type EchoProtocol, Node } from "@gossip-glomers-ts/maelstrom";

type Gossip = { gossip: { request: { type: "gossip"; message: number }; reply: never } };

const node = new Node<EchoProtocol & BroadcastProtocol & Gossip>();
const messages = new Set<number>();

node.on("echo", (request) => ({ type: "echo_ok", echo: request.body.echo }));
node.on("topology", () => ({ type: "topology_ok" }));
node.on("broadcast", (request) => {
  const value = request.body.message;
  if (!messages.has(value)) {
    messages.add(value);
    for (const peer of node.peers) node.send(peer, { type: "gossip", message: value });
  }
  return { type: "broadcast_ok" };
});
node.on("gossip", (request) => {
  messages.add(request.body.message);
});
node.on("read", () => ({ type: "read_ok", messages: [...messages] }));

await node.run();
