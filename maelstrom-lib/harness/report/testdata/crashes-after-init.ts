#!/usr/bin/env bun
// Broken on purpose: answers init and two echoes, then dies with exit status 3 on the third.
import { Node } from "maelstrom-lib";

const node = new Node();
let answered = 0;
node.on("echo", ({ body }) => {
  if (++answered > 2) {
    console.error("echo budget exhausted: exiting with status 3");
    process.exit(3);
  }
  return { type: "echo_ok", echo: body.echo };
});
await node.run();
