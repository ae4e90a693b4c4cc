/**
 * 3c under kill, on a fake clock: a restarted node gets back every value from its peers,
 * holds reads until then, and makes the hand-overs its dead process never made. main.ts runs
 * as it is, one fresh instance per start, in this process (programCluster); main.test.ts runs
 * the published command and a kill nemesis.
 */
import { expect, test } from "bun:test";
import { programCluster } from "../maelstrom-lib/harness/world/testdata/program.ts";

const BIN = "3c-fault-tolerant-broadcast/main.ts";

/** A line: n0 - n1 - n2. n1 is the only way between the ends. */
const TOPOLOGY = { n0: ["n1"], n1: ["n0", "n2"], n2: ["n1"] };

test("a value n1 acknowledged but never handed on still reaches n2 after n1 is killed and restarted", async () => {
  const cluster = await programCluster(BIN, ["n0", "n1", "n2"]);
  for (const id of ["n0", "n1", "n2"]) await cluster.request(id, { type: "topology", topology: TOPOLOGY });
  await cluster.run(50);
  // n1 takes 5 from n0 and acknowledges it, but its hand-over to n2 never arrives.
  cluster.dropWhen((src, dest, body) => src === "n1" && dest === "n2" && body.type === "gossip");
  expect(await cluster.request("n0", { type: "broadcast", message: 5 })).toMatchObject({ type: "broadcast_ok" });
  cluster.kill("n1");
  cluster.dropWhen(() => false);
  await cluster.start("n1");
  expect(await cluster.request("n1", { type: "read" }, 0)).toBeUndefined();
  await cluster.run(500);
  for (const id of ["n0", "n1", "n2"])
    expect(await cluster.request(id, { type: "read" })).toMatchObject({ messages: [5] });
  cluster.stop();
});

test("a broadcast is acknowledged only once a neighbour has the value", async () => {
  const cluster = await programCluster(BIN, ["n0", "n1", "n2"]);
  for (const id of ["n0", "n1", "n2"]) await cluster.request(id, { type: "topology", topology: TOPOLOGY });
  cluster.dropWhen((src, _dest, body) => src === "n0" && body.type === "gossip");
  expect(await cluster.request("n0", { type: "broadcast", message: 9 }, 3_000)).toBeUndefined();
  cluster.dropWhen(() => false);
  await cluster.run(1_500);
  expect(await cluster.request("n2", { type: "read" })).toMatchObject({ messages: [9] });
  cluster.stop();
});
