/**
 * Challenge 3c under the simulation: with retries until acknowledged, nothing is lost under
 * the published command's partitions. 3b's test shows the same flood without retries losing
 * values under the same nemesis; recovery.test.ts takes a kill apart.
 */
import { expect, test } from "bun:test";
import { join } from "node:path";
import type { Op } from "../maelstrom-lib/harness/contracts/types.ts";
import { runInTestStore } from "../maelstrom-lib/harness/testdata/test-runs.ts";

/** A simulated run takes well under a second. */
const RUN_TIMEOUT_MS = 30_000;
const BIN = "3c-fault-tolerant-broadcast/main.ts";
/** The published flags, simulated with a seed. */
const FLAGS = ["-w", "broadcast", "--node-count", "5", "--rate", "10", "--time-limit", "20", "--sim", "--seed", "7"];

async function readHistory(runDir: string): Promise<Op[]> {
  const lines = (await Bun.file(join(runDir, "history.jsonl")).text()).split("\n").filter(Boolean);
  return lines.map((line) => JSON.parse(line) as Op);
}

test(
  "3c passes its published command with partitions",
  async () => {
    const run = await runInTestStore([
      "test",
      ...FLAGS,
      "--bin",
      BIN,
      "--nemesis",
      "partition",
      "--nemesis-interval",
      "2",
    ]);
    expect(run.results!.workload).toMatchObject({ "valid?": true, "lost-count": 0 });
    expect(run.exitCode).toBe(0);
    // The network really was partitioned while values were being broadcast.
    const history = await readHistory(run.runDir!);
    expect(history.filter((op) => op.process === "nemesis" && op.f === "start-partition").length).toBeGreaterThan(1);
  },
  RUN_TIMEOUT_MS,
);
