/**
 * Challenge 6b under the simulation: both published commands (shorter time limits; partitions
 * come and go faster so a short run sees them heal) are valid, with every request answered.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { analysisOf, checkRwRegister } from "../maelstrom-lib/harness/checkers/elle/rw-register.ts";
import { workloadResult } from "../maelstrom-lib/harness/contracts/results.ts";
import type { Op } from "../maelstrom-lib/harness/contracts/types.ts";
import { runInTestStore } from "../maelstrom-lib/harness/testdata/test-runs.ts";

/** A simulated run takes a second or two; bunfig's timeout is not applied. */
const RUN_TIMEOUT_MS = 30_000;

const PUBLISHED = [
  "-w",
  "txn-rw-register",
  "--bin",
  "6b-totally-available-read-uncommitted-transactions/main.ts",
  "--node-count",
  "2",
  "--concurrency",
  "2n",
  "--rate",
  "1000",
  "--consistency-models",
  "read-uncommitted",
  "--no-progress",
  "--sim",
  "--seed",
  "6",
];

async function nemesisOps(runDir: string): Promise<string[]> {
  const lines = (await Bun.file(join(runDir, "history.jsonl")).text()).split("\n").filter(Boolean);
  return lines
    .map((line) => JSON.parse(line) as Op)
    .filter((op) => op.process === "nemesis")
    .map((op) => op.f);
}

describe("6b-totally-available-read-uncommitted-transactions", () => {
  test(
    "passes the published command",
    async () => {
      const run = await runInTestStore(["test", ...PUBLISHED, "--time-limit", "3"]);
      expect(run.results!.workload).toMatchObject({ "anomaly-types": [] });
      expect(run.results!["valid?"]).toBe(true);
      expect(run.exitCode).toBe(0);
    },
    RUN_TIMEOUT_MS,
  );

  test(
    "passes with --availability total --nemesis partition",
    async () => {
      const run = await runInTestStore([
        "test",
        ...PUBLISHED,
        "--time-limit",
        "5",
        "--availability",
        "total",
        "--nemesis",
        "partition",
        "--nemesis-interval",
        "1",
      ]);
      expect(run.results!.workload).toMatchObject({ "anomaly-types": [] });
      expect(run.results!.availability!["ok-fraction"]).toBe(1);
      expect(run.results!["valid?"]).toBe(true);
      expect(run.exitCode).toBe(0);
      const nemesis = await nemesisOps(run.runDir!);
      expect(nemesis).toContain("start-partition");
      expect(nemesis).toContain("stop-partition");
    },
    RUN_TIMEOUT_MS,
  );

  test(
    "a node whose txns interleave on one store passes as Maelstrom judges it, its G0 beyond Maelstrom; --strict " +
      "fails it (issue #56)",
    async () => {
      // Few keys and long txns, as in the issue, so txns overwrite each other's uncommitted values.
      const run = await runInTestStore([
        "test",
        "-w",
        "txn-rw-register",
        "--bin",
        "6b-totally-available-read-uncommitted-transactions/testdata/interleaved.ts",
        "--node-count",
        "1",
        "--concurrency",
        "2n",
        "--rate",
        "1000",
        "--time-limit",
        "3",
        "--consistency-models",
        "read-uncommitted",
        "--key-count",
        "2",
        "--max-txn-length",
        "8",
        "--max-writes-per-key",
        "1000",
        "--no-progress",
        "--strict",
        "--sim",
        "--seed",
        "6",
      ]);
      // Maelstrom's Elle names each overwrite by the read before it (wr), so it sees G1c and G1b, both allowed.
      const workload = analysisOf(workloadResult(run.results, checkRwRegister));
      expect(workload["valid?"]).toBe(true);
      expect(workload["anomaly-types"]).toEqual([]);
      const beyond = run.results!["beyond-maelstrom"]!;
      expect(beyond["valid?"]).toBe(false);
      const g0 = beyond.findings.find((finding) => finding.check.startsWith("rw-register G0"))!;
      expect(g0.description).toContain("Maelstrom issue #56");
      const { cases } = g0.details as { cases: { steps: { type: string }[] }[] };
      expect(cases[0]!.steps.every((step) => step.type === "ww")).toBe(true);
      expect(run.exitCode).toBe(1);
    },
    RUN_TIMEOUT_MS,
  );
});
