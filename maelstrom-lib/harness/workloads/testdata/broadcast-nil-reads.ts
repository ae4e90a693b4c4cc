#!/usr/bin/env bun
// A correct broadcast node written the way a Go solution comes out: an empty read is answered
// `"messages": null`, which is what Go's encoding/json makes of a nil slice. Maelstrom accepts
// it (Prismatic's sequence schema lets nil through) and set-full reads it as the empty set.
// Each node gossips its whole set to every peer ten times a second, so reads on one node see
// another node's broadcasts only after a while: early reads elsewhere are empty, hence null.
// Run with the argument `always-null` it is broken on purpose: every read is null, so every
// acknowledged broadcast is lost.
import { Node } from "maelstrom-lib";

const node = new Node();
// As plain strings the runtime gives these generic bodies rather than the broadcast types.
const BROADCAST: string = "broadcast";
const READ: string = "read";
const TOPOLOGY: string = "topology";
const GOSSIP: string = "gossip";
const alwaysNull = process.argv.includes("always-null");
const messages = new Set<unknown>();

node.on(TOPOLOGY, () => ({ type: "topology_ok" }));
node.on(BROADCAST, (request) => {
  messages.add(request.body.message);
  return { type: "broadcast_ok" };
});
node.on(READ, () => ({ type: "read_ok", messages: alwaysNull || messages.size === 0 ? null : [...messages] }));
node.on(GOSSIP, (request) => {
  for (const message of request.body.messages as unknown[]) messages.add(message);
});
node.every(100, () => {
  for (const peer of node.peers) node.send(peer, { type: GOSSIP, messages: [...messages] });
});

await node.run();
