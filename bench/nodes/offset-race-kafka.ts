#!/usr/bin/env bun
/**
 * Bench load with a rare bug: a single-node Kafka-style log that writes each message to
 * lin-kv before it acknowledges the send. The bug: the next offset of a key is read before
 * that write and bumped after it, so two sends to one key whose writes overlap get the same
 * offset. The window is one lin-kv round trip.
 */
import { type KafkaProtocol, LinKV, Node } from "maelstrom-lib";

const node = new Node<KafkaProtocol>();
const kv = new LinKV(node);
const logs = new Map<string, [number, number][]>();
const nextOffsets = new Map<string, number>();
const committed = new Map<string, number>();

node.on("send", async ({ body }) => {
  const offset = nextOffsets.get(body.key) ?? 0;
  await kv.write(`${body.key}/${offset}`, body.msg);
  nextOffsets.set(body.key, offset + 1); // the bug: bumped after the await, not before it
  const log = logs.get(body.key) ?? [];
  log.push([offset, body.msg]);
  logs.set(body.key, log);
  return { type: "send_ok", offset };
});

node.on("poll", ({ body }) => {
  const msgs: Record<string, [number, number][]> = {};
  for (const [key, from] of Object.entries(body.offsets)) {
    msgs[key] = (logs.get(key) ?? []).filter(([offset]) => offset >= from);
  }
  return { type: "poll_ok", msgs };
});

node.on("commit_offsets", ({ body }) => {
  for (const [key, offset] of Object.entries(body.offsets)) {
    committed.set(key, Math.max(committed.get(key) ?? 0, offset));
  }
  return { type: "commit_offsets_ok" };
});

node.on("list_committed_offsets", ({ body }) => {
  const offsets: Record<string, number> = {};
  for (const key of body.keys) {
    const offset = committed.get(key);
    if (offset !== undefined) offsets[key] = offset;
  }
  return { type: "list_committed_offsets_ok", offsets };
});

await node.run();
