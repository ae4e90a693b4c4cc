/**
 * Challenge 5b under the runner with the published command (shorter time limit), with and
 * without partitions (lin-kv is never partitioned, so every op should still succeed).
 */
import { describe, expect, test } from "bun:test";
import { runInTestStore } from "../maelstrom-lib/harness/testdata/test-runs.ts";

/** A run is time limit + 10 s recovery + up to 10 s of final drain, with slack for a busy machine. */
const RUN_TIMEOUT_MS = 60_000;

const PUBLISHED = ["test", "-w", "kafka", "--bin", "5b-multi-node-kafka-style-log/main.ts", "--node-count", "2", "--concurrency", "2n", "--time-limit", "4", "--rate", "1000"];

describe("5b-multi-node-kafka-style-log", () => {
  test.concurrent("passes the published command", async () => {
    const run = await runInTestStore(PUBLISHED);
    expect(run.results!.workload?.["error-types"]).toEqual([]);
    expect(run.results?.["valid?"]).toBe(true);
    expect(run.exitCode).toBe(0);
  }, RUN_TIMEOUT_MS);

  test.concurrent("passes with --nemesis partition", async () => {
    const run = await runInTestStore([...PUBLISHED, "--nemesis", "partition"]);
    expect(run.results!.workload?.["error-types"]).toEqual([]);
    expect(run.exitCode).toBe(0);
  }, RUN_TIMEOUT_MS);
});
