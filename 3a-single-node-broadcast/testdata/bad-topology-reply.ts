#!/usr/bin/env bun
/**
 * Deliberately broken: answers `topology` with a key the closed reply schema does not allow,
 * which must abort the whole run before any op (Maelstrom exits 255).
 */
import { Node } from "maelstrom-lib";

const node = new Node();
node.on("topology", () => {
  const reply = { type: "topology_ok" as const, neighbours: [] };
  return reply;
});
await node.run();
