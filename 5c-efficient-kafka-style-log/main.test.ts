/**
 * Challenge 5c under the simulation with the published command (shorter time limit), with and
 * without partitions: sends and polls are answered from memory (a send waits only for the
 * peers' snapshots at start), so no op may fail either way.
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
  "5c-efficient-kafka-style-log/main.ts",
  "--node-count",
  "2",
  "--concurrency",
  "2n",
  "--time-limit",
  "10",
  "--rate",
  "1000",
  "--sim",
  "--seed",
  "5",
];

/** Ops that failed or are indeterminate, of every f but the workload's own `crash`. */
function failedOrCrashed(run: Awaited<ReturnType<typeof runInTestStore>>): number {
  const byF = run.results!.stats!["by-f"];
  return Object.entries(byF)
    .filter(([f]) => f !== "crash")
    .reduce((sum, [, counts]) => sum + counts["fail-count"] + counts["info-count"], 0);
}

describe("5c-efficient-kafka-style-log", () => {
  test(
    "passes the published command, every op ok",
    async () => {
      const run = await runInTestStore(PUBLISHED);
      expect(run.results!.workload?.["error-types"]).toEqual([]);
      expect(run.exitCode).toBe(0);
      expect(failedOrCrashed(run)).toBe(0);
    },
    RUN_TIMEOUT_MS,
  );

  test(
    "passes with --nemesis partition, every op ok",
    async () => {
      const run = await runInTestStore([...PUBLISHED, "--nemesis", "partition"]);
      expect(run.results!.workload?.["error-types"]).toEqual([]);
      expect(run.exitCode).toBe(0);
      expect(failedOrCrashed(run)).toBe(0);
    },
    RUN_TIMEOUT_MS,
  );
});
