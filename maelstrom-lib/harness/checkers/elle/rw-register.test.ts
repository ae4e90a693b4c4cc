import { describe, expect, test } from "bun:test";
import { beyondMaelstromLines, separateBeyondMaelstrom } from "../beyond-maelstrom.ts";
import { mergeValidity } from "../core.ts";
import { analysisOf, checkRwRegister } from "./rw-register.ts";
import { r, type TestTxn, txnHistory, w } from "../testdata/txn-histories.ts";

const checkAny = (txns: TestTxn[], ...models: string[]) =>
  checkRwRegister(txnHistory(txns), { consistencyModels: models });

/** The analysis of a history the checker can analyze (fails the test otherwise). */
const check = (txns: TestTxn[], ...models: string[]) => analysisOf(checkAny(txns, ...models));

/** A serial history with reads of earlier writes: nothing wrong under any model. */
const serial: TestTxn[] = [
  { mops: [w(1, 1), w(2, 1)] },
  { mops: [r(1, 1), w(1, 2)] },
  { mops: [r(1, 2), r(2, 1), w(2, 2)] },
  { mops: [r(2, 2), r(1, 2)] },
];

/** The rest of a run: one committed txn reads another's write, so the dependency graph is not empty. */
const elsewhere = (key: unknown): TestTxn[] => [{ mops: [w(key, 1)] }, { mops: [r(key, 1)] }];

/** Read skew: T3 sees x before T2 and y after it (one rw edge). */
const readSkew: TestTxn[] = [
  { mops: [w("x", 1), w("y", 1)] },
  { mops: [r("x", 1), w("x", 2), r("y", 1), w("y", 2)] },
  { mops: [r("x", 1), r("y", 2)] },
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
  // With the rest of a run beside it: alone, Elle would see no dependency at all (empty graph).
  const issue56: TestTxn[] = [
    { mops: [w(0, 1), r(0, 1), r(0, 10), w(0, 2), w(0, 3), r(0, 3)], invokeNs: 0, completeNs: 100 },
    { mops: [r(0, 1), w(0, 10), r(0, 3), w(0, 11)], invokeNs: 10, completeNs: 90 },
    ...elsewhere(9),
  ];
  test(
    "the interleaved writes of issue #56 pass as Maelstrom judges them, " + "with the G0 reported beyond Maelstrom",
    () => {
      const result = check(issue56, "read-uncommitted");
      expect(result["valid?"]).toBe(true);
      expect(result["anomaly-types"]).toEqual([]);
      // Its G1b reads, which Elle sees too; in Elle 0.1.6's tables read-atomic does not imply read-committed.
      expect(result.not).toEqual(["read-atomic", "read-committed"]);
      const [finding, ...others] = result["beyond-maelstrom"]!;
      expect(others).toEqual([]);
      expect(finding!.check).toStartWith("rw-register G0");
      expect(finding!.description).toStartWith("G0, which read-uncommitted prohibits");
      expect(finding!.description).toContain("Maelstrom issue #56");
      expect(finding!.description).toContain("overwrote");
      // Two ww steps: each txn overwrote a value the other had not committed.
      expect(finding!.details).toMatchObject({ count: 1, cases: [{ steps: [{ type: "ww" }, { type: "ww" }] }] });
    },
  );

  test("issue #56 is valid without --strict, its G0 in results' own beyond-maelstrom entry", () => {
    const { maelstrom, beyond } = separateBeyondMaelstrom(check(issue56, "read-uncommitted"), false);
    expect(maelstrom).not.toHaveProperty("beyond-maelstrom");
    expect(beyond).toMatchObject({
      "valid?": true,
      strict: false,
      findings: [{ check: expect.stringContaining("G0") }],
    });
    expect(mergeValidity([maelstrom["valid?"], beyond!["valid?"]])).toBe(true);
    const lines = beyondMaelstromLines(beyond!);
    expect(lines[0]).toStartWith("beyond Maelstrom: G0, which read-uncommitted prohibits");
    // Each transaction the cycle names, with its operations, under it.
    const named = [...new Set(lines[0]!.match(/\bT\d+\b/g))];
    expect(named).toHaveLength(2);
    expect(lines.slice(1, 3).map((line) => /^ {4}(T\d+) +=/.exec(line)?.[1])).toEqual(named);
    expect(lines[1]).toMatch(/= \[\["w",.*\] \(ok, process \d+\)$/);
  });

  test("issue #56 is invalid with --strict", () => {
    const { maelstrom, beyond } = separateBeyondMaelstrom(check(issue56, "read-uncommitted"), true);
    expect(beyond!["valid?"]).toBe(false);
    expect(mergeValidity([maelstrom["valid?"], beyond!["valid?"]])).toBe(false);
    expect(beyondMaelstromLines(beyond!).at(-1)).toContain("--strict");
  });

  // Each edge is both ww and wr: the second txn read the first's write before overwriting it.
  const twoKeyCycle: TestTxn[] = [
    { mops: [r("y", 20), w("x", 1), w("y", 10)], invokeNs: 0, completeNs: 50 },
    { mops: [r("x", 1), w("x", 2), w("y", 20)], invokeNs: 1, completeNs: 51 },
  ];
  test("a write cycle whose edges are also wr is G1c as Maelstrom names it, so read-uncommitted passes", () => {
    const uncommitted = check(twoKeyCycle, "read-uncommitted");
    expect(uncommitted["valid?"]).toBe(true);
    expect(uncommitted["allowed-anomaly-types"]).toEqual(["G1c"]);
    expect(check(twoKeyCycle, "read-committed")["anomaly-types"]).toEqual(["G1c"]);
  });

  test("the same cycle is Adya's G0, reported beyond Maelstrom", () => {
    const [finding, ...others] = check(twoKeyCycle, "read-uncommitted")["beyond-maelstrom"]!;
    expect(others).toEqual([]);
    expect(finding!.check).toStartWith("rw-register G0");
    expect(finding!.details).toMatchObject({ cases: [{ steps: [{ type: "ww" }, { type: "ww" }] }] });
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
  test("reading a failed txn's write is G1a under read-committed; the dirty update is beyond Maelstrom", () => {
    const result = check(txns, "read-committed");
    expect(result["valid?"]).toBe(false);
    expect(result["anomaly-types"]).toEqual(["G1a"]);
    const [g1a] = result.anomalies.G1a!;
    expect(g1a!.explanation).toContain("aborted");
    // Elle's rw-register does not look for dirty updates; ours does.
    expect(result["beyond-maelstrom"]!.map((finding) => finding.check)).toEqual([
      "rw-register dirty-update, intermediate versions ordered",
    ]);
    expect(result["beyond-maelstrom"]![0]!.description).toContain("does not look for it");
  });
  test("read-uncommitted allows it, but still lists it", () => {
    const result = check(txns, "read-uncommitted");
    expect(result["valid?"]).toBe(true);
    expect(result["allowed-anomaly-types"]).toEqual(["G1a"]);
    expect(result.not).toEqual(["read-atomic", "read-committed"]);
    expect(result).not.toHaveProperty("beyond-maelstrom");
  });
  test("reading an info txn's write is fine", () => {
    const result = check([{ ...txns[0]!, type: "info" }, ...txns.slice(1)], "read-committed");
    expect(result["valid?"]).toBe(true);
  });
});

describe("G1b (intermediate reads)", () => {
  // The read of z gives the graph an edge; Elle links none from an intermediate write.
  const txns: TestTxn[] = [{ mops: [w("z", 1)] }, { mops: [w("x", 1), w("x", 2)] }, { mops: [r("z", 1), r("x", 1)] }];
  test("reading a value its txn overwrote is G1b under read-committed", () => {
    const result = check(txns, "read-committed");
    expect(result["anomaly-types"]).toEqual(["G1b"]);
    expect(result["valid?"]).toBe(false);
  });
  test("read-uncommitted allows it", () => {
    expect(check(txns, "read-uncommitted")["valid?"]).toBe(true);
  });
  test("reading the final value is fine", () => {
    expect(check([txns[1]!, { mops: [r("x", 2)] }], "read-committed")["valid?"]).toBe(true);
  });
  test("as in Elle, only committed final writes link the graph: an intermediate read alone leaves it empty", () => {
    const result = check(txns.slice(1, 2).concat({ mops: [r("x", 1)] }), "read-uncommitted");
    expect(result["anomaly-types"]).toEqual(["empty-transaction-graph"]);
    expect(result["valid?"]).toBe(false);
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

describe("only external reads link the graph, as in Elle", () => {
  // T2's second read of x, after T3 wrote it, closes a G1c that Elle's external reads do not show.
  const txns: TestTxn[] = [
    { mops: [w("x", 1)] },
    { mops: [r("x", 1), w("y", 1), r("x", 2)], invokeNs: 20, completeNs: 40 },
    { mops: [r("y", 1), w("x", 2)], invokeNs: 21, completeNs: 30 },
  ];
  test("a G1c through a txn's second read of a key passes read-committed as Maelstrom judges it", () => {
    const result = check(txns, "read-committed");
    expect(result["valid?"]).toBe(true);
    expect(result["beyond-maelstrom"]!.map((finding) => finding.check)).toEqual([
      "rw-register G1c, intermediate versions ordered",
    ]);
  });
  test("the same cycle through the first read is G1c as Maelstrom judges it too", () => {
    const first: TestTxn[] = [txns[0]!, { ...txns[1]!, mops: [r("x", 2), w("y", 1)] }, txns[2]!];
    expect(check(first, "read-committed")["anomaly-types"]).toEqual(["G1c"]);
  });
});

describe("internal inconsistency", () => {
  const txns: TestTxn[] = [{ mops: [w("x", 2)] }, { mops: [w("x", 1), r("x", 2)] }, ...elsewhere("z")];
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
    expect(
      check([txns[0]!, txns[1]!, { mops: [r("x", 2), w("x", 3)], invokeNs: 50, completeNs: 60 }], "serializable")[
        "valid?"
      ],
    ).toBe(true);
  });
});

describe("G-single and real-time cycles", () => {
  test("read skew is G-single under serializable, fine under read-committed", () => {
    expect(check(readSkew, "serializable")["anomaly-types"]).toEqual(["G-single"]);
    expect(check(readSkew, "read-committed")["valid?"]).toBe(true);
  });
  const starved = (model: string) =>
    analysisOf(checkRwRegister(txnHistory(readSkew), { consistencyModels: [model], cycleSearchSteps: 1 }));
  test("a cycle search out of budget makes the result unknown, not valid (Maelstrom's wrapper drops it)", () => {
    const result = starved("read-committed");
    expect(result["valid?"]).toBe("unknown");
    expect(result["anomaly-types"]).toEqual(["cycle-search-timeout"]);
    const [timeout] = result.anomalies["cycle-search-timeout"]!;
    expect(timeout).toMatchObject({ "anomaly-spec-type": "G-single", "does-not-contain": ["G0", "G1c"] });
    expect(timeout!["scc-size"]).toBe(2);
    // With something the models prohibit found as well, the run is invalid whatever was left unsearched.
    expect(starved("serializable")["valid?"]).toBe(false);
  });
  // A stale read: T2 starts after T1 finished but does not see its write.
  const stale: TestTxn[] = [{ mops: [w("x", 1)] }, { mops: [r("x", null)] }, { mops: [r("x", 1)] }];
  test("a stale read is G-single-realtime under strict-serializable only", () => {
    const strict = check(stale, "strict-serializable");
    expect(strict["valid?"]).toBe(false);
    expect(strict["anomaly-types"]).toEqual(["G-single-realtime"]);
    // Elle's tables: G-single-realtime implies G-nonadjacent-realtime, which strong snapshot isolation prohibits.
    expect(strict.not).toEqual(["strong-snapshot-isolation"]);
    expect(strict["also-not"]).toEqual(["strict-serializable"]);
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
  test("reading a value nobody wrote is a garbage read, beyond Maelstrom: Elle's rw-register does not look", () => {
    const result = check([{ mops: [w("x", 1)] }, { mops: [r("x", 1), r("y", 7)] }], "read-uncommitted");
    expect(result["valid?"]).toBe(true);
    expect(result["anomaly-counts"]).not.toHaveProperty("garbage-read");
    expect(result["beyond-maelstrom"]!.map((finding) => finding.check)).toEqual([
      "rw-register garbage-read, intermediate versions ordered",
    ]);
  });
  test("a write-only history is valid under strict-serializable: its realtime order is not an empty graph", () => {
    // Elle judges emptiness on the combined graph, after the realtime edges are added.
    const result = check([{ mops: [w("x", 1)] }, { mops: [w("x", 2), w("y", 1)] }], "strict-serializable");
    expect(result["valid?"]).toBe(true);
    expect(result["anomaly-counts"]).toEqual({});
    // With no realtime order between them, nothing relates the two txns: empty, invalid as in Maelstrom.
    const together: TestTxn[] = [
      { mops: [w("x", 1)], invokeNs: 0 },
      { mops: [w("x", 2)], invokeNs: 1 },
    ];
    const overlapping = check(together, "strict-serializable");
    expect(overlapping["anomaly-types"]).toEqual(["empty-transaction-graph"]);
    expect(overlapping["valid?"]).toBe(false);
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

describe("cycles named as Elle names them", () => {
  // T1 -rw-> T2 -wr-> T3 -rw-> T4 -wr-> T1: two rw edges, never next to each other.
  const nonadjacent: TestTxn[] = [
    { mops: [r("x", null), r("b", 1)] },
    { mops: [w("x", 1), w("a", 1)] },
    { mops: [r("a", 1), r("y", null)] },
    { mops: [w("y", 1), w("b", 1)] },
  ];
  test("two rw edges with a wr between each are G-nonadjacent, not G2-item", () => {
    const result = check(nonadjacent, "serializable");
    expect(result["anomaly-types"]).toEqual(["G-nonadjacent"]);
    const types = (result.anomalies["G-nonadjacent"]![0]!.steps as { type: string }[]).map((step) => step.type);
    expect(types.filter((type) => type === "rw")).toHaveLength(2);
    expect(types.some((type, i) => type === "rw" && types[(i + 1) % types.length] === "rw")).toBe(false);
  });
  test("G-nonadjacent breaks snapshot isolation but not repeatable read", () => {
    expect(check(nonadjacent, "snapshot-isolation")["valid?"]).toBe(false);
    const repeatable = check(nonadjacent, "repeatable-read");
    expect(repeatable["valid?"]).toBe(true);
    expect(repeatable["allowed-anomaly-types"]).toEqual(["G-nonadjacent"]);
  });

  // Write skew: each txn read the key the other then wrote, two adjacent rw edges.
  const writeSkew: TestTxn[] = [
    { mops: [r("x", null), w("y", 1)], invokeNs: 0, completeNs: 10 },
    { mops: [r("y", null), w("x", 1)], invokeNs: 1, completeNs: 11 },
  ];
  test("two adjacent rw edges are G2-item: repeatable read fails, snapshot isolation does not", () => {
    const repeatable = check(writeSkew, "repeatable-read");
    expect(repeatable["anomaly-types"]).toEqual(["G2-item"]);
    expect(repeatable.not).toEqual(["repeatable-read"]);
    expect(check(writeSkew, "snapshot-isolation")["valid?"]).toBe(true);
  });

  test("Elle's repeatable read allows G-single; snapshot isolation does not", () => {
    const repeatable = check(readSkew, "repeatable-read");
    expect(repeatable["valid?"]).toBe(true);
    expect(repeatable["allowed-anomaly-types"]).toEqual(["G-single"]);
    expect(check(readSkew, "snapshot-isolation")["anomaly-types"]).toEqual(["G-single"]);
  });

  test("a model that needs process order gets it: a process that misses its own write is G-single-process", () => {
    const missedOwnWrite: TestTxn[] = [
      { mops: [w("x", 1)], process: 0 },
      { mops: [r("x", null)], process: 0 },
      { mops: [r("x", 1)], process: 1 },
    ];
    const result = check(missedOwnWrite, "strong-session-serializable");
    expect(result["anomaly-types"]).toEqual(["G-single-process"]);
    expect(check(missedOwnWrite, "serializable")["valid?"]).toBe(true);
  });

  test("every model name Elle 0.1.6 knows is accepted, canonical ones too; one only Elle 0.2 knows is not", () => {
    const known = ["PL-2", "cursor-stability", "ROLA", "strong-session-snapshot-isolation", "update-serializable"];
    for (const model of known) {
      expect(check(serial, model)["valid?"]).toBe(true);
    }
    // Maelstrom 0.2.3's Elle would throw on it, so its verdict is unknown.
    const later = checkAny(serial, "strong-read-committed");
    expect(later).toEqual({ "valid?": "unknown", error: expect.stringContaining("(Elle 0.1.6)") });
  });
});
