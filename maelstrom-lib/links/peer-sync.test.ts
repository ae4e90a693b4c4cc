/**
 * PeerSync on a fake clock: a fresh cluster syncs with one crossing `sync` per ordered pair and
 * no answers; a restarted node pulls every peer's state (holding reads until
 * then); a lost `sync` is resent; a node that never recovers (the control) comes back empty.
 */
import { expect, test } from "bun:test";
import type { Node } from "../node/node.ts";
import { PeerSync, type PeerSyncMessages, START_AFTER_INIT_MS } from "./peer-sync.ts";
import { type Delivery, memoryCluster, serving } from "./testdata/memory-cluster.ts";

/** The test program's own messages, beside PeerSync's. */
type SetMessages = PeerSyncMessages & {
  remember: { request: { type: "remember"; value: number }; reply: { type: "remember_ok" } };
  read_set: { request: { type: "read_set" }; reply: { type: "read_set_ok"; values: number[] } };
};

const IDS = ["n0", "n1", "n2"];
const RETRY_MS = 100;

/** A node holding a set in memory; with `recover`, it pulls the set from its peers at init. */
function setNode(recover: boolean) {
  return (node: Node<SetMessages>) => {
    const values = new Set<number>();
    const sync = recover
      ? new PeerSync<number[]>(node, {
          peers: () => node.peers,
          snapshot: () => [...values],
          merge: (_peer, state) => state.forEach((value) => values.add(value)),
          retryMs: RETRY_MS,
        })
      : undefined;
    node.on("remember", ({ body }) => {
      // Stands in for a solution's own replication: every node gets the value from the test.
      values.add(body.value);
      return { type: "remember_ok" };
    });
    node.on("read_set", async () => {
      await sync?.whenReady();
      return { type: "read_set_ok", values: [...values].sort((a, b) => a - b) };
    });
    return node.run();
  };
}

const syncs = (deliveries: Delivery[]) => deliveries.filter((d) => d.body.type === "sync" || d.body.type === "sync_ok");

/** A fresh cluster, past its first request: Maelstrom's setup is over and the syncs crossed. */
async function startedCluster() {
  const cluster = await memoryCluster(IDS, serving(setNode(true)));
  for (const id of IDS) await cluster.request(id, { type: "read_set" }, 0);
  await cluster.run(3 * RETRY_MS);
  return cluster;
}

test(
  "a fresh cluster: nothing before the first request, then the syncs cross, one per ordered pair, and nobody " +
    "needs an answer",
  async () => {
    const cluster = await memoryCluster(IDS, serving(setNode(true)));
    await cluster.run(3 * RETRY_MS);
    // Right after init a peer may not be registered yet: no sync goes out.
    expect(syncs(cluster.deliveries)).toEqual([]);
    for (const id of IDS) expect(await cluster.request(id, { type: "read_set" }, 0)).toBeUndefined();
    await cluster.run(3 * RETRY_MS);
    expect(
      syncs(cluster.deliveries)
        .map((d) => `${d.body.type} ${d.src}>${d.dest}`)
        .sort(),
    ).toEqual(["n0>n1", "n0>n2", "n1>n0", "n1>n2", "n2>n0", "n2>n1"].map((pair) => `sync ${pair}`));
    for (const id of IDS)
      expect(await cluster.request(id, { type: "read_set" })).toEqual({
        type: "read_set_ok",
        values: [],
        in_reply_to: expect.any(Number),
      });
    cluster.stop();
  },
);

test("a restarted node holds reads until every peer's state is in, then has it all", async () => {
  const cluster = await startedCluster();
  for (const value of [1, 2, 3]) {
    for (const dest of IDS) await cluster.request(dest, { type: "remember", value });
  }
  cluster.kill("n1");
  const before = cluster.deliveries.length;
  await cluster.start("n1");
  // Its first request starts the sync.
  expect(await cluster.request("n1", { type: "read_set" }, 0)).toBeUndefined();
  await cluster.run(3 * RETRY_MS);
  expect(await cluster.request("n1", { type: "read_set" })).toMatchObject({ values: [1, 2, 3] });
  // Two messages per peer: n1's sync and the peer's answer.
  expect(
    syncs(cluster.deliveries.slice(before))
      .map((d) => `${d.body.type} ${d.src}>${d.dest}`)
      .sort(),
  ).toEqual(["sync n1>n0", "sync n1>n2", "sync_ok n0>n1", "sync_ok n2>n1"]);
  cluster.stop();
});

test("a lost sync is resent until the peer's state arrives", async () => {
  const cluster = await startedCluster();
  for (const dest of IDS) await cluster.request(dest, { type: "remember", value: 7 });
  cluster.kill("n2");
  // n0 is cut off from n2 for a while: n2 must wait for it, not answer from n1's state alone.
  cluster.dropWhen((src, dest) => (src === "n0" && dest === "n2") || (src === "n2" && dest === "n0"));
  await cluster.start("n2");
  expect(await cluster.request("n2", { type: "read_set" }, 0)).toBeUndefined();
  await cluster.run(5 * RETRY_MS);
  expect(await cluster.request("n2", { type: "read_set" }, 0)).toBeUndefined();
  cluster.dropWhen(() => false);
  await cluster.run(2 * RETRY_MS);
  expect(await cluster.request("n2", { type: "read_set" })).toMatchObject({ values: [7] });
  const resent = cluster.deliveries.filter((d) => d.body.type === "sync" && d.src === "n2" && d.dest === "n0");
  expect(resent.length).toBeGreaterThan(1);
  cluster.stop();
});

test("a node restarted into a quiet cluster syncs START_AFTER_INIT_MS after init, without any request", async () => {
  const cluster = await startedCluster();
  for (const dest of IDS) await cluster.request(dest, { type: "remember", value: 3 });
  cluster.kill("n0");
  await cluster.start("n0");
  const before = cluster.deliveries.length;
  await cluster.run(START_AFTER_INIT_MS - RETRY_MS);
  expect(syncs(cluster.deliveries.slice(before))).toEqual([]);
  await cluster.run(2 * RETRY_MS);
  expect(syncs(cluster.deliveries.slice(before)).length).toBe(4);
  // Ready before any client asked: the first read is answered at once.
  expect(await cluster.request("n0", { type: "read_set" }, 0)).toMatchObject({ values: [3] });
  cluster.stop();
});

test("control: a node that keeps its set only in memory comes back empty", async () => {
  const cluster = await memoryCluster(IDS, serving(setNode(false)));
  for (const dest of IDS) await cluster.request(dest, { type: "remember", value: 5 });
  cluster.kill("n0");
  await cluster.start("n0");
  expect(await cluster.request("n0", { type: "read_set" })).toMatchObject({ values: [] });
  cluster.stop();
});
