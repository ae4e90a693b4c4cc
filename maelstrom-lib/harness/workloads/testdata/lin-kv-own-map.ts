#!/usr/bin/env bun
// Broken on purpose for lin-kv: each node keeps its own map, so a node never sees the writes
// clients made through the other nodes (stale reads, cas from values long overwritten).
import { KeyDoesNotExist, type LinKVProtocol, Node, PreconditionFailed, type Json } from "maelstrom-lib";

const node = new Node<LinKVProtocol>();
const map = new Map<string, Json>();
const name = (key: unknown) => JSON.stringify(key);
node.on("read", ({ body }) => {
  if (!map.has(name(body.key))) throw new KeyDoesNotExist("key does not exist");
  return { type: "read_ok", value: map.get(name(body.key))! };
});
node.on("write", ({ body }) => {
  map.set(name(body.key), body.value);
  return { type: "write_ok" };
});
node.on("cas", ({ body }) => {
  const current = map.get(name(body.key));
  if (!map.has(name(body.key))) throw new KeyDoesNotExist("key does not exist");
  if (name(current) !== name(body.from))
    throw new PreconditionFailed(`current value ${name(current)} is not ${name(body.from)}`);
  map.set(name(body.key), body.to);
  return { type: "cas_ok" };
});
await node.run();
