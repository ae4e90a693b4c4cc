/**
 * The replicator on a node with memory I/O and a fake clock: batches go out on the tick,
 * unacknowledged batches are sent again (a partition only delays them), acknowledged writes
 * are not, and incoming batches are merged.
 */
import { expect, test } from "bun:test";
import { memoryNode, settle } from "../node/testdata/memory-node.ts";
import { LwwStore } from "./lww-store.ts";
import { Replicator, type ReplicatorMessages } from "./replicator.ts";

const INTERVAL_MS = 100;
const ACK_TIMEOUT_MS = 500;
async function replicatingNode() {
  const { node, input, clock, sentTo } = memoryNode<ReplicatorMessages>();
  const store = new LwwStore(node);
  const replicator = new Replicator(node, store, { intervalMs: INTERVAL_MS, ackTimeoutMs: ACK_TIMEOUT_MS });
  const ran = node.run();
  input.pushMessages({
    src: "c0",
    dest: "n0",
    body: { type: "init", node_id: "n0", node_ids: ["n0", "n1"], msg_id: 1 },
  });
  await settle();
  // The recovery sync (see replicator-recovery.test.ts) is not replication.
  const sent = () => sentTo("n1").filter((body) => body.type !== "sync");
  return { input, clock, store, replicator, ran, sent };
}

test("a batch is resent until acknowledged, then never again", async () => {
  const { input, clock, store, replicator, ran, sent } = await replicatingNode();
  replicator.push(
    store.commit([
      [1, 10],
      [2, 20],
    ]),
  );
  replicator.push(store.commit([[1, 11]]));
  clock.advance(INTERVAL_MS);
  await settle();
  // Compacted: key 1's older value was never sent, since only the newest can win.
  expect(sent()).toEqual([
    {
      type: "replicate",
      msg_id: 1,
      writes: [
        { key: 1, value: 11, counter: 2, node: "n0" },
        { key: 2, value: 20, counter: 1, node: "n0" },
      ],
    },
  ]);
  // No ack (a partition): nothing more while the batch is in flight, then the same writes again.
  clock.advance(ACK_TIMEOUT_MS - 1);
  await settle();
  expect(sent()).toHaveLength(1);
  clock.advance(1); // the rpc times out
  await settle();
  clock.advance(INTERVAL_MS);
  await settle();
  expect(sent()).toHaveLength(2);
  expect(sent()[1]!.writes).toEqual(sent()[0]!.writes);
  // Acknowledged: the outbox is empty and the ticks stay silent.
  input.pushMessages({ src: "n1", dest: "n0", body: { type: "replicate_ok", in_reply_to: sent()[1]!.msg_id } });
  await settle();
  clock.advance(10 * INTERVAL_MS);
  await settle();
  expect(sent()).toHaveLength(2);
  input.end();
  await ran;
});

test("incoming batches are merged by stamp and acknowledged", async () => {
  const { input, store, ran, sent } = await replicatingNode();
  input.pushMessages(
    {
      src: "n1",
      dest: "n0",
      body: { type: "replicate", msg_id: 7, writes: [{ key: 5, value: 1, counter: 3, node: "n1" }] },
    },
    {
      src: "n1",
      dest: "n0",
      body: { type: "replicate", msg_id: 8, writes: [{ key: 5, value: 2, counter: 2, node: "n1" }] },
    },
  );
  await settle();
  expect(store.read(5)).toBe(1);
  expect(sent()).toEqual([
    { type: "replicate_ok", in_reply_to: 7 },
    { type: "replicate_ok", in_reply_to: 8 },
  ]);
  // The next local commit is stamped above what was merged.
  expect(store.commit([[5, 3]])[0]!.counter).toBe(4);
  input.end();
  await ran;
});
