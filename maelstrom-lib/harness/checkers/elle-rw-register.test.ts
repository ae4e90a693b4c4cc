import { describe, expect, test } from "bun:test";
import { beyondMaelstromLines, separateBeyondMaelstrom } from "./beyond-maelstrom.ts";
import { mergeValidity } from "./core.ts";
import { analysisOf, checkRwRegister } from "./elle-rw-register.ts";
import { r, type TestTxn, txnHistory, w } from "./testdata/txn-histories.ts";

const checkAny = (txns: TestTxn[], ...models: string[]) => checkRwRegister(txnHistory(txns), { consistencyModels: models });

/** The analysis of a history the checker can analyse (fails the test otherwise). */
const check = (txns: TestTxn[], ...models: string[]) => analysisOf(checkAny(txns, ...models));

/** A serial history with reads of earlier writes: nothing wrong under any model. */
const serial: TestTxn[] = [
  { mops: [w(1, 1), w(2, 1)] },
  { mops: [r(1, 1), w(1, 2)] },
  { mops: [r(1, 2), r(2, 1), w(2, 2)] },
  { mops: [r(2, 2), r(1, 2)] },
];

describe("valid histories", () => {
  for (const model of ["read-uncommitted", "read-committed", "serializable", "strict-serializable"]) {
    test(`a serial history is ${model}`, () => {
      const result = check(serial, model);
      expect(result["valid?"]).toBe(true);
      expect(result["anomaly-types"]).toEqual([]);
      expect(result.not).toEqual([]);
    });
  }
});

describe("G0 (write cycles)", () => {
  // Maelstrom issue #56: two txns overwrite each other's uncommitted values of key 0.
  const issue56: TestTxn[] = [
    { mops: [w(0, 1), r(0, 1), r(0, 10), w(0, 2), w(0, 3), r(0, 3)], invokeNs: 0, completeNs: 100 },
    { mops: [r(0, 1), w(0, 10), r(0, 3), w(0, 11)], invokeNs: 10, completeNs: 90 },
  ];
  test("the interleaved writes of issue #56 pass as Maelstrom judges them, with the G0 reported beyond Maelstrom", () => {
    const result = check(issue56, "read-uncommitted");
    expect(result["valid?"]).toBe(true);
    expect(result["anomaly-types"]).toEqual([]);
    expect(result.not).toEqual(["read-committed"]); // its G1b and G1c, which Elle sees too
    const [finding, ...others] = result["beyond-maelstrom"]!;
    expect(others).toEqual([]);
    expect(finding!.check).toStartWith("rw-register G0");
    expect(finding!.description).toStartWith("G0, which read-uncommitted prohibits");
    expect(finding!.description).toContain("Maelstrom issue #56");
    expect(finding!.description).toContain("overwrote");
    // Two ww steps: each txn overwrote a value the other had not committed.
    expect(finding!.details).toMatchObject({ count: 1, cases: [{ steps: [{ type: "ww" }, { type: "ww" }] }] });
  });

  test("issue #56 is valid without --strict, its G0 in results' own beyond-maelstrom entry", () => {
    const { maelstrom, beyond } = separateBeyondMaelstrom(check(issue56, "read-uncommitted"), false);
    expect(maelstrom).not.toHaveProperty("beyond-maelstrom");
    expect(beyond).toMatchObject({ "valid?": true, strict: false, findings: [{ check: expect.stringContaining("G0") }] });
    expect(mergeValidity([maelstrom["valid?"], beyond!["valid?"]])).toBe(true);
    expect(beyondMaelstromLines(beyond!)[0]).toStartWith("beyond Maelstrom: G0, which read-uncommitted prohibits");
  });

  test("issue #56 is invalid with --strict", () => {
    const { maelstrom, beyond } = separateBeyondMaelstrom(check(issue56, "read-uncommitted"), true);
    expect(beyond!["valid?"]).toBe(false);
    expect(mergeValidity([maelstrom["valid?"], beyond!["valid?"]])).toBe(false);
    expect(beyondMaelstromLines(beyond!).at(-1)).toContain("--strict");
  });

  test("a two-key write cycle is G0 (and G1c under read-committed)", () => {
    const txns: TestTxn[] = [
      { mops: [r("y", 20), w("x", 1), w("y", 10)], invokeNs: 0, completeNs: 50 },
      { mops: [r("x", 1), w("x", 2), w("y", 20)], invokeNs: 1, completeNs: 51 },
    ];
    expect(check(txns, "read-uncommitted")["anomaly-types"]).toEqual(["G0"]);
    expect(check(txns, "read-committed")["anomaly-types"]).toEqual(["G0", "G1c"]);
  });

  test("the same writes without the interleaving are not G0", () => {
    const txns: TestTxn[] = [{ mops: [w(0, 1), w(0, 2), w(0, 3)] }, { mops: [r(0, 3), w(0, 10), w(0, 11)] }];
    expect(check(txns, "read-uncommitted")["valid?"]).toBe(true);
  });
});

describe("G1a (aborted reads) and dirty updates", () => {
  const txns: TestTxn[] = [
    { mops: [w("x", 1)], type: "fail" },
    { mops: [r("x", 1), w("x", 2)] },
    { mops: [r("x", 2)] },
  ];
  test("reading a failed txn's write is G1a and overwriting it a dirty update, under read-committed", () => {
    const result = check(txns, "read-committed");
    expect(result["valid?"]).toBe(false);
    expect(result["anomaly-types"]).toEqual(["G1a", "dirty-update"]);
    const [g1a] = result.anomalies.G1a!;
    expect(g1a!.explanation).toContain("aborted");
  });
  test("read-uncommitted allows it, but still lists it", () => {
    const result = check(txns, "read-uncommitted");
    expect(result["valid?"]).toBe(true);
    expect(result["allowed-anomaly-types"]).toEqual(["G1a", "dirty-update"]);
    expect(result.not).toEqual(["read-committed"]);
  });
  test("reading an info txn's write is fine", () => {
    const result = check([{ ...txns[0]!, type: "info" }, ...txns.slice(1)], "read-committed");
    expect(result["valid?"]).toBe(true);
  });
});

describe("G1b (intermediate reads)", () => {
  const txns: TestTxn[] = [{ mops: [w("x", 1), w("x", 2)] }, { mops: [r("x", 1)] }];
  test("reading a value its txn overwrote is G1b under read-committed", () => {
    const result = check(txns, "read-committed");
    expect(result["anomaly-types"]).toEqual(["G1b"]);
    expect(result["valid?"]).toBe(false);
  });
  test("read-uncommitted allows it", () => {
    expect(check(txns, "read-uncommitted")["valid?"]).toBe(true);
  });
  test("reading the final value is fine", () => {
    expect(check([txns[0]!, { mops: [r("x", 2)] }], "read-committed")["valid?"]).toBe(true);
  });
});

describe("G1c (circular information flow)", () => {
  const txns: TestTxn[] = [
    { mops: [w("x", 1), r("y", 1)], invokeNs: 0, completeNs: 10 },
    { mops: [w("y", 1), r("x", 1)], invokeNs: 0, completeNs: 10 },
  ];
  test("each txn reading the other's write is G1c under read-committed", () => {
    const result = check(txns, "read-committed");
    expect(result["anomaly-types"]).toEqual(["G1c"]);
    const [cycle] = result.anomalies.G1c!;
    const { steps } = cycle!;
    expect(Array.isArray(steps) && steps.map((step) => step.type)).toEqual(["wr", "wr"]);
  });
  test("read-uncommitted allows it", () => {
    expect(check(txns, "read-uncommitted")["valid?"]).toBe(true);
  });
  test("one-way information flow is fine", () => {
    expect(check([txns[0]!, { mops: [w("y", 1), r("x", null)] }], "read-committed")["valid?"]).toBe(true);
  });
});

describe("internal inconsistency", () => {
  const txns: TestTxn[] = [{ mops: [w("x", 2)] }, { mops: [w("x", 1), r("x", 2)] }];
  test("reading something other than one's own write is internal under serializable", () => {
    const result = check(txns, "serializable");
    expect(result["anomaly-types"]).toContain("internal");
  });
  test("read-committed does not prohibit it", () => {
    const result = check(txns, "read-committed");
    expect(result["valid?"]).toBe(true);
    expect(result["allowed-anomaly-types"]).toContain("internal");
  });
  test("reading one's own write is fine", () => {
    const result = check([txns[0]!, { mops: [w("x", 1), r("x", 1)] }, { mops: [r("x", 1)] }], "serializable");
    expect(result["valid?"]).toBe(true);
  });
});

describe("lost update", () => {
  const txns: TestTxn[] = [
    { mops: [w("x", 1)] },
    { mops: [r("x", 1), w("x", 2)], invokeNs: 20, completeNs: 40 },
    { mops: [r("x", 1), w("x", 3)], invokeNs: 21, completeNs: 41 },
  ];
  test("two txns read the same version and both write it: lost-update under serializable", () => {
    const result = check(txns, "serializable");
    expect(result["valid?"]).toBe(false);
    expect(result["anomaly-types"]).toContain("lost-update");
    expect(result["anomaly-types"]).toContain("G2-item");
  });
  test("read-committed allows it", () => {
    expect(check(txns, "read-committed")["valid?"]).toBe(true);
  });
  test("reading each other's versions in turn is fine", () => {
    expect(check([txns[0]!, txns[1]!, { mops: [r("x", 2), w("x", 3)], invokeNs: 50, completeNs: 60 }], "serializable")["valid?"]).toBe(true);
  });
});

describe("G-single and real-time cycles", () => {
  // Read skew: T3 sees x before T2 and y after it.
  const readSkew: TestTxn[] = [
    { mops: [w("x", 1), w("y", 1)] },
    { mops: [r("x", 1), w("x", 2), r("y", 1), w("y", 2)] },
    { mops: [r("x", 1), r("y", 2)] },
  ];
  test("read skew is G-single under serializable, fine under read-committed", () => {
    expect(check(readSkew, "serializable")["anomaly-types"]).toEqual(["G-single"]);
    expect(check(readSkew, "read-committed")["valid?"]).toBe(true);
  });
  // A stale read: T2 starts after T1 finished but does not see its write.
  const stale: TestTxn[] = [{ mops: [w("x", 1)] }, { mops: [r("x", null)] }, { mops: [r("x", 1)] }];
  test("a stale read is G-single-realtime under strict-serializable only", () => {
    const strict = check(stale, "strict-serializable");
    expect(strict["valid?"]).toBe(false);
    expect(strict["anomaly-types"]).toEqual(["G-single-realtime"]);
    expect(strict.not).toEqual(["strong-serializable"]);
    expect(check(stale, "serializable")["valid?"]).toBe(true);
  });
});

describe("cyclic versions and garbage", () => {
  test("versions ordered both ways are cyclic-versions under read-uncommitted", () => {
    const txns: TestTxn[] = [{ mops: [r("x", 2), w("x", 1)] }, { mops: [r("x", 1), w("x", 2)] }];
    const result = check(txns, "read-uncommitted");
    expect(result["anomaly-types"]).toContain("cyclic-versions");
    expect(result["valid?"]).toBe(false);
  });
  test("reading a value nobody wrote is a garbage read", () => {
    const result = check([{ mops: [w("x", 1)] }, { mops: [r("x", 1), r("y", 7)] }], "read-uncommitted");
    expect(result["anomaly-types"]).toEqual(["garbage-read"]);
  });
  test("a history where no txn sees another is an empty transaction graph (invalid, as Maelstrom)", () => {
    const result = check([{ mops: [w("x", 1)] }, { mops: [w("y", 1)] }], "read-uncommitted");
    expect(result["anomaly-types"]).toEqual(["empty-transaction-graph"]);
    expect(result["valid?"]).toBe(false);
  });
});

describe("type sanity and options", () => {
  test("keys echoed as strings make the result unknown", () => {
    const history = txnHistory(serial);
    const last = history.findLast((op) => op.type === "ok")!;
    last.value = [["r", "2", 2]];
    const result = checkRwRegister(history, { consistencyModels: ["read-uncommitted"] });
    expect(result).toMatchObject({ "valid?": "unknown", error: expect.stringContaining("key types") });
  });
  test("the same value written by two txns makes the result unknown", () => {
    const result = checkAny([{ mops: [w("x", 1)] }, { mops: [w("x", 1)] }], "read-uncommitted");
    expect(result).toMatchObject({ "valid?": "unknown", error: expect.stringContaining("written twice") });
  });
  test("an unknown model makes the result unknown and names the known ones", () => {
    const result = checkAny(serial, "read-uncommitted,read-committed");
    expect(result).toMatchObject({ "valid?": "unknown", error: expect.stringContaining("read-committed") });
  });
});
