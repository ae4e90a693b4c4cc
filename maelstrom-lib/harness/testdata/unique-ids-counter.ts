#!/usr/bin/env bun
// Broken on purpose: a per-node counter, so different nodes hand out the same ids.
import { Node } from "maelstrom-lib";
const node = new Node();
let next = 0;
node.on("generate", () => ({ type: "generate_ok", id: next++ }));
await node.run();
