/**
 * Checkers are pure: the files a checker makes (lin-kv's independent/<key>/, rw-register's
 * elle/<anomaly>.txt) come back to the analysis, and the store writes them into the run folder.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultFieldOptions } from "../cli/cli.ts";
import type { TestOptions } from "../contracts/options.ts";
import type { Op } from "../contracts/types.ts";
import { WORKLOADS } from "../workloads/index.ts";
import { checkHistory } from "./analysis.ts";

const MS = 1_000_000;

/** Sequential ops on n0, each invoked 100 ms after the last and taking 50 ms. */
function historyOf(steps: [process: number, f: string, invoke: unknown, completion: unknown][]): Op[] {
  return steps.flatMap(([process, f, invoke, completion], i) => [
    { index: 2 * i, time: (100 * i + 100) * MS, type: "invoke" as const, process, f, value: invoke, node: "n0" },
    { index: 2 * i + 1, time: (100 * i + 150) * MS, type: "ok" as const, process, f, value: completion, node: "n0" },
  ]);
}

function check(workloadName: string, history: Op[], consistencyModels = ["strict-serializable"]) {
  const runDir = mkdtempSync(join(tmpdir(), "analysis-files-"));
  const workload = WORKLOADS.get(workloadName)!;
  const opts: TestOptions = {
    ...defaultFieldOptions(),
    workload: workloadName,
    consistencyModels,
    bin: "/x",
    binArgs: [],
    nodeIds: ["n0"],
    concurrency: 2,
    seed: 1,
    storeDir: tmpdir(),
    progress: false,
  };
  return { results: checkHistory({ opts, workload, history, runDir }), runDir };
}

describe("the files checkers make", () => {
  test("lin-kv: each key's folder lands in the run folder, a bad key's with its picture", () => {
    const history = historyOf([
      [0, "write", [5, 2], [5, 2]],
      [1, "read", [5, null], [5, 4]],
      [0, "write", [6, 1], [6, 1]],
    ]);
    const { results, runDir } = check("lin-kv", history);
    expect(results.workload["valid?"]).toBe(false);
    expect(readdirSync(join(runDir, "independent")).sort()).toEqual(["5", "6"]);
    expect(readdirSync(join(runDir, "independent", "5")).sort()).toEqual([
      "history.jsonl",
      "linear.svg",
      "results.json",
    ]);
    expect(readFileSync(join(runDir, "independent", "5", "linear.svg"), "utf8")).toStartWith("<svg");
    expect(existsSync(join(runDir, "independent", "6", "linear.svg"))).toBe(false);
  });

  test("txn-rw-register: elle/<anomaly>.txt for each anomaly found, none for a clean history", () => {
    const g1b = historyOf([
      [
        0,
        "txn",
        [
          ["w", 0, null],
          ["w", 0, null],
        ],
        [
          ["w", 0, 1],
          ["w", 0, 2],
        ],
      ],
      [1, "txn", [["r", 0, null]], [["r", 0, 1]]],
    ]);
    const { runDir } = check("txn-rw-register", g1b, ["read-committed"]);
    expect(readFileSync(join(runDir, "elle", "G1b.txt"), "utf8")).toContain("an intermediate value that T1 overwrote");
    const written = historyOf([
      [0, "txn", [["w", 0, null]], [["w", 0, 1]]],
      [1, "txn", [["r", 0, null]], [["r", 0, 1]]],
    ]);
    const clean = check("txn-rw-register", written);
    expect(clean.results.workload["valid?"]).toBe(true);
    expect(existsSync(join(clean.runDir, "elle"))).toBe(false);
  });
});
