#!/usr/bin/env bun
// Logs the virtual time every 100 ms from init on: what a pause holds and a kill ends.
import { Node } from "../../../node/index.ts";

const node = new Node();
node.every(100, () => node.log(`tick at ${Date.now() % 100_000}`));
await node.run();
