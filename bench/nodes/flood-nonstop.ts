#!/usr/bin/env bun
// Bench load: a hostile node. It does broadcast correctly, and from its first request on sends
// padded gossip to its peers nonstop, 20,000 messages a second, for the whole run: the runner
// reads, routes and journals them all.
import { Node } from "maelstrom-lib";

const node = new Node();
/** 200 messages every 10 ms. */
const BATCH_MESSAGES = 200;
const BATCH_INTERVAL_MS = 10;
const PAD = "x".repeat(100);
const seen = new Set<number>();

node.on("topology", () => ({ type: "topology_ok" }));
node.on("broadcast", (request) => {
  const value = request.body.message as number;
  seen.add(value);
  for (const peer of node.nodeIds) if (peer !== node.id) node.send(peer, { type: "gossip", message: value });
  return { type: "broadcast_ok" };
});
node.on("read", () => ({ type: "read_ok", messages: [...seen] }));
node.on("gossip", (request) => {
  if (typeof request.body.message === "number") seen.add(request.body.message);
});
node.onFirstRequest(() => {
  const peers = node.nodeIds.filter((id) => id !== node.id);
  let sent = 0;
  const flood = (): void => {
    for (let i = 0; i < BATCH_MESSAGES; i++) {
      node.send(peers[sent % peers.length]!, { type: "gossip", i: sent++, pad: PAD });
    }
    setTimeout(flood, BATCH_INTERVAL_MS);
  };
  if (peers.length > 0) flood();
});
await node.run();
