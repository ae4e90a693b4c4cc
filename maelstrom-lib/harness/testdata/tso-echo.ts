#!/usr/bin/env bun
// Test node: each echo first takes a timestamp from lin-tso, so every op crosses a server link.
import { Node } from "maelstrom-lib";
const node = new Node();
node.on("echo", async (request) => {
  await node.rpc("lin-tso", { type: "ts" }, { timeoutMs: 2000 });
  return { type: "echo_ok", echo: request.body.echo };
});
await node.run();
