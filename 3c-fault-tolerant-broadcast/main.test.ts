/**
 * Challenge 3c under the runner: with retries until acknowledged, nothing is lost under the
 * published command's partitions (shorter time limit). 3b's test shows the same flood without
 * retries losing values under the same nemesis.
 */
import { expect, test } from "bun:test";
import { join } from "node:path";
import type { Op } from "../maelstrom-lib/harness/contracts/types.ts";
import { runInTestStore } from "../maelstrom-lib/harness/testdata/test-runs.ts";

/** A run takes its time limit plus the 10 s recovery plus start-up. */
const RUN_TIMEOUT_MS = 60_000;

test("3c passes its published command with partitions", async () => {
  const flags = ["--node-count", "5", "--rate", "10", "--nemesis", "partition", "--nemesis-interval", "2", "--seed", "7"];
  const run = await runInTestStore(["test", "-w", "broadcast", "--bin", "3c-fault-tolerant-broadcast/main.ts", ...flags, "--time-limit", "8"]);
  expect(run.results!.workload).toMatchObject({ "valid?": true, "lost-count": 0 });
  expect(run.exitCode).toBe(0);
  // The network really was partitioned while values were being broadcast.
  const history = (await Bun.file(join(run.runDir!, "history.jsonl")).text())
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Op);
  expect(history.filter((op) => op.process === "nemesis" && op.f === "start-partition").length).toBeGreaterThan(1);
}, RUN_TIMEOUT_MS);
