#!/usr/bin/env bun
// Broken on purpose, the beginner's way: a log line on stdout before anything else.
import { Node } from "maelstrom-lib";
console.log("starting echo node");
const node = new Node();
node.on("echo", (request) => ({ type: "echo_ok", echo: request.body.echo }));
await node.run();
