#!/usr/bin/env bun
// Broken on purpose: echo_ok carries a key the closed schema does not allow.
import { Node } from "maelstrom-lib";
const node = new Node();
node.on("echo", (request) => ({ type: "echo_ok", echo: request.body.echo, note: "extra" }));
await node.run();
