/**
 * Challenge 5b under the simulation with the published command (shorter time limit), with and
 * without partitions (lin-kv is never partitioned, so every op should still succeed).
 */
import { describe, expect, test } from "bun:test";
import { runInTestStore } from "../maelstrom-lib/harness/testdata/test-runs.ts";

/** A simulated run takes a few seconds. */
const RUN_TIMEOUT_MS = 30_000;

/** The published flags, with a shorter time limit, simulated with a seed. */
const PUBLISHED = [
  "test",
  "-w",
  "kafka",
  "--bin",
  "5b-multi-node-kafka-style-log/main.ts",
  "--node-count",
  "2",
  "--concurrency",
  "2n",
  "--time-limit",
  "5",
  "--rate",
  "1000",
  "--sim",
  "--seed",
  "5",
];

describe("5b-multi-node-kafka-style-log", () => {
  test(
    "passes the published command",
    async () => {
      const run = await runInTestStore(PUBLISHED);
      expect(run.results!.workload?.["error-types"]).toEqual([]);
      expect(run.results?.["valid?"]).toBe(true);
      expect(run.exitCode).toBe(0);
    },
    RUN_TIMEOUT_MS,
  );

  test(
    "passes with --nemesis partition",
    async () => {
      const run = await runInTestStore([...PUBLISHED, "--nemesis", "partition"]);
      expect(run.results!.workload?.["error-types"]).toEqual([]);
      expect(run.exitCode).toBe(0);
    },
    RUN_TIMEOUT_MS,
  );
});
