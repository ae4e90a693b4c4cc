/**
 * Challenge 4 under the simulation: the solution passes the published command with
 * partitions, and a counter that only counts its own node's adds is rejected.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { checkCounter } from "../maelstrom-lib/harness/checkers/counter.ts";
import { workloadResult } from "../maelstrom-lib/harness/contracts/results.ts";
import type { Op } from "../maelstrom-lib/harness/contracts/types.ts";
import { runInTestStore } from "../maelstrom-lib/harness/testdata/test-runs.ts";

/** A simulated run takes about a second; bunfig's timeout is not applied. */
const RUN_TIMEOUT_MS = 30_000;
/** The published flags, except for the time limit, simulated with a seed. */
const FLAGS = ["--node-count", "3", "--rate", "100", "--nemesis", "partition", "--sim", "--seed", "4"];

/** Runs g-counter with `bin` for `timeLimitSec` seconds (plus the 10 s recovery), simulated. */
function runCounter(bin: string, timeLimitSec: number) {
  return runInTestStore(["test", "-w", "g-counter", "--bin", bin, ...FLAGS, "--time-limit", String(timeLimitSec)]);
}

async function readHistory(runDir: string): Promise<Op[]> {
  const text = await Bun.file(join(runDir, "history.jsonl")).text();
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Op);
}

describe("4-grow-only-counter", () => {
  test(
    "the CAS counter with fresh reads passes with partitions",
    async () => {
      const run = await runCounter("4-grow-only-counter/main.ts", 20);
      const workload = workloadResult(run.results, checkCounter);
      expect(workload["valid?"]).toBe(true);
      expect(run.results!["valid?"]).toBe(true);
      expect(run.exitCode).toBe(0);
      // One final read per node, all the same total, and the network really was partitioned.
      expect(workload["final-reads"]).toHaveLength(3);
      expect(new Set(workload["final-reads"]).size).toBe(1);
      const history = await readHistory(run.runDir!);
      expect(history.some((op) => op.process === "nemesis" && op.f === "start-partition")).toBe(true);
      expect(history.filter((op) => op.f === "add" && op.type === "ok").length).toBeGreaterThan(50);
    },
    RUN_TIMEOUT_MS,
  );

  test(
    "a counter that keeps only a local count fails with its final reads named",
    async () => {
      const run = await runCounter("4-grow-only-counter/testdata/local-count.ts", 5);
      const workload = workloadResult(run.results, checkCounter);
      expect(run.exitCode).toBe(1);
      expect(workload["valid?"]).toBe(false);
      expect(workload.errors!.length).toBeGreaterThan(0);
      for (const error of workload.errors!) {
        expect(error).toMatchObject({ type: "ok", f: "read", final: true });
        const lo = workload.acceptable[0]?.[0];
        expect(error.value).toBeLessThan(lo!);
      }
    },
    RUN_TIMEOUT_MS,
  );
});
