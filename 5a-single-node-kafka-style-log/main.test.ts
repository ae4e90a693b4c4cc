/**
 * Challenge 5a under the runner with the published command (shorter time limit), and three
 * deliberately broken logs that must fail with the anomaly they plant. The runs are
 * independent and mostly wait (recovery sleep), so they run concurrently.
 */
import { describe, expect, test } from "bun:test";
import { checkKafka } from "../maelstrom-lib/harness/checkers/kafka/index.ts";
import { workloadResult } from "../maelstrom-lib/harness/contracts/results.ts";
import { runInTestStore } from "../maelstrom-lib/harness/testdata/test-runs.ts";

/** A run is time limit + 10 s recovery + up to 10 s of final drain, with slack for a busy machine. */
const RUN_TIMEOUT_MS = 60_000;

/** The published 5a flags, with a short time limit. */
function kafkaRun(bin: string) {
  return runInTestStore(["test", "-w", "kafka", "--bin", bin, "--node-count", "1", "--concurrency", "2n", "--time-limit", "3", "--rate", "1000"]);
}

function workloadOf(run: Awaited<ReturnType<typeof runInTestStore>>) {
  return workloadResult(run.results, checkKafka);
}

describe("5a-single-node-kafka-style-log", () => {
  test.concurrent("passes the published command", async () => {
    const run = await kafkaRun("5a-single-node-kafka-style-log/main.ts");
    expect(workloadOf(run)["error-types"]).toEqual([]);
    expect(run.results?.["valid?"]).toBe(true);
    expect(run.exitCode).toBe(0);
  }, RUN_TIMEOUT_MS);

  test.concurrent("a log that acknowledges sends it never stores is caught (lost-write, unseen)", async () => {
    const run = await kafkaRun("5a-single-node-kafka-style-log/testdata/lost-send.ts");
    expect(workloadOf(run)["error-types"]).toContain("lost-write");
    expect(workloadOf(run)["error-types"]).toContain("unseen");
    expect(run.exitCode).toBe(1);
  }, RUN_TIMEOUT_MS);

  test.concurrent("a log that reuses an offset is caught (inconsistent-offsets)", async () => {
    const run = await kafkaRun("5a-single-node-kafka-style-log/testdata/reuse-offset.ts");
    expect(workloadOf(run)["error-types"]).toContain("inconsistent-offsets");
    expect(run.exitCode).toBe(1);
  }, RUN_TIMEOUT_MS);

  test.concurrent("a log whose poll skips an offset is caught (poll-skip)", async () => {
    const run = await kafkaRun("5a-single-node-kafka-style-log/testdata/poll-skip.ts");
    expect(workloadOf(run)["error-types"]).toContain("poll-skip");
    expect(run.exitCode).toBe(1);
  }, RUN_TIMEOUT_MS);
});
