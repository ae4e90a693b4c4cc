#!/usr/bin/env bun
// Broken on purpose: answers the second echo after 6 s, when the client has timed out and gone.
import { Node } from "maelstrom-lib";
const node = new Node();
let count = 0;
node.on("echo", async (request) => {
  if (++count === 2) await Bun.sleep(6000);
  return { type: "echo_ok", echo: request.body.echo };
});
await node.run();
