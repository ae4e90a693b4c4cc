/**
 * Challenge 3a under the simulation: the single-node store passes its published command; the
 * same node on five nodes, where it never forwards, loses values; and a node whose topology
 * reply breaks the schema aborts the run before any op.
 */
import { expect, test } from "bun:test";
import { checkSetFull } from "../maelstrom-lib/harness/checkers/set-full.ts";
import { workloadResult } from "../maelstrom-lib/harness/contracts/results.ts";
import { runInTestStore } from "../maelstrom-lib/harness/testdata/test-runs.ts";

/** A simulated run takes well under a second. */
const RUN_TIMEOUT_MS = 30_000;

/** The published flags but the node count, simulated with a seed. */
function runBroadcast(bin: string, flags: string[]) {
  return runInTestStore([
    "test",
    "-w",
    "broadcast",
    "--bin",
    bin,
    "--rate",
    "10",
    "--time-limit",
    "20",
    "--sim",
    "--seed",
    "3",
    ...flags,
  ]);
}

test.concurrent(
  "3a passes its published command on one node",
  async () => {
    const run = await runBroadcast("3a-single-node-broadcast/main.ts", ["--node-count", "1"]);
    expect(run.results!.workload).toMatchObject({ "valid?": true, "lost-count": 0 });
    expect(run.results!.workload?.["stable-count"]).toBeGreaterThan(10);
    expect(run.exitCode).toBe(0);
  },
  RUN_TIMEOUT_MS,
);

test.concurrent(
  "a node that never forwards loses values on five nodes",
  async () => {
    const run = await runBroadcast("3a-single-node-broadcast/main.ts", ["--node-count", "5"]);
    const workload = workloadResult(run.results, checkSetFull);
    expect(workload["valid?"]).toBe(false);
    expect(workload["lost-count"]).toBeGreaterThan(0);
    expect(workload.lost).toHaveLength(workload["lost-count"]);
    expect(run.exitCode).toBe(1);
  },
  RUN_TIMEOUT_MS,
);

test.concurrent(
  "a topology reply with an extra key aborts the run with 255",
  async () => {
    const run = await runBroadcast("3a-single-node-broadcast/testdata/bad-topology-reply.ts", ["--node-count", "2"]);
    expect(run.exitCode).toBe(255);
    expect(run.output.join("\n")).toMatch(/disallowed key "neighbours"/);
  },
  RUN_TIMEOUT_MS,
);
