/**
 * Challenge 3b under the simulation: flooding the grid passes the published command. The same
 * node forwards each value once and never retries, so under partitions it loses values, and
 * the checker names them: the reason 3c exists.
 */
import { expect, test } from "bun:test";
import { checkSetFull } from "../maelstrom-lib/harness/checkers/set-full.ts";
import { workloadResult } from "../maelstrom-lib/harness/contracts/results.ts";
import { runInTestStore } from "../maelstrom-lib/harness/testdata/test-runs.ts";

/** A simulated run takes well under a second. */
const RUN_TIMEOUT_MS = 30_000;
/** The published flags, except for the time limit, simulated with a seed. */
const FLAGS = ["--node-count", "5", "--rate", "10", "--sim", "--seed", "7"];
const BIN = "3b-multi-node-broadcast/main.ts";

test.concurrent(
  "3b passes its published command",
  async () => {
    const run = await runInTestStore(["test", "-w", "broadcast", "--bin", BIN, ...FLAGS, "--time-limit", "20"]);
    expect(run.results!.workload).toMatchObject({ "valid?": true, "lost-count": 0 });
    // The values really travelled between nodes.
    expect(run.results!.net!.servers["msgs-per-op"]).toBeGreaterThan(0);
    expect(run.exitCode).toBe(0);
  },
  RUN_TIMEOUT_MS,
);

test.concurrent(
  "forwarding once without retries loses values under partitions, and they are listed",
  async () => {
    // A fixed seed and frequent partitions: the schedule cuts links throughout the run.
    const partitions = ["--nemesis", "partition", "--nemesis-interval", "2"];
    const run = await runInTestStore([
      "test",
      "-w",
      "broadcast",
      "--bin",
      BIN,
      ...FLAGS,
      "--time-limit",
      "8",
      ...partitions,
    ]);
    const workload = workloadResult(run.results, checkSetFull);
    expect(workload["valid?"]).toBe(false);
    expect(workload["lost-count"]).toBeGreaterThan(0);
    expect(workload.lost).toHaveLength(workload["lost-count"]);
    expect(workload.lost.every((value) => Number.isInteger(value))).toBe(true);
    expect(run.exitCode).toBe(1);
  },
  RUN_TIMEOUT_MS,
);
