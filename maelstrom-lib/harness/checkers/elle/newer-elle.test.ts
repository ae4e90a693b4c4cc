/**
 * What Elle 0.2.7 would add to the verdict of Elle 0.1.6 (Maelstrom 0.2.3's), both checkers,
 * both ways: the finding is listed beyond Maelstrom and counts only under --strict, and a
 * history without the difference has none.
 */
import { describe, expect, test } from "bun:test";
import type { CheckResult } from "../../contracts/types.ts";
import { separateBeyondMaelstrom } from "../beyond-maelstrom.ts";
import { analysisOf, checkRwRegister } from "./rw-register.ts";
import { r, type TestTxn, txnHistory, w } from "../testdata/txn-histories.ts";
import { checkListAppend } from "./list-append.ts";
import { newerCycleName } from "./newer-elle.ts";
import type { Mop } from "./txns.ts";

const rw = (txns: TestTxn[], model: string) =>
  analysisOf(checkRwRegister(txnHistory(txns), { consistencyModels: [model] }));
const la = (txns: TestTxn[], model: string) => checkListAppend(txnHistory(txns), { consistencyModels: [model] });
const read = (key: number, list: number[] | null) => ["r", key, list] as unknown as Mop;
const append = (key: number, element: number) => ["append", key, element] as unknown as Mop;
/** Txns invoked together, so no realtime order relates them. */
const concurrent = (mops: Mop[][]): TestTxn[] =>
  mops.map((txn, i) => ({ mops: txn, invokeNs: 0, completeNs: 1000 + i }));

/** The checks of a result's beyond-Maelstrom findings. */
const checks = (result: CheckResult) => (result["beyond-maelstrom"] ?? []).map((finding) => finding.check);

/** Counted only with --strict: the run's own entry is valid without it, invalid with it. */
function countsOnlyWhenStrict(result: CheckResult) {
  expect(separateBeyondMaelstrom(result, false).beyond!["valid?"]).toBe(true);
  expect(separateBeyondMaelstrom(result, true).beyond!["valid?"]).toBe(false);
}

describe("Elle 0.2 names item cycles -item, and those imply G2-item", () => {
  test("G-single and G-nonadjacent get -item, their variants too; other types keep their names", () => {
    expect(["G-single", "G-single-realtime", "G-nonadjacent-process", "G2-item", "G0"].map(newerCycleName)).toEqual([
      "G-single-item",
      "G-single-item-realtime",
      "G-nonadjacent-item-process",
      "G2-item",
      "G0",
    ]);
  });

  // Read skew: T3 sees x before T2 and y after it (one rw edge).
  const readSkew: TestTxn[] = [
    { mops: [w("x", 1), w("y", 1)] },
    { mops: [r("x", 1), w("x", 2), r("y", 1), w("y", 2)] },
    { mops: [r("x", 1), r("y", 2)] },
  ];
  test("rw-register: read skew passes repeatable-read as Maelstrom judges it; Elle 0.2.7's -item does not", () => {
    const result = rw(readSkew, "repeatable-read");
    expect(result["valid?"]).toBe(true);
    expect(result["allowed-anomaly-types"]).toEqual(["G-single"]);
    expect(checks(result)).toEqual(["rw-register G-single-item, Elle 0.2.7"]);
    const [finding] = result["beyond-maelstrom"]!;
    expect(finding!.description).toStartWith("G-single-item, which repeatable-read prohibits in Elle 0.2.7");
    expect(finding!.description).toContain("implies G2-item; Elle 0.1.6, which Maelstrom 0.2.3 runs, allows G-single");
    countsOnlyWhenStrict(result);
    // Read-committed allows it in both; snapshot-isolation prohibits it in both, so it is Maelstrom's own verdict.
    expect(checks(rw(readSkew, "read-committed"))).toEqual([]);
    expect(rw(readSkew, "snapshot-isolation")["valid?"]).toBe(false);
    expect(checks(rw(readSkew, "snapshot-isolation"))).toEqual([]);
  });

  test("list-append: G-nonadjacent passes repeatable-read as Maelstrom judges it; Elle 0.2.7's -item does not", () => {
    const history = concurrent([
      [read(1, []), read(4, [1])],
      [append(1, 1), append(3, 1)],
      [read(3, [1]), read(2, [])],
      [append(2, 1), append(4, 1)],
    ]);
    const result = la(history, "repeatable-read");
    expect(result["valid?"]).toBe(true);
    expect(checks(result)).toEqual(["list-append G-nonadjacent-item, Elle 0.2.7"]);
    countsOnlyWhenStrict(result);
    expect(la(history, "read-committed")).toEqual({ "valid?": true });
  });
});

describe("Elle 0.2 compares a read with an earlier nil read of the key", () => {
  test("rw-register: reading nil, then a value, in one txn is internal for Elle 0.2 only", () => {
    const txns: TestTxn[] = [{ mops: [w("x", 1)] }, { mops: [r("x", null), r("x", 1)] }, { mops: [r("x", 1)] }];
    const result = rw(txns, "serializable");
    expect(result["valid?"]).toBe(true);
    expect(result["anomaly-counts"]).not.toHaveProperty("internal");
    // (The fuller reading also links that second read, a G-single; Elle links external reads only.)
    const [fuller, internal] = checks(result);
    expect(fuller).toBe("rw-register G-single, intermediate versions ordered");
    expect(internal).toBe("rw-register internal, Elle 0.2.7");
    const { description } = result["beyond-maelstrom"]![1]!;
    expect(description).toContain('T3 read key "x" = null, then read 1 within the same txn');
    countsOnlyWhenStrict(result);
    // A non-nil read that changes is internal in both, so Maelstrom's own verdict.
    const both = rw([{ mops: [w("x", 1)] }, { mops: [w("x", 2)] }, { mops: [r("x", 1), r("x", 2)] }], "serializable");
    expect(both["anomaly-types"]).toContain("internal");
    expect(checks(both)).toEqual([]);
  });

  test("list-append: nil then empty is internal for Elle 0.2 only; an append after nil starts a known list", () => {
    const seen = concurrent([[append(1, 1)], [read(1, null), read(1, [])], [read(1, [1])]]);
    const result = la(seen, "serializable");
    expect(result["valid?"]).toBe(true);
    expect(checks(result)).toEqual(["list-append internal, Elle 0.2.7"]);
    countsOnlyWhenStrict(result);
    // nil, then its own append of 2, then [1, 2]: Elle 0.1.6 expects exactly [2] there.
    const afterNil = concurrent([[append(1, 1)], [read(1, null), append(1, 2), read(1, [1, 2])], [read(1, [1, 2])]]);
    const internal = la(afterNil, "serializable");
    expect(internal["valid?"]).toBe(false);
    expect(internal["anomaly-types"]).toContain("internal");
  });
});
