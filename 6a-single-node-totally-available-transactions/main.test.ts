/** Challenge 6a under the simulation: the published command (shorter time limit) is valid and totally available. */
import { expect, test } from "bun:test";
import { analysisOf, checkRwRegister } from "../maelstrom-lib/harness/checkers/elle/rw-register.ts";
import { workloadResult } from "../maelstrom-lib/harness/contracts/results.ts";
import { runInTestStore } from "../maelstrom-lib/harness/testdata/test-runs.ts";

/** A simulated run takes a second or two; bunfig's timeout is not applied. */
const RUN_TIMEOUT_MS = 30_000;

test(
  "6a passes the published command",
  async () => {
    const run = await runInTestStore([
      "test",
      "-w",
      "txn-rw-register",
      "--bin",
      "6a-single-node-totally-available-transactions/main.ts",
      "--node-count",
      "1",
      "--time-limit",
      "3",
      "--rate",
      "1000",
      "--concurrency",
      "2n",
      "--consistency-models",
      "read-uncommitted",
      "--availability",
      "total",
      "--no-progress",
      "--sim",
      "--seed",
      "6",
    ]);
    const workload = analysisOf(workloadResult(run.results, checkRwRegister));
    expect(workload["anomaly-types"]).toEqual([]);
    expect(workload["txn-count"]).toBeGreaterThan(500);
    expect(run.results!["valid?"]).toBe(true);
    expect(run.exitCode).toBe(0);
  },
  RUN_TIMEOUT_MS,
);
