/**
 * 5c under kill, on a fake clock: a send is acknowledged only once the peer holds it, and a
 * restarted node gets every acknowledged message back and never hands out an offset again.
 * (The real-process tests in main.test.ts run the published command.)
 */
import { expect, test } from "bun:test";
import { memoryCluster } from "../maelstrom-lib/links/testdata/memory-cluster.ts";
import { serveEfficientKafkaLog } from "./main.ts";

const IDS = ["n0", "n1"];

test("a restarted node has every acknowledged send back, and its new offsets are above them", async () => {
  const cluster = await memoryCluster(IDS, serveEfficientKafkaLog);
  const offsets: number[] = [];
  for (const msg of [10, 11, 12]) {
    const reply = await cluster.request("n0", { type: "send", key: "k", msg });
    expect(reply).toMatchObject({ type: "send_ok" });
    offsets.push(reply!.offset as number);
  }
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

test("a send is not acknowledged, nor shown by a poll, until the peer holds it", async () => {
  const cluster = await memoryCluster(IDS, serveEfficientKafkaLog);
  await cluster.request("n0", { type: "poll", offsets: {} });
  await cluster.run(100);
  cluster.dropWhen((src, _dest, body) => src === "n0" && body.type === "replicate_log");
  expect(await cluster.request("n0", { type: "send", key: "k", msg: 1 }, 1_000)).toBeUndefined();
  expect(await cluster.request("n0", { type: "poll", offsets: { k: 0 } })).toMatchObject({ msgs: {} });
  cluster.dropWhen(() => false);
  await cluster.run(200);
  expect(await cluster.request("n0", { type: "poll", offsets: { k: 0 } })).toMatchObject({ msgs: { k: [[0, 1]] } });
  cluster.stop();
});
