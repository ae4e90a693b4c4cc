#!/usr/bin/env bun
// A broken echo for the tests: answers with a different value, which the echo checker must reject.
import { Node } from "maelstrom-lib";

const node = new Node();
node.on("echo", (request) => ({ type: "echo_ok", echo: `${request.body.echo}!` }));
await node.run();
