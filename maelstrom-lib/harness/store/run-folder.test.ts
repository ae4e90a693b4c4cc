/**
 * A run folder read once, typed: what the runner writes is read back as it was written; a file
 * that is not what the runner writes is one line naming the file and the place, never a crash
 * deeper in the report.
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunResults } from "../contracts/results.ts";
import { forEachOp, readHistoryExact, readRunFolder, RunFolderError } from "./run-folder.ts";

const RESULTS: RunResults = {
  stats: { count: 2, "ok-count": 1, "fail-count": 0, "info-count": 1, "valid?": true, "by-f": {} },
  net: {
    all: { "send-count": 4, "recv-count": 4, "msg-count": 4 },
    clients: { "send-count": 2, "recv-count": 2, "msg-count": 2 },
    servers: { "send-count": 2, "recv-count": 2, "msg-count": 2 },
    "valid?": true,
  },
  workload: { "valid?": false, lost: [1] },
  errors: { crashes: [{ node: "n1", exitCode: 3, signal: null, stdoutTail: [], stderrTail: ["bye"] }] },
  "valid?": false,
};
const OPTIONS = {
  workload: "g-set",
  bin: "/x/main.ts",
  binArgs: [],
  nodeIds: ["n0", "n1"],
  seed: 7,
  nemesis: ["kill"],
};
const OPS = [
  { index: 0, time: 0, type: "invoke", process: 0, f: "add", value: 1 },
  { index: 1, time: 5, type: "ok", process: 0, f: "add", value: 1, node: "n0" },
];

async function folderWith(files: Record<string, string>): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "run-folder-"));
  for (const [name, text] of Object.entries(files)) await Bun.write(join(dir, name), text);
  return dir;
}

const lines = (values: unknown[]) => values.map((value) => JSON.stringify(value)).join("\n") + "\n";

/** The message readRunFolder throws for this folder. */
function problemOf(dir: string): string {
  try {
    readRunFolder(dir);
  } catch (error) {
    if (error instanceof RunFolderError) return error.message;
    throw error;
  }
  throw new Error("no problem found");
}

describe("reading a run folder", () => {
  test("reads back what the runner writes; a run stopped before its analysis has no results", async () => {
    const dir = await folderWith({ "results.json": JSON.stringify(RESULTS), "test.json": JSON.stringify(OPTIONS) });
    expect(readRunFolder(dir)).toEqual({ dir, results: RESULTS, options: OPTIONS });
    const early = await folderWith({ "test.json": JSON.stringify(OPTIONS) });
    expect(readRunFolder(early).results).toBeUndefined();
  });

  test("a results.json or test.json of another shape: one line naming the file and the place", async () => {
    const results = (value: unknown) => ({ "results.json": JSON.stringify(value) });
    const options = (value: unknown) => ({ "test.json": JSON.stringify(value) });
    const cases: [Record<string, string>, string][] = [
      [{ "results.json": "{ not json" }, "results.json is not JSON: "],
      [results({ ...RESULTS, "valid?": "maybe" }), 'results.json: valid? is "maybe", not true, false or "unknown"'],
      [
        results({ ...RESULTS, errors: { crashes: [{ node: "n1" }] } }),
        "results.json: errors.crashes[0] has no exitCode",
      ],
      [results({ ...RESULTS, errors: [] }), "results.json: errors is [], not an object"],
      [results({ ...RESULTS, workload: { lost: [] } }), "results.json: workload has no valid?"],
      [options({ ...OPTIONS, nodeIds: "n0" }), 'test.json: nodeIds is "n0", not a list'],
      [options({ ...OPTIONS, rate: "fast" }), 'test.json: rate is "fast", not a number'],
      [options({ bin: "/x" }), "test.json: the file has no workload"],
    ];
    for (const [files, message] of cases) {
      const dir = await folderWith(files);
      const problem = problemOf(dir);
      expect(problem).toStartWith(join(dir, message));
      expect(problem.split("\n")).toHaveLength(1);
    }
  });

  test(
    "history.jsonl: streamed, a torn or foreign line counted and skipped; read whole, it is an error naming its " +
      "line",
    async () => {
      const dir = await folderWith({
        "history.jsonl": lines(OPS) + '{"index": 2, "time": 9, "type": "ok"\n{"index": 3, "f": "add"}\n',
      });
      const seen: number[] = [];
      expect(await forEachOp(dir, (op) => seen.push(op.index))).toEqual({ badLineCount: 2 });
      expect(seen).toEqual([0, 1]);
      await expect(readHistoryExact(dir)).rejects.toThrow(
        `${join(dir, "history.jsonl")} line 3 is not a history op: {"index": 2`,
      );
      const good = await folderWith({
        "history.jsonl":
          lines(OPS) + '{"index":2,"time":9,"type":"invoke","process":1,"f":"add","value":12345678901234567890}\n',
      });
      const history = await readHistoryExact(good);
      expect(history.slice(0, 2)).toEqual(OPS as typeof history);
      expect(JSON.stringify(history[2]!.value)).toBe("12345678901234567890"); // exact, as the checkers need
    },
  );
});
