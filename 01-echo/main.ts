#!/usr/bin/env bun
// Challenge 1: echo. Reply to every echo request with the same value; the runtime answers
// init, adds in_reply_to and takes care of the wire.
import { Node } from "maelstrom-lib";

const node = new Node();
node.on("echo", (request) => ({ type: "echo_ok", echo: request.body.echo }));
await node.run();
