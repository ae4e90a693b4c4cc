#!/usr/bin/env bun
// An echo node whose every start is slow: it logs one line to stderr, then waits 600 ms before it
// reads its stdin, so its init takes that long and a kill can land inside it.
import { Node } from "maelstrom-lib";

console.error(`slow-start-echo starting (pid ${process.pid})`);
await Bun.sleep(600);
const node = new Node();
node.on("echo", (request) => ({ type: "echo_ok", echo: request.body.echo }));
await node.run();
