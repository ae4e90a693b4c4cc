#!/usr/bin/env bun
// Test node for lin-kv: forwards every read, write and cas to a Maelstrom KV service
// (lin-kv by default; argv[2] picks seq-kv or lww-kv) and relays its answer or error.
// Correct with lin-kv; with the others it is only as consistent as they are.
import { KV, Node, type Json, type Message } from "maelstrom-lib";
const node = new Node();
// The runtime's typed registry knows `read` as broadcast's and g-counter's (no key); lin-kv's
// read carries a key and answers any value, so these handlers take plain messages.
const on = node.on.bind(node) as (type: string, handler: (request: Message) => unknown) => Node;
const kv = new KV(node, process.argv[2] ?? "lin-kv", { timeoutMs: 900 });
on("read", async ({ body }) => ({ type: "read_ok", value: await kv.read(body.key as Json) }));
on("write", async ({ body }) => {
  await kv.write(body.key as Json, body.value as Json);
  return { type: "write_ok" };
});
on("cas", async ({ body }) => {
  await kv.cas(body.key as Json, body.from as Json, body.to as Json);
  return { type: "cas_ok" };
});
await node.run();
