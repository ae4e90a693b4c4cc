#!/usr/bin/env bun
// Load on purpose: every echo makes this node send 20,000 messages to its peer at once, more
// than the runner can route before their deadlines. The peer ignores them.
import { Node } from "maelstrom-lib";
const node = new Node();
const FLOOD_MESSAGES = 20_000;
node.on("noise", () => {});
node.on("echo", (request) => {
  const peer = node.peers[0]!;
  for (let i = 0; i < FLOOD_MESSAGES; i++) node.send(peer, { type: "noise", i });
  return { type: "echo_ok", echo: request.body.echo };
});
await node.run();
