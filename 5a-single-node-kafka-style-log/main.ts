#!/usr/bin/env bun
/**
 * Challenge 5a: a single-node Kafka-style log.
 *
 * Each key is an append-only array held in memory; a message's offset is its index, so
 * offsets are dense, unique, and only ever grow. A poll returns, per key, everything from the
 * requested offset on: a contiguous run, never skipping a message that exists. Committed
 * offsets are a second map that only moves forward. One process, one event loop: no locks,
 * no messages between nodes.
 */
import { type KafkaProtocol, Node } from "maelstrom-lib";
import { LocalLogs } from "maelstrom-lib/logs";

const node = new Node<KafkaProtocol>();
const logs = new LocalLogs();

node.on("send", ({ body }) => ({ type: "send_ok", offset: logs.append(body.key, body.msg) }));
node.on("poll", ({ body }) => ({ type: "poll_ok", msgs: logs.poll(body.offsets) }));
node.on("commit_offsets", ({ body }) => {
  for (const [key, offset] of Object.entries(body.offsets)) logs.commit(key, offset);
  return { type: "commit_offsets_ok" };
});
node.on("list_committed_offsets", ({ body }) => ({
  type: "list_committed_offsets_ok",
  offsets: logs.committed(body.keys),
}));

await node.run();
