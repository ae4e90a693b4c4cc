#!/usr/bin/env bun
// Broken on purpose: answers echoes, but prints a debug line on stdout at the third one.
import { Node } from "maelstrom-lib";
const node = new Node();
let count = 0;
node.on("echo", (request) => {
  if (++count === 3) console.log(`got echo ${count}`);
  return { type: "echo_ok", echo: request.body.echo };
});
await node.run();
