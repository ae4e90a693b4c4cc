/**
 * Challenge 5a under the simulation with the published command (shorter time limit), and
 * three deliberately broken logs that must fail with the anomaly they plant.
 */
import { describe, expect, test } from "bun:test";
import { checkKafka } from "../maelstrom-lib/harness/checkers/kafka/index.ts";
import { workloadResult } from "../maelstrom-lib/harness/contracts/results.ts";
import { runInTestStore } from "../maelstrom-lib/harness/testdata/test-runs.ts";

/** A simulated run takes a second or two. */
const RUN_TIMEOUT_MS = 30_000;

/** The published 5a flags, with a shorter time limit, simulated with a seed. */
function kafkaRun(bin: string) {
  return runInTestStore([
    "test",
    "-w",
    "kafka",
    "--bin",
    bin,
    "--node-count",
    "1",
    "--concurrency",
    "2n",
    "--time-limit",
    "5",
    "--rate",
    "1000",
    "--sim",
    "--seed",
    "5",
  ]);
}

function workloadOf(run: Awaited<ReturnType<typeof runInTestStore>>) {
  return workloadResult(run.results, checkKafka);
}

describe("5a-single-node-kafka-style-log", () => {
  test(
    "passes the published command",
    async () => {
      const run = await kafkaRun("5a-single-node-kafka-style-log/main.ts");
      expect(workloadOf(run)["error-types"]).toEqual([]);
      expect(run.results?.["valid?"]).toBe(true);
      expect(run.exitCode).toBe(0);
    },
    RUN_TIMEOUT_MS,
  );

  test(
    "a log that acknowledges sends it never stores is caught (lost-write, unseen)",
    async () => {
      const run = await kafkaRun("5a-single-node-kafka-style-log/testdata/lost-send.ts");
      expect(workloadOf(run)["error-types"]).toContain("lost-write");
      expect(workloadOf(run)["error-types"]).toContain("unseen");
      expect(run.exitCode).toBe(1);
    },
    RUN_TIMEOUT_MS,
  );

  test(
    "a log that reuses an offset is caught (inconsistent-offsets)",
    async () => {
      const run = await kafkaRun("5a-single-node-kafka-style-log/testdata/reuse-offset.ts");
      expect(workloadOf(run)["error-types"]).toContain("inconsistent-offsets");
      expect(run.exitCode).toBe(1);
    },
    RUN_TIMEOUT_MS,
  );

  test(
    "a log whose poll skips an offset is caught (poll-skip)",
    async () => {
      const run = await kafkaRun("5a-single-node-kafka-style-log/testdata/poll-skip.ts");
      expect(workloadOf(run)["error-types"]).toContain("poll-skip");
      expect(run.exitCode).toBe(1);
    },
    RUN_TIMEOUT_MS,
  );
});
