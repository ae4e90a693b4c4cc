#!/usr/bin/env bun
// Broken on purpose: answers init and a few echoes, then exits with status 3.
import { Node } from "maelstrom-lib";
const node = new Node();
let answered = 0;
node.on("echo", (request) => {
  if (++answered > 3) {
    console.error("giving up after three echoes");
    process.exit(3);
  }
  return { type: "echo_ok", echo: request.body.echo };
});
await node.run();
