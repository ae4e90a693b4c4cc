#!/usr/bin/env bun
// Test node for lin-kv: forwards every read, write and cas to a Maelstrom KV service
// (lin-kv by default; argv[2] picks seq-kv or lww-kv) and relays its answer or error.
// Correct with lin-kv; with the others it is only as consistent as they are.
import { KV, type LinKVProtocol, Node } from "maelstrom-lib";

const node = new Node<LinKVProtocol>();
const kv = new KV(node, process.argv[2] ?? "lin-kv", { timeoutMs: 900 });
node.on("read", async ({ body }) => ({ type: "read_ok", value: await kv.read(body.key ?? null) }));
node.on("write", async ({ body }) => {
  await kv.write(body.key, body.value);
  return { type: "write_ok" };
});
node.on("cas", async ({ body }) => {
  await kv.cas(body.key, body.from, body.to);
  return { type: "cas_ok" };
});
await node.run();
