/**
 * The star under kill, on a fake clock: a restarted leaf or hub gets its set back from its star
 * peers and holds reads until then; a value the hub acknowledged but never passed on survives
 * the hub's death; and a broadcast is acknowledged only once a star peer holds the value.
 */
import { expect, test } from "bun:test";
import { memoryCluster, serving } from "../links/testdata/memory-cluster.ts";
import type { Node } from "../node/node.ts";
import { StarBroadcast, type StarMessages, type StarSchedule } from "./star.ts";

const IDS = ["n0", "n1", "n2", "n3"];
/** 3d's schedule. */
const SCHEDULE: StarSchedule = {
  hubBeatMs: 100,
  leafBeatMs: 0,
  alignLeavesToHub: false,
  link: { retryMs: 2_000, ackDelayMs: 1_000 },
  ackOnceCopied: true,
};
/** A star member with `schedule`, served until its input ends. */
const starNode = (schedule: StarSchedule) =>
  serving((node: Node<StarMessages>) => {
    new StarBroadcast(node, schedule);
    return node.run();
  });

async function startedStar() {
  const cluster = await memoryCluster(IDS, starNode(SCHEDULE));
  // Maelstrom's setup: a topology to every node, the first request that lets a node sync.
  for (const id of IDS) await cluster.request(id, { type: "topology", topology: {} });
  await cluster.run(100);
  return cluster;
}

test("a restarted leaf holds reads until the hub's set is in, then has every value", async () => {
  const star = await startedStar();
  for (const [id, value] of [
    ["n1", 1],
    ["n2", 2],
    ["n0", 3],
  ] as const)
    expect(await star.request(id, { type: "broadcast", message: value })).toMatchObject({ type: "broadcast_ok" });
  await star.run(300);
  star.kill("n2");
  await star.start("n2");
  expect(await star.request("n2", { type: "read" }, 0)).toBeUndefined();
  await star.run(100);
  expect(await star.request("n2", { type: "read" })).toMatchObject({ messages: [1, 2, 3] });
  star.stop();
});

test("a value the hub acknowledged but never passed on comes back from its leaf after the hub restarts", async () => {
  const star = await startedStar();
  // The hub's batches reach n1 only: n1 gets its ack, n2 and n3 never get the value.
  star.dropWhen((src, dest, body) => src === "n0" && dest !== "n1" && body.type === "gossip_batch");
  expect(await star.request("n1", { type: "broadcast", message: 7 })).toMatchObject({ type: "broadcast_ok" });
  star.kill("n0");
  star.dropWhen(() => false);
  await star.run(500);
  await star.start("n0");
  expect(await star.request("n0", { type: "read" }, 0)).toBeUndefined();
  await star.run(500);
  for (const id of IDS) expect(await star.request(id, { type: "read" })).toMatchObject({ messages: [7] });
  star.stop();
});

test("a broadcast waits for its star peer to hold the value", async () => {
  const star = await startedStar();
  star.dropWhen((src, _dest, body) => src === "n1" && body.type === "gossip_batch");
  expect(await star.request("n1", { type: "broadcast", message: 4 }, 1_500)).toBeUndefined();
  star.dropWhen(() => false);
  // The link's retry (after 2 s) brings it to the hub, whose batch carries the ack.
  await star.run(1_000);
  expect(await star.request("n3", { type: "read" })).toMatchObject({ messages: [4] });
  star.stop();
});

test("without ackOnceCopied (3e) a broadcast is acknowledged at once, copied or not", async () => {
  const cluster = await memoryCluster(IDS, starNode({ ...SCHEDULE, ackOnceCopied: false }));
  cluster.dropWhen((src, _dest, body) => src === "n1" && body.type === "gossip_batch");
  expect(await cluster.request("n1", { type: "broadcast", message: 4 }, 0)).toMatchObject({ type: "broadcast_ok" });
  cluster.stop();
});
