import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCommand } from "../cli/cli.ts";
import { repo } from "../testdata/test-runs.ts";
import { r, txnHistory, w } from "../checkers/testdata/txn-histories.ts";
import type { Op, Workload } from "../contracts/types.ts";
import { saveBeforeAnalysis } from "../store/store.ts";
import { WORKLOADS } from "../workloads/index.ts";
import { checkHistory } from "./analysis.ts";
import { checkSavedHistory } from "./checking.ts";

function options(runDir: string, ...flags: string[]) {
  const argv = ["test", ...flags, "--bin", "01-echo/main.ts", "--node-count", "1", "--store", runDir];
  const command = parseCommand(argv, repo);
  if (command.kind !== "test") throw new Error("expected a test command");
  return command.opts;
}

/** The checks of a history saved in a fresh folder: in the worker, and on this thread. */
async function bothWays(workloadName: string, history: Op[], ...flags: string[]) {
  const runDir = mkdtempSync(join(tmpdir(), "checking-"));
  const opts = options(runDir, "-w", workloadName, ...flags);
  const workload = WORKLOADS.get(workloadName)!;
  await saveBeforeAnalysis(runDir, opts, history);
  const inWorker = await checkSavedHistory({ opts, workload, history, runDir }).result;
  return { inWorker, inThread: checkHistory({ opts, workload, history, runDir }) };
}

describe("checking a saved history", () => {
  test("in a worker, a txn anomaly is found as on the main thread", async () => {
    // G1b: T2 reads T1's intermediate write of x, which read-committed forbids.
    const history = txnHistory([{ mops: [w("x", 1), w("x", 2)] }, { mops: [r("x", 1)] }]);
    const { inWorker, inThread } = await bothWays("txn-rw-register", history, "--consistency-models", "read-committed");
    expect(inWorker.workload["anomaly-types"]).toContain("G1b");
    expect(inWorker).toEqual(inThread);
  });

  test("a checker's files that cannot be written reject the checks with the store's one line", async () => {
    const runDir = mkdtempSync(join(tmpdir(), "checking-"));
    const opts = options(runDir, "-w", "txn-rw-register", "--consistency-models", "read-committed");
    const history = txnHistory([{ mops: [w("x", 1), w("x", 2)] }, { mops: [r("x", 1)] }]);
    await saveBeforeAnalysis(runDir, opts, history);
    writeFileSync(join(runDir, "elle"), "a file where Elle's folder goes");
    const checks = checkSavedHistory({ opts, workload: WORKLOADS.get("txn-rw-register")!, history, runDir });
    await expect(checks.result).rejects.toThrow(`cannot create ${join(runDir, "elle")}:`);
  });

  test("integers past 2^53 come back from the worker exactly", async () => {
    const reply = { echo: "something else", id: JSON.rawJSON("12345678901234567891") };
    const history: Op[] = [
      { index: 0, time: 0, type: "invoke", process: 0, f: "echo", value: "Please echo 1" },
      { index: 1, time: 5, type: "ok", process: 0, f: "echo", value: reply },
    ];
    const { inWorker, inThread } = await bothWays("echo", history);
    expect(inWorker.workload["valid?"]).toBe(false);
    expect(JSON.stringify(inWorker.workload)).toContain('"id":12345678901234567891');
    expect(JSON.stringify(inWorker)).toBe(JSON.stringify(inThread));
  });

  test("a workload that is not the registered one of its name is checked here, with its own checker", async () => {
    const runDir = mkdtempSync(join(tmpdir(), "checking-"));
    const opts = options(runDir, "-w", "echo");
    const check = () => ({ "valid?": true, checker: "the variant's" });
    const variant: Workload = { ...WORKLOADS.get("echo")!, check };
    const checks = await checkSavedHistory({ opts, workload: variant, history: [], runDir }).result;
    expect(checks.workload).toEqual({ "valid?": true, checker: "the variant's" });
  });
});
