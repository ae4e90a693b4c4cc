#!/usr/bin/env bun
// Broken on purpose for lin-kv: each node keeps its own map, so a node never sees the writes
// clients made through the other nodes (stale reads, cas from values long overwritten).
import { KeyDoesNotExist, Node, PreconditionFailed } from "maelstrom-lib";
const node = new Node();
const map = new Map<string, unknown>();
const name = (key: unknown) => JSON.stringify(key);
node.on("read", (request) => {
  const key = name(request.body.key);
  if (!map.has(key)) throw new KeyDoesNotExist("key does not exist");
  return { type: "read_ok", value: map.get(key) };
});
node.on("write", (request) => {
  map.set(name(request.body.key), request.body.value);
  return { type: "write_ok" };
});
node.on("cas", (request) => {
  const key = name(request.body.key);
  if (!map.has(key)) throw new KeyDoesNotExist("key does not exist");
  if (JSON.stringify(map.get(key)) !== JSON.stringify(request.body.from)) {
    throw new PreconditionFailed(`current value ${JSON.stringify(map.get(key))} is not ${JSON.stringify(request.body.from)}`);
  }
  map.set(key, request.body.to);
  return { type: "cas_ok" };
});
await node.run();
