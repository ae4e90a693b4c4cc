/**
 * 5c under kill, on a fake clock: a restarted node gets back everything its peer held and
 * hands out offsets above it; a send is acknowledged at once, so one the peer never got dies
 * with the node (5c's stated trade, see main.ts); and a partition from the start holds sends
 * only for SNAPSHOT_PATIENCE_MS, not until it heals. main.ts runs as it is, one fresh instance
 * per start, in this process (programCluster); main.test.ts runs the published command.
 */
import { expect, test } from "bun:test";
import { programCluster } from "../maelstrom-lib/harness/world/testdata/program.ts";

const BIN = "5c-efficient-kafka-style-log/main.ts";
const IDS = ["n0", "n1"];
/** main.ts's SNAPSHOT_PATIENCE_MS: the last test fails if the two part. */
const SNAPSHOT_PATIENCE_MS = 1_000;

test("a restarted node has every send its peer received back, and its new offsets are above them", async () => {
  const cluster = await programCluster(BIN, IDS);
  const offsets: number[] = [];
  for (const msg of [10, 11, 12]) {
    const reply = await cluster.request("n0", { type: "send", key: "k", msg });
    expect(reply).toMatchObject({ type: "send_ok" });
    offsets.push(reply!.offset as number);
  }
  // One round of replication: n1 holds them.
  await cluster.run(200);
  cluster.kill("n0");
  await cluster.start("n0");
  const reply = await cluster.request("n0", { type: "send", key: "k", msg: 13 });
  expect(reply!.offset).toBeGreaterThan(Math.max(...offsets));
  await cluster.run(200);
  for (const id of IDS) {
    const poll = await cluster.request(id, { type: "poll", offsets: { k: 0 } });
    expect(poll!.msgs).toEqual({ k: [...offsets, reply!.offset].map((offset, i) => [offset, 10 + i]) });
  }
  cluster.stop();
});

test(
  "a send is acknowledged at once, even while the peer gets nothing; killed before it streams, it is lost and " +
    "its offset reused",
  async () => {
    const cluster = await programCluster(BIN, IDS);
    await cluster.request("n0", { type: "poll", offsets: {} });
    await cluster.run(100);
    cluster.dropWhen((src, _dest, body) => src === "n0" && body.type === "replicate_log");
    // Answered before the fake clock moves at all: no wait for the peer.
    expect(await cluster.request("n0", { type: "send", key: "k", msg: 1 }, 0)).toEqual({
      type: "send_ok",
      offset: 0,
      in_reply_to: expect.any(Number),
    });
    cluster.kill("n0");
    cluster.dropWhen(() => false);
    await cluster.start("n0");
    expect(await cluster.request("n0", { type: "send", key: "k", msg: 2 })).toMatchObject({
      type: "send_ok",
      offset: 0,
    });
    await cluster.run(200);
    expect(await cluster.request("n1", { type: "poll", offsets: { k: 0 } })).toMatchObject({ msgs: { k: [[0, 2]] } });
    cluster.stop();
  },
);

test(
  "cut off from its peer from the start, a node waits SNAPSHOT_PATIENCE_MS for its snapshot, once, then answers " +
    "every send at once",
  async () => {
    const cluster = await programCluster(BIN, IDS);
    cluster.dropWhen(() => true);
    const startMs = cluster.clock.nowMs();
    expect(await cluster.request("n0", { type: "send", key: "k", msg: 1 })).toMatchObject({
      type: "send_ok",
      offset: 0,
    });
    const waitedMs = cluster.clock.nowMs() - startMs;
    expect(waitedMs).toBeGreaterThanOrEqual(SNAPSHOT_PATIENCE_MS);
    expect(waitedMs).toBeLessThan(SNAPSHOT_PATIENCE_MS + 50);
    expect(await cluster.request("n0", { type: "send", key: "k", msg: 2 }, 0)).toMatchObject({
      type: "send_ok",
      offset: 2,
    });
    // The heal: the stream and the late snapshots bring n1 everything.
    cluster.dropWhen(() => false);
    await cluster.run(1_000);
    expect(await cluster.request("n1", { type: "poll", offsets: { k: 0 } })).toMatchObject({
      msgs: {
        k: [
          [0, 1],
          [2, 2],
        ],
      },
    });
    cluster.stop();
  },
);
