import { describe, expect, test } from "bun:test";
import type { Op, OpType } from "../contracts/types.ts";
import { acceptableRanges, checkCounter, mergeRanges } from "./counter.ts";

/** Builds a history from short op descriptions, numbering indexes and times. */
function history(ops: Array<{ type: OpType; f: string; value: unknown; process?: number; final?: boolean }>): Op[] {
  return ops.map((op, index) => ({ index, time: index * 1000, process: op.process ?? 0, ...op }));
}

/** An add's invocation and completion on one process. */
function add(delta: number, type: "ok" | "info" | "fail", process = 0) {
  return [
    { type: "invoke" as const, f: "add", value: delta, process },
    { type, f: "add", value: delta, process },
  ];
}

/** A final read's invocation and completion. */
function finalRead(value: unknown, process = 0, type: "ok" | "info" = "ok") {
  return [
    { type: "invoke" as const, f: "read", value: null, process, final: true },
    { type, f: "read", value: type === "ok" ? value : null, process, final: true },
  ];
}

describe("counter checker", () => {
  test("an empty history is valid with acceptable [[0,0]]", () => {
    expect(checkCounter([])).toEqual({ "valid?": true, errors: null, "final-reads": [], acceptable: [[0, 0]] });
  });

  test("final reads equal to the sum of ok adds pass", () => {
    const result = checkCounter(
      history([...add(2, "ok", 0), ...add(3, "ok", 1), ...finalRead(5, 0), ...finalRead(5, 1)]),
    );
    expect(result["valid?"]).toBe(true);
    expect(result.acceptable).toEqual([[5, 5]]);
    expect(result["final-reads"]).toEqual([5, 5]);
  });

  test("a final read outside the range fails and is named in errors", () => {
    const ops = history([...add(2, "ok"), ...add(3, "ok"), ...finalRead(5, 0), ...finalRead(4, 1)]);
    const result = checkCounter(ops);
    expect(result["valid?"]).toBe(false);
    expect(result.acceptable).toEqual([[5, 5]]);
    expect(result.errors).toEqual([ops[7]!]);
    expect(result.errors![0]!.value).toBe(4);
  });

  test("an info add may or may not count", () => {
    const withInfo = [
      ...add(10, "ok", 0),
      { type: "invoke" as const, f: "add", value: 3, process: 1 },
      { type: "info" as const, f: "add", value: 3, process: 1 },
    ];
    const without = checkCounter(history([...withInfo, ...finalRead(10, 0)]));
    const withIt = checkCounter(history([...withInfo, ...finalRead(13, 0)]));
    const neither = checkCounter(history([...withInfo, ...finalRead(12, 0)]));
    expect(without["valid?"]).toBe(true);
    expect(withIt["valid?"]).toBe(true);
    expect(without.acceptable).toEqual([
      [10, 10],
      [13, 13],
    ]);
    expect(neither["valid?"]).toBe(false);
    expect(neither.errors!.map((op) => op.value)).toEqual([12]);
  });

  test("an info completion without a value takes its delta from the invocation", () => {
    const ops = history([
      { type: "invoke", f: "add", value: 4, process: 0 },
      { type: "info", f: "add", value: null, process: 0 },
      ...finalRead(4, 3),
    ]);
    expect(checkCounter(ops).acceptable).toEqual([
      [0, 0],
      [4, 4],
    ]);
  });

  test("Maelstrom's own indefinite example: ranges [8,10] and [13,15]", () => {
    const ops = history([
      ...add(10, "ok", 0),
      ...add(5, "info", 1),
      ...add(-1, "info", 2),
      ...add(-1, "info", 3),
      ...finalRead(11, 4),
      ...finalRead(15, 5),
    ]);
    const result = checkCounter(ops);
    expect(result.acceptable).toEqual([
      [8, 10],
      [13, 15],
    ]);
    expect(result["final-reads"]).toEqual([11, 15]);
    expect(result.errors!.map((op) => op.value)).toEqual([11]);
  });

  test("fail adds never count", () => {
    const result = checkCounter(history([...add(2, "ok"), ...add(7, "fail"), ...finalRead(9, 1)]));
    expect(result.acceptable).toEqual([[2, 2]]);
    expect(result["valid?"]).toBe(false);
  });

  test("non-final reads and failed final reads are not checked", () => {
    const ops = history([
      ...add(2, "ok"),
      { type: "invoke", f: "read", value: null, process: 1 },
      { type: "ok", f: "read", value: 0, process: 1 },
      ...finalRead(null, 2, "info"),
      ...finalRead(2, 3),
    ]);
    const result = checkCounter(ops);
    expect(result["valid?"]).toBe(true);
    expect(result["final-reads"]).toEqual([2]);
  });

  test("a non-integer final read is an error", () => {
    const result = checkCounter(history([...add(2, "ok"), ...finalRead("2", 1)]));
    expect(result["valid?"]).toBe(false);
  });
});

describe("acceptable ranges", () => {
  test("zero deltas change nothing", () => {
    expect(acceptableRanges(3, [0, 0, 0])).toEqual([[3, 3]]);
  });

  test("small deltas fill a contiguous range", () => {
    expect(acceptableRanges(0, [1, 1, 2])).toEqual([[0, 4]]);
  });

  test("touching ranges merge, gapped ones stay apart", () => {
    expect(
      mergeRanges([
        [4, 5],
        [1, 3],
        [7, 7],
      ]),
    ).toEqual([
      [1, 5],
      [7, 7],
    ]);
  });

  test("hundreds of info adds stay a short list", () => {
    const deltas = Array.from({ length: 500 }, (_, i) => i % 5);
    const ranges = acceptableRanges(100, deltas);
    expect(ranges).toEqual([[100, 100 + deltas.reduce((a, b) => a + b, 0)]]);
  });
});
