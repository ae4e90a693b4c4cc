/**
 * The txn-list-append workload: its generator and schema, and nodes judged end to end under
 * the simulation as Maelstrom would: a single-node store passes strict-serializable; the same node applying
 * some appends twice fails with duplicate-elements; serving read-only txns from a lagging copy
 * fails strict-serializable with a realtime anomaly yet passes serializable.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { TEST_FLAGS } from "../cli/config.ts";
import type { TestOptions } from "../contracts/options.ts";
import { Rng } from "../primitives/rng.ts";
import { schemaViolation } from "../contracts/schema.ts";
import type { OpRequest, WorkerInfo } from "../contracts/types.ts";
import { TXN } from "../../protocol/txn-list-append.ts";
import txnListAppend, { appendTxns } from "./txn-list-append.ts";
import { runInTestStore } from "../testdata/test-runs.ts";

const repo = new URL("../../..", import.meta.url).pathname;
const worker: WorkerInfo = { thread: 0, process: 0, node: "n0", phaseElapsedMs: 0 };
const RUN_TIMEOUT_MS = 30_000;
type ElleResult = {
  "valid?": boolean | "unknown";
  "anomaly-types"?: string[];
  not?: string[];
  anomalies?: Record<string, { explanation: string }[]>;
};

function runListAppend(extra: string[], ...binArgs: string[]) {
  const flags = [
    "--node-count",
    "1",
    "--concurrency",
    "2n",
    "--time-limit",
    "3",
    "--rate",
    "200",
    "--no-progress",
    "--sim",
    "--seed",
    "1",
    ...extra,
  ];
  return runInTestStore(
    [
      "test",
      "-w",
      "txn-list-append",
      "--bin",
      "maelstrom-lib/harness/testdata/list-append-single.ts",
      ...flags,
      ...binArgs,
    ],
    { cwd: repo },
  );
}

describe("txn-list-append workload", () => {
  test("txns of reads and appends; elements 1, 2, … per key, unique; lengths within the bounds", () => {
    const opts = { keyCount: 3, maxTxnLength: 4, maxWritesPerKey: 5, minTxnLength: 2 } as TestOptions;
    const source = appendTxns({ rng: new Rng(5), opts });
    const txns = Array.from(
      { length: 500 },
      () => (source.next(worker) as OpRequest).value as [string, number, unknown][],
    );
    expect(txns.every((txn) => txn.length >= 2 && txn.length <= 4)).toBe(true);
    const appended = txns.flat().filter(([f]) => f === "append");
    expect(txns.flat().every(([f, , v]) => (f === "r" && v === null) || f === "append")).toBe(true);
    expect(new Set(appended.map(([, k, v]) => `${k}:${v}`)).size).toBe(appended.length);
    expect(Math.max(...appended.map(([, , v]) => v as number))).toBe(5);
    expect(txnListAppend.reusableClient).toBe(true);
    expect(TEST_FLAGS["consistency-models"].default).toBe("strict-serializable");
  });

  test("txn_ok needs 3-element r/append mops; reads are lists or null", () => {
    expect(
      schemaViolation(
        {
          type: "txn_ok",
          in_reply_to: 1,
          txn: [
            ["r", 1, [1, 2]],
            ["append", 1, 3],
            ["r", 2, null],
          ],
        },
        TXN.reply,
      ),
    ).toBeUndefined();
    expect(schemaViolation({ type: "txn_ok", in_reply_to: 1, txn: [["r", 1, 3]] }, TXN.reply)).toBeDefined();
    expect(schemaViolation({ type: "txn_ok", in_reply_to: 1, txn: [["w", 1, 3]] }, TXN.reply)).toBeDefined();
  });

  test(
    "a single-node store passes strict-serializable",
    async () => {
      const run = await runListAppend([]);
      expect((run.results!.workload as ElleResult)["valid?"]).toBe(true);
      expect(run.exitCode).toBe(0);
    },
    RUN_TIMEOUT_MS,
  );

  test(
    "applying some appends twice fails with duplicate-elements",
    async () => {
      const run = await runListAppend([], "duplicate-appends");
      const workload = run.results!.workload as ElleResult;
      expect(workload["valid?"]).toBe(false);
      expect(workload["anomaly-types"]).toContain("duplicate-elements");
      expect(workload.not).toContain("read-uncommitted");
      expect(run.exitCode).toBe(1);
    },
    RUN_TIMEOUT_MS,
  );

  test(
    "reads from a lagging copy fail strict-serializable with a realtime cycle, explained in elle/",
    async () => {
      const run = await runListAppend([], "lagging-reads");
      const workload = run.results!.workload as ElleResult;
      expect(workload["valid?"]).toBe(false);
      const realtime = workload["anomaly-types"]!.filter((type) => type.endsWith("-realtime"));
      expect(realtime.length).toBeGreaterThan(0);
      expect(workload.anomalies![realtime[0]!]![0]!.explanation).toContain("before the invocation of");
      const elle = join(run.runDir!, "elle");
      expect(existsSync(elle)).toBe(true);
      expect(readdirSync(elle)).toContain(`${realtime[0]}.txt`);
      expect(readFileSync(join(elle, `${realtime[0]}.txt`), "utf8")).toContain("a contradiction!");
      expect(run.exitCode).toBe(1);
    },
    RUN_TIMEOUT_MS,
  );

  test(
    "the lagging copy is still serializable",
    async () => {
      const run = await runListAppend(["--consistency-models", "serializable"], "lagging-reads");
      expect((run.results!.workload as ElleResult)["valid?"]).toBe(true);
      expect(run.exitCode).toBe(0);
    },
    RUN_TIMEOUT_MS,
  );
});
