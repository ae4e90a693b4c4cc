/**
 * The replicator under kill, on a fake clock: a restarted node serves at once, gets every
 * peer's registers back, and its new writes win over the ones from before its death.
 */
import { expect, test } from "bun:test";
import { memoryCluster, serving } from "../links/testdata/memory-cluster.ts";
import type { Node } from "../node/node.ts";
import { LwwStore } from "./lww-store.ts";
import { Replicator, type ReplicatorMessages } from "./replicator.ts";

/** The test program's own messages, beside the replicator's. */
type RegisterMessages = ReplicatorMessages & {
  put_register: { request: { type: "put_register"; key: number; value: number }; reply: { type: "put_register_ok" } };
  get_register: {
    request: { type: "get_register"; key: number };
    reply: { type: "get_register_ok"; value: number | null };
  };
};

/** A register node: put commits and replicates one write, get reads the local copy. */
function registerNode(node: Node<RegisterMessages>): Promise<void> {
  const store = new LwwStore(node);
  const replicator = new Replicator(node, store, { intervalMs: 100, ackTimeoutMs: 500 });
  node.on("put_register", ({ body }) => {
    replicator.push(store.commit([[body.key, body.value]]));
    return { type: "put_register_ok" };
  });
  node.on("get_register", ({ body }) => ({ type: "get_register_ok", value: store.read(body.key) }));
  return node.run();
}

test("a restarted node answers at once and has its peers' registers back within a round trip", async () => {
  const cluster = await memoryCluster(["n0", "n1"], serving(registerNode));
  await cluster.run(1_000);
  await cluster.request("n0", { type: "put_register", key: 1, value: 10 });
  await cluster.run(300);
  expect(await cluster.request("n1", { type: "get_register", key: 1 })).toMatchObject({ value: 10 });
  cluster.kill("n1");
  await cluster.start("n1");
  // Total availability: the first request is answered from the empty store at once.
  expect(await cluster.request("n1", { type: "get_register", key: 1 }, 0)).toMatchObject({ value: null });
  await cluster.run(100);
  expect(await cluster.request("n1", { type: "get_register", key: 1 })).toMatchObject({ value: 10 });
  cluster.stop();
});

test("a write at a restarted node wins over the older version its peer sends back", async () => {
  const cluster = await memoryCluster(["n0", "n1"], serving(registerNode));
  await cluster.run(1_000);
  await cluster.request("n1", { type: "put_register", key: 2, value: 1 });
  await cluster.run(300);
  cluster.kill("n1");
  await cluster.start("n1");
  // Written before n0's copy of the old version is back: its counter restarted from zero.
  await cluster.request("n1", { type: "put_register", key: 2, value: 2 }, 0);
  await cluster.run(1_000);
  for (const id of ["n0", "n1"])
    expect(await cluster.request(id, { type: "get_register", key: 2 })).toMatchObject({ value: 2 });
  cluster.stop();
});
