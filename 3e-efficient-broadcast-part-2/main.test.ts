/**
 * Challenge 3e: the aligned-beat star passes its published command (25 nodes, 100 ms latency)
 * with partitions under the simulation, and falls silent once everything is acknowledged. One
 * shorter run on real processes shows the same on the wall clock, where each process keeps its
 * own timers and beats by its own reading of the real time (the simulation gives every node
 * one virtual clock). msgs-per-op and latencies are measured by `bun run bench broadcast`.
 */
import { expect, test } from "bun:test";
import { quietBeforeFinalReadsMs } from "../maelstrom-lib/broadcast/testdata/quiet-time.ts";
import { runInTestStore } from "../maelstrom-lib/harness/testdata/test-runs.ts";

/** A simulated run of 25 nodes takes about a second; a real one its time limit plus the 10 s recovery. */
const RUN_TIMEOUT_MS = 60_000;
/** Of the 10 s recovery, at least the last 2 s carry no node-to-node message. */
const QUIET_BEFORE_FINAL_READS_MS = 2_000;
const BIN = "3e-efficient-broadcast-part-2/main.ts";
const FLAGS = [
  "-w",
  "broadcast",
  "--bin",
  BIN,
  "--node-count",
  "25",
  "--rate",
  "100",
  "--latency",
  "100",
  "--nemesis",
  "partition",
];

test(
  "3e passes at 25 nodes with 100 ms latency and partitions, then falls silent",
  async () => {
    const run = await runInTestStore(["test", ...FLAGS, "--time-limit", "20", "--sim", "--seed", "3"]);
    expect(run.results!.workload).toMatchObject({ "valid?": true, "lost-count": 0 });
    expect(run.exitCode).toBe(0);
    // Once the last values and acks are through after the heal, the nodes fall silent.
    expect(await quietBeforeFinalReadsMs(run.runDir!)).toBeGreaterThan(QUIET_BEFORE_FINAL_READS_MS);
  },
  RUN_TIMEOUT_MS,
);

test(
  "on real processes too, on the wall clock",
  async () => {
    const run = await runInTestStore(["test", ...FLAGS, "--time-limit", "6"]);
    expect(run.results!.workload).toMatchObject({ "valid?": true, "lost-count": 0 });
    expect(run.exitCode).toBe(0);
    expect(await quietBeforeFinalReadsMs(run.runDir!)).toBeGreaterThan(QUIET_BEFORE_FINAL_READS_MS);
  },
  RUN_TIMEOUT_MS,
);
