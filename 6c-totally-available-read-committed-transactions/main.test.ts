/**
 * Challenge 6c under the simulation: the published command is valid with partitions, also in
 * its copy-pasted en-dash spelling; main.ts broken on purpose (testdata/mutants.ts) fails with
 * the anomaly named.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { analysisOf, checkRwRegister } from "../maelstrom-lib/harness/checkers/elle/rw-register.ts";
import { type RunResults, workloadResult } from "../maelstrom-lib/harness/contracts/results.ts";
import type { Op } from "../maelstrom-lib/harness/contracts/types.ts";
import { runInTestStore } from "../maelstrom-lib/harness/testdata/test-runs.ts";
import { writeMutant } from "../maelstrom-lib/harness/testdata/mutant.ts";
import { INTERMEDIATE_WRITES, PHANTOM_ABORT } from "./testdata/mutants.ts";

/** A simulated run takes a second or two; bunfig's timeout is not applied. */
const RUN_TIMEOUT_MS = 30_000;

const DIR = "6c-totally-available-read-committed-transactions";
/** The published flags minus bin, availability and nemesis, simulated with a seed. */
const BASE = [
  "-w",
  "txn-rw-register",
  "--node-count",
  "2",
  "--concurrency",
  "2n",
  "--rate",
  "1000",
  "--consistency-models",
  "read-committed",
  "--no-progress",
  "--sim",
  "--seed",
  "6",
];

const txnAnalysis = (results: RunResults | undefined) => analysisOf(workloadResult(results, checkRwRegister));

async function readHistory(runDir: string): Promise<Op[]> {
  const lines = (await Bun.file(join(runDir, "history.jsonl")).text()).split("\n").filter(Boolean);
  return lines.map((line) => JSON.parse(line) as Op);
}

describe(DIR, () => {
  test(
    "passes the published command with partitions",
    async () => {
      const run = await runInTestStore([
        "test",
        ...BASE,
        "--bin",
        `${DIR}/main.ts`,
        "--time-limit",
        "5",
        "--availability",
        "total",
        "--nemesis",
        "partition",
        "--nemesis-interval",
        "1",
      ]);
      expect(txnAnalysis(run.results)["anomaly-types"]).toEqual([]);
      expect(run.results!.availability!["ok-fraction"]).toBe(1);
      expect(run.exitCode).toBe(0);
      const nemesis = (await readHistory(run.runDir!)).filter((op) => op.process === "nemesis").map((op) => op.f);
      expect(nemesis).toContain("stop-partition");
    },
    RUN_TIMEOUT_MS,
  );

  test(
    "passes the published en-dash spelling, which this runner reads as --nemesis partition",
    async () => {
      const run = await runInTestStore([
        "test",
        ...BASE,
        "--bin",
        `${DIR}/main.ts`,
        "--time-limit",
        "3",
        "--availability",
        "total",
        "\u2013-nemesis",
        "partition",
      ]);
      expect(run.exitCode).toBe(0);
      const history = await readHistory(run.runDir!);
      expect(history.some((op) => op.process === "nemesis" && op.f === "start-partition")).toBe(true);
    },
    RUN_TIMEOUT_MS,
  );

  test(
    "a node that ships intermediate writes fails read-committed with G1b, yet is read-uncommitted",
    async () => {
      const run = await runInTestStore([
        "test",
        ...BASE,
        "--bin",
        writeMutant(`${DIR}/main.ts`, INTERMEDIATE_WRITES),
        "--time-limit",
        "3",
      ]);
      const workload = txnAnalysis(run.results);
      expect(run.exitCode).toBe(1);
      expect(workload["anomaly-types"]).toContain("G1b");
      expect(workload.anomalies.G1b![0]!.explanation).toContain("intermediate value");
      const asReadUncommitted = analysisOf(
        checkRwRegister(await readHistory(run.runDir!), { consistencyModels: ["read-uncommitted"] }),
      );
      expect(asReadUncommitted["valid?"]).toBe(true);
      expect(asReadUncommitted["allowed-anomaly-types"]).toContain("G1b");
    },
    RUN_TIMEOUT_MS,
  );

  test(
    "a node that reports txn-conflict but applies the writes fails with G1a",
    async () => {
      const run = await runInTestStore([
        "test",
        ...BASE,
        "--bin",
        writeMutant(`${DIR}/main.ts`, PHANTOM_ABORT),
        "--time-limit",
        "3",
      ]);
      const workload = txnAnalysis(run.results);
      expect(run.exitCode).toBe(1);
      expect(workload["anomaly-types"]).toContain("G1a");
      expect(workload.anomalies.G1a![0]!.explanation).toContain("aborted");
      // The explanations are also in the run folder, one file per anomaly type.
      expect(await Bun.file(join(run.runDir!, "elle", "G1a.txt")).text()).toContain("which aborted");
    },
    RUN_TIMEOUT_MS,
  );
});
