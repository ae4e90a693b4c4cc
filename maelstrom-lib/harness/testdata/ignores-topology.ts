#!/usr/bin/env bun
// Broken on purpose: answers init but never broadcast's topology, so the setup times out.
import { Node } from "maelstrom-lib";
const node = new Node();
node.on("topology", () => new Promise<never>(() => {}));
await node.run();
