#!/usr/bin/env bun
/**
 * A deliberately broken grow-only counter: each node counts only the adds it received itself
 * and never tells anyone. Every final read misses the other nodes' adds, so the g-counter
 * checker must reject it.
 */
import { type GCounterProtocol, Node } from "maelstrom-lib";

const node = new Node<GCounterProtocol>();
let localCount = 0;

node.on("add", (request) => {
  localCount += request.body.delta;
  return { type: "add_ok" };
});

node.on("read", () => ({ type: "read_ok", value: localCount }));

await node.run();
