#!/usr/bin/env bun
// Bench load: a 3b-style broadcast that floods every new value to all topology neighbours,
// with no batching, so the runner carries as many node↔node messages as it can be asked to.
import { Node } from "maelstrom-lib";

const node = new Node();
const seen = new Set<number>();
let neighbours: string[] = [];

node.on("topology", (request) => {
  neighbours = (request.body.topology as Record<string, string[]>)[node.id] ?? [];
  return { type: "topology_ok" };
});
node.on("broadcast", (request) => {
  const value = request.body.message as number;
  if (!seen.has(value)) {
    seen.add(value);
    for (const peer of neighbours) if (peer !== request.src) node.send(peer, { type: "broadcast", message: value });
  }
  if (request.body.msg_id !== undefined) return { type: "broadcast_ok" };
});
node.on("read", () => ({ type: "read_ok", messages: [...seen] }));
await node.run();
