/**
 * The pn-counter workload: its op stream, and nodes judged end to end under the simulation (a
 * PN-counter CRDT passes; the same node told to drop negative deltas fails with its final
 * reads named).
 */
import { describe, expect, test } from "bun:test";
import { Rng } from "../primitives/rng.ts";
import type { OpRequest, WorkerInfo, WorkloadContext } from "../contracts/types.ts";
import pnCounter, { pnCounterOps } from "./pn-counter.ts";
import { runInTestStore } from "../testdata/test-runs.ts";

const ctx = { opts: {} as WorkloadContext["opts"], rng: new Rng(11) } satisfies WorkloadContext;
const worker: WorkerInfo = { thread: 0, process: 0, node: "n0", phaseElapsedMs: 0 };
const repo = new URL("../../..", import.meta.url).pathname;
const RUN_TIMEOUT_MS = 30_000;

function runPnCounter(...binArgs: string[]) {
  const flags = ["--node-count", "3", "--time-limit", "3", "--rate", "50", "--no-progress", "--sim", "--seed", "1"];
  return runInTestStore(
    ["test", "-w", "pn-counter", "--bin", "maelstrom-lib/harness/testdata/pn-counter-crdt.ts", ...flags, ...binArgs],
    { cwd: repo },
  );
}

describe("pn-counter workload", () => {
  test("adds with deltas −5 … 4 and reads, half and half", () => {
    const source = pnCounterOps(ctx);
    const ops = Array.from({ length: 4000 }, () => source.next(worker) as OpRequest);
    const adds = ops.filter((op) => op.f === "add");
    expect(adds.length / 4000).toBeGreaterThan(0.45);
    expect(adds.length / 4000).toBeLessThan(0.55);
    expect(new Set(adds.map((op) => op.value))).toEqual(new Set([-5, -4, -3, -2, -1, 0, 1, 2, 3, 4]));
    expect(pnCounter.classifyErrors).toBe(false);
    expect(pnCounter.finalGenerator).toBeDefined();
  });

  test(
    "a PN-counter CRDT passes",
    async () => {
      const run = await runPnCounter();
      const workload = run.results!.workload as { "valid?": boolean; "final-reads": number[] };
      expect(workload["valid?"]).toBe(true);
      expect(workload["final-reads"]).toHaveLength(3);
      expect(run.exitCode).toBe(0);
    },
    RUN_TIMEOUT_MS,
  );

  test(
    "a node that drops negative deltas fails, each bad final read named",
    async () => {
      const run = await runPnCounter("drop-decrements");
      const workload = run.results!.workload as {
        "valid?": boolean;
        errors: { value: number }[];
        explanations: string[];
      };
      expect(workload["valid?"]).toBe(false);
      expect(workload.errors.length).toBeGreaterThan(0);
      expect(workload.explanations[0]).toMatch(
        /^final read of -?\d+ by process \d+ on n[0-2] \(op \d+\) is not a possible total/,
      );
      expect(run.exitCode).toBe(1);
    },
    RUN_TIMEOUT_MS,
  );
});
