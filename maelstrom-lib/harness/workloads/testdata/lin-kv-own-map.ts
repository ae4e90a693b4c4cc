#!/usr/bin/env bun
// Broken on purpose for lin-kv: each node keeps its own map, so a node never sees the writes
// clients made through the other nodes (stale reads, cas from values long overwritten).
import { KeyDoesNotExist, Node, PreconditionFailed, type Message } from "maelstrom-lib";
const node = new Node();
// lin-kv's read carries a key, which the runtime's typed `read` (broadcast, g-counter) lacks.
const on = node.on.bind(node) as (type: string, handler: (request: Message) => unknown) => Node;
const map = new Map<string, unknown>();
const name = (key: unknown) => JSON.stringify(key);
on("read", ({ body }) => {
  if (!map.has(name(body.key))) throw new KeyDoesNotExist("key does not exist");
  return { type: "read_ok", value: map.get(name(body.key)) };
});
on("write", ({ body }) => {
  map.set(name(body.key), body.value);
  return { type: "write_ok" };
});
on("cas", ({ body }) => {
  const current = map.get(name(body.key));
  if (!map.has(name(body.key))) throw new KeyDoesNotExist("key does not exist");
  if (name(current) !== name(body.from)) throw new PreconditionFailed(`current value ${name(current)} is not ${name(body.from)}`);
  map.set(name(body.key), body.to);
  return { type: "cas_ok" };
});
await node.run();
