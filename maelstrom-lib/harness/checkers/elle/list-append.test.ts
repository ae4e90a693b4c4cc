/**
 * Elle's list-append analysis both ways for every anomaly it reports (hand-made histories,
 * each also shown passing when the flaw is removed or the model allows it), the result shape
 * and the elle/ files, and a differential test against brute-force serializability.
 */
import { describe, expect, test } from "bun:test";
import type { RunFiles, CheckResult } from "../../contracts/types.ts";
import { checkListAppend } from "./list-append.ts";
import { type TestTxn, txnHistory } from "../testdata/txn-histories.ts";
import type { Mop } from "./txns.ts";

const r = (key: number, list: number[] | null) => ["r", key, list] as unknown as Mop;
const a = (key: number, element: number) => ["append", key, element] as unknown as Mop;
const t = (mops: Mop[], rest: Partial<TestTxn> = {}): TestTxn => ({ mops, ...rest });
/** Txns invoked together (all overlapping in time), so no realtime order relates them. */
const concurrent = (txns: TestTxn[]): TestTxn[] =>
  txns.map((txn, i) => ({ invokeNs: 0, completeNs: 1000 + i, ...txn }));

function check(
  txns: TestTxn[],
  model: string,
  files?: RunFiles,
): CheckResult & { anomalies?: Record<string, Record<string, unknown>[]> } {
  return checkListAppend(txnHistory(txns), { consistencyModels: [model], files }) as never;
}

/** The relationship of each step of a found cycle. */
const stepTypes = (cycle: Record<string, unknown>) => (cycle.steps as { type: string }[]).map((step) => step.type);

function expectAnomaly(txns: TestTxn[], model: string, type: string) {
  const result = check(txns, model);
  expect(result["valid?"]).toBe(false);
  expect(result["anomaly-types"]).toContain(type);
  return result.anomalies![type]!;
}

describe("list-append anomalies, each both ways", () => {
  test("G0: two txns' appends interleave in opposite orders on two keys", () => {
    const writes = [t([a(1, 1), a(2, 1)]), t([a(1, 2), a(2, 2)])];
    const [cycle] = expectAnomaly(
      concurrent([...writes, t([r(1, [1, 2])]), t([r(2, [2, 1])])]),
      "read-uncommitted",
      "G0",
    );
    const byKey = (cycle!.steps as { key: number }[]).toSorted((x, y) => x.key - y.key) as unknown[];
    expect(byKey).toEqual([
      { type: "ww", key: 1, value: 1, "value'": 2 },
      { type: "ww", key: 2, value: 2, "value'": 1 },
    ]);
    expect(cycle!.explanation).toMatch(/because T\d appended 2 after T\d appended 1 to 1/);
    expect(cycle!.explanation).toMatch(
      / {2}- However, T2 < T1, because T1 appended \d after T2 appended \d to \d: a contradiction!$/,
    );
    expect(check(concurrent([...writes, t([r(1, [1, 2])]), t([r(2, [1, 2])])]), "read-uncommitted")["valid?"]).toBe(
      true,
    );
  });

  test("G1a: a committed read of an aborted append", () => {
    const [found] = expectAnomaly([t([a(1, 1)], { type: "fail" }), t([r(1, [1])])], "read-committed", "G1a");
    expect(found!.element).toBe(1);
    expect(check([t([a(1, 1)]), t([r(1, [1])])], "read-committed")["valid?"]).toBe(true);
  });

  test("G1b: a read of a state another txn appended past", () => {
    expectAnomaly([t([a(1, 1), a(1, 2)]), t([r(1, [1])])], "read-committed", "G1b");
    expect(check([t([a(1, 1), a(1, 2)]), t([r(1, [1, 2])])], "read-committed")["valid?"]).toBe(true);
  });

  test("G1c: each txn reads the other's append", () => {
    const [cycle] = expectAnomaly(
      concurrent([t([a(1, 1), r(2, [1])]), t([a(2, 1), r(1, [1])])]),
      "read-committed",
      "G1c",
    );
    expect(stepTypes(cycle!)).toEqual(["wr", "wr"]);
    expect(check(concurrent([t([a(1, 1), r(2, [1])]), t([a(2, 1), r(1, [])])]), "read-committed")["valid?"]).toBe(true);
  });

  test("G-single: read skew fails serializable, passes read-committed", () => {
    const skew = concurrent([t([a(1, 1), a(2, 1)]), t([r(1, []), r(2, [1])])]);
    const [cycle] = expectAnomaly(skew, "serializable", "G-single");
    expect(cycle!.explanation).toContain("observed the initial (nil) state of 1, which");
    expect(check(skew, "read-committed")["valid?"]).toBe(true);
  });

  test("G2-item: write skew fails repeatable-read, passes snapshot-isolation", () => {
    const skew = concurrent([t([r(1, []), r(2, []), a(1, 1)]), t([r(1, []), r(2, []), a(2, 1)])]);
    const [cycle] = expectAnomaly(skew, "repeatable-read", "G2-item");
    expect(stepTypes(cycle!)).toEqual(["rw", "rw"]);
    expect(check(skew, "snapshot-isolation")["valid?"]).toBe(true);
  });

  test("G-nonadjacent: two rw edges apart fail snapshot-isolation, pass repeatable-read", () => {
    const history = concurrent([
      t([r(1, []), r(4, [1])]),
      t([a(1, 1), a(3, 1)]),
      t([r(3, [1]), r(2, [])]),
      t([a(2, 1), a(4, 1)]),
    ]);
    const [cycle] = expectAnomaly(history, "snapshot-isolation", "G-nonadjacent");
    expect(stepTypes(cycle!).sort()).toEqual(["rw", "rw", "wr", "wr"]);
    expect(check(history, "repeatable-read")["valid?"]).toBe(true);
  });

  test("lost-update: two txns read the same state and both append", () => {
    const [found] = expectAnomaly(
      concurrent([t([r(1, []), a(1, 1)]), t([r(1, []), a(1, 2)])]),
      "repeatable-read",
      "lost-update",
    );
    expect(found!.value).toEqual([]);
    expect(check(concurrent([t([r(1, []), a(1, 1)]), t([r(1, [1]), a(1, 2)])]), "repeatable-read")["valid?"]).toBe(
      true,
    );
  });

  test("internal: a read that misses the txn's own append", () => {
    const [found] = expectAnomaly([t([a(1, 1), r(1, [])])], "serializable", "internal");
    expect(found!.expected).toEqual(["...", 1]);
    expect(check([t([a(1, 1), r(1, [1])]), t([r(1, [1])])], "serializable")["valid?"]).toBe(true);
    expect(check([t([a(1, 1), r(1, [])]), t([r(1, [1])])], "read-committed")["valid?"]).toBe(true);
  });

  test("duplicate-elements: an element read twice", () => {
    const [found] = expectAnomaly([t([a(1, 1)]), t([r(1, [1, 1])])], "read-uncommitted", "duplicate-elements");
    expect(found!.duplicates).toEqual({ "1": 2 });
  });

  test("incompatible-order: reads that are not prefixes of one another", () => {
    const [found] = expectAnomaly(
      [t([a(1, 1)]), t([a(1, 2)]), t([r(1, [1, 2])]), t([r(1, [2, 1])])],
      "read-committed",
      "incompatible-order",
    );
    expect(found!.key).toBe(1);
    expect(check([t([a(1, 1)]), t([a(1, 2)]), t([r(1, [1])]), t([r(1, [1, 2])])], "read-committed")["valid?"]).toBe(
      true,
    );
  });

  test("dirty-update: a committed append on top of an aborted one", () => {
    const [found] = expectAnomaly(
      [t([a(1, 1)], { type: "fail" }), t([a(1, 2)]), t([r(1, [1, 2])])],
      "read-committed",
      "dirty-update",
    );
    expect(found!.values).toEqual([1, 2]);
  });

  test("future-read: reading an element the txn appends later, which only Elle 0.2 looks for, beyond Maelstrom", () => {
    // Beside a txn the rest of the history depends on, so the graph is not empty.
    const txns = [t([r(1, [1]), a(1, 1)]), t([a(2, 1)]), t([r(2, [1])])];
    const result = check(txns, "read-committed");
    expect(result["valid?"]).toBe(true);
    const [finding, ...others] = result["beyond-maelstrom"]!;
    expect(others).toEqual([]);
    expect(finding!.check).toBe("list-append future-read, Elle 0.2.7");
    expect(finding!.description).toStartWith("future-read, which read-committed prohibits in Elle 0.2.7");
    expect(finding!.description).toContain("Elle 0.1.6, which Maelstrom 0.2.3 runs, does not");
    // Read-uncommitted allows it in Elle 0.2 too; and without the read, nothing is found.
    expect(check(txns, "read-uncommitted")).toEqual({ "valid?": true });
    expect(check([t([a(1, 1)]), ...txns.slice(1)], "read-committed")).toEqual({ "valid?": true });
  });

  test("G-single-realtime: a read after an append completed misses it (strict-serializable only)", () => {
    const stale = [
      t([a(1, 1)], { process: 0, invokeNs: 0, completeNs: 10 }),
      t([r(1, [])], { process: 1, invokeNs: 20, completeNs: 30 }),
    ];
    const [cycle] = expectAnomaly(stale, "strict-serializable", "G-single-realtime");
    expect(cycle!.explanation).toMatch(/completed at index 1, 0\.000 seconds before the invocation of T\d, at index 2/);
    expect(check(stale, "serializable")["valid?"]).toBe(true);
  });

  test("G-single-process: one process fails to read its own earlier append (strong-session-serializable)", () => {
    const ownStale = [t([a(1, 1)], { process: 0 }), t([r(1, [])], { process: 0 })];
    const [cycle] = expectAnomaly(ownStale, "strong-session-serializable", "G-single-process");
    expect(cycle!.explanation).toContain("process 0 executed");
    expect(check(ownStale, "serializable")["valid?"]).toBe(true);
  });
});

describe("list-append results", () => {
  test("a valid history is just valid? true; a single txn is an empty graph, unknown", () => {
    const serial = [t([a(1, 1), a(2, 1)]), t([r(1, [1]), a(1, 2)]), t([r(1, [1, 2]), r(2, [1])])];
    expect(check(serial, "strict-serializable")).toEqual({ "valid?": true });
    const lone = check([t([a(1, 1)])], "serializable");
    expect(lone["valid?"]).toBe("unknown");
    expect(lone["anomaly-types"]).toEqual(["empty-transaction-graph"]);
  });

  test("a completed txn followed by a failed one is a realtime edge, as Elle links failed txns too: valid", () => {
    // Elle's realtime-graph links every completion to each later invocation's completion, :fail included.
    const thenFailed = [t([a(1, 1)], { invokeNs: 0, completeNs: 5 }), t([a(2, 1)], { type: "fail", invokeNs: 10 })];
    expect(check(thenFailed, "strict-serializable")).toEqual({ "valid?": true });
    // Overlapping, they are unrelated: the graph is empty and the result unknown, in Elle too.
    const overlapping = [t([a(1, 1)], { invokeNs: 0, completeNs: 50 }), t([a(2, 1)], { type: "fail", invokeNs: 10 })];
    expect(check(overlapping, "strict-serializable")["anomaly-types"]).toEqual(["empty-transaction-graph"]);
  });

  test("not and also-not name the weakest models ruled out and the stronger ones", () => {
    const result = check(
      concurrent([t([r(1, []), r(2, []), a(1, 1)]), t([r(1, []), r(2, []), a(2, 1)])]),
      "serializable",
    );
    expect(result.not).toEqual(["repeatable-read"]);
    expect(result["also-not"]).toEqual(["serializable", "strict-serializable", "strong-session-serializable"]);
  });

  test("unknown models and malformed or garbage histories are unknown, with a reason", () => {
    expect(check([t([a(1, 1)])], "eventual")["valid?"]).toBe("unknown");
    const garbage = check([t([a(1, 1)]), t([r(1, [1, 7])])], "serializable");
    expect(garbage["valid?"]).toBe("unknown");
    expect(garbage.error).toContain("no txn ever appended 7");
  });

  test("elle/incompatible-order/<key>.html shows every read of the key, disagreeing elements marked", () => {
    const files: RunFiles = new Map();
    check([t([a(1, 1)]), t([a(1, 2)]), t([r(1, [1, 2])]), t([r(1, [2, 1])])], "read-committed", files);
    const html = files.get("elle/incompatible-order/1.html")!;
    expect(html).toContain("<h1>All Reads of 1</h1>");
    expect(html.match(/<tr><td>/g)).toHaveLength(2);
    expect(html.match(/background/g)).toHaveLength(2);
  });

  test("elle/ gets one file per reportable cycle type, in Elle's format; the checker writes none itself", () => {
    const files: RunFiles = new Map();
    check(concurrent([t([a(1, 1), a(2, 1)]), t([r(1, []), r(2, [1])])]), "serializable", files);
    expect([...files.keys()]).toEqual(["elle/G-single.txt"]);
    const text = files.get("elle/G-single.txt")!;
    expect(text).toStartWith("G-single #0\nLet:\n  T1 = ");
    expect(text).toContain("\n\nThen:\n  - T1 < T2, because ");
  });
});
