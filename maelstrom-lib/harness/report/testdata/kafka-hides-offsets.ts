#!/usr/bin/env bun
// Broken on purpose: a single-node log that acknowledges every send but leaves every message
// whose offset is 3 more than a multiple of 5 out of its polls, while returning the ones after
// it: the kafka checker calls the hidden ones lost writes.
import { type KafkaProtocol, Node } from "maelstrom-lib";

const node = new Node<KafkaProtocol>();
const logs = new Map<string, number[]>();
const committed = new Map<string, number>();
node.on("send", ({ body }) => {
  const log = logs.get(body.key) ?? [];
  logs.set(body.key, log);
  log.push(body.msg);
  return { type: "send_ok", offset: log.length - 1 };
});
node.on("poll", ({ body }) => {
  const msgs: Record<string, [number, number][]> = {};
  for (const [key, from] of Object.entries(body.offsets)) {
    const log = logs.get(key) ?? [];
    msgs[key] = log
      .map((msg, offset): [number, number] => [offset, msg])
      .filter(([offset]) => offset >= from && offset % 5 !== 3);
  }
  return { type: "poll_ok", msgs };
});
node.on("commit_offsets", ({ body }) => {
  for (const [key, offset] of Object.entries(body.offsets)) {
    committed.set(key, Math.max(committed.get(key) ?? 0, offset));
  }
  return { type: "commit_offsets_ok" };
});
node.on("list_committed_offsets", ({ body }) => ({
  type: "list_committed_offsets_ok",
  offsets: Object.fromEntries(body.keys.filter((key) => committed.has(key)).map((key) => [key, committed.get(key)!])),
}));
await node.run();
