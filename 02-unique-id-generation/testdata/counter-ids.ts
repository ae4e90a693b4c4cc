#!/usr/bin/env bun
// A broken generator for the tests: a per-node counter without the node id, so two nodes hand
// out the same ids and the unique-ids checker must report duplicates.
import { Node } from "maelstrom-lib";

const node = new Node();
let next = 0;
node.on("generate", () => ({ type: "generate_ok", id: next++ }));
await node.run();
