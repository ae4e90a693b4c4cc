#!/usr/bin/env bun
// An echo node that appends its process id to the file named by its first argument, so a test
// can check afterwards that every node is gone. It outlives its stdin, as a node that ignores
// EOF would: only a kill ends it.
import { appendFileSync } from "node:fs";
import { Node } from "maelstrom-lib";
appendFileSync(process.argv[2]!, `${process.pid}\n`);
const node = new Node();
node.on("echo", (request) => ({ type: "echo_ok", echo: request.body.echo }));
await node.run();
setInterval(() => {}, 1000);
