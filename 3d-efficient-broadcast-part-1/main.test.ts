/**
 * Challenge 3d under the simulation: the star passes its published command (25 nodes, 100 ms
 * latency) with partitions, so its piggybacked acks and retries do their job, and it falls
 * silent once everything is acknowledged. msgs-per-op and latencies are measured by
 * `bun run bench broadcast`, not here.
 */
import { expect, test } from "bun:test";
import { quietBeforeFinalReadsMs } from "../maelstrom-lib/broadcast/testdata/quiet-time.ts";
import { runInTestStore } from "../maelstrom-lib/harness/testdata/test-runs.ts";

/** A simulated run of 25 nodes takes about a second. */
const RUN_TIMEOUT_MS = 30_000;
/** Of the 10 s recovery, at least the last 2 s carry no node-to-node message. */
const QUIET_BEFORE_FINAL_READS_MS = 2_000;

test(
  "3d passes at 25 nodes with 100 ms latency and partitions, then falls silent",
  async () => {
    const flags = [
      "--node-count",
      "25",
      "--rate",
      "100",
      "--latency",
      "100",
      "--nemesis",
      "partition",
      "--time-limit",
      "20",
    ];
    const run = await runInTestStore([
      "test",
      "-w",
      "broadcast",
      "--bin",
      "3d-efficient-broadcast-part-1/main.ts",
      ...flags,
      "--sim",
      "--seed",
      "3",
    ]);
    expect(run.results!.workload).toMatchObject({ "valid?": true, "lost-count": 0 });
    expect(run.exitCode).toBe(0);
    // Once the last values and acks are through after the heal, the nodes fall silent.
    expect(await quietBeforeFinalReadsMs(run.runDir!)).toBeGreaterThan(QUIET_BEFORE_FINAL_READS_MS);
  },
  RUN_TIMEOUT_MS,
);
