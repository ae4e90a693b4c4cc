/**
 * Challenge 3d under the runner: the star passes at the published size (25 nodes, 100 ms
 * latency, shorter time limit), with partitions, so its piggybacked acks and retries do
 * their job. msgs-per-op and latencies are measured by `bun run bench broadcast`, not here.
 */
import { expect, test } from "bun:test";
import { runMaelstrom } from "../maelstrom-lib/harness/index.ts";

/** A run takes its time limit plus the 10 s recovery plus start-up. */
const RUN_TIMEOUT_MS = 60_000;

test("3d passes at 25 nodes with 100 ms latency and partitions", async () => {
  const flags = ["--node-count", "25", "--rate", "100", "--latency", "100", "--nemesis", "partition", "--time-limit", "6"];
  const run = await runMaelstrom(["test", "-w", "broadcast", "--bin", "3d-efficient-broadcast-part-1/main.ts", ...flags]);
  expect(run.results!.workload).toMatchObject({ "valid?": true, "lost-count": 0 });
  expect(run.exitCode).toBe(0);
}, RUN_TIMEOUT_MS);
