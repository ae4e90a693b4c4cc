/**
 * The list-append checker against brute force: on small random histories, "serializable" by
 * the checker (no anomaly the serializable model prohibits) must match "some serial order of
 * the committed txns reproduces every read" found by trying all orders. Elle 0.1.6, whose
 * verdict the checker gives, misses future reads; Elle 0.2.7 finds them, and the checker lists
 * them beyond Maelstrom, so the verdict compared is the --strict one, and a difference between
 * the two must be a future read; and "strict
 * serializable" and "strong-session serializable" must match the same search restricted to
 * orders that respect real time, or each process's own order. On large components, where
 * brute force cannot go, against histories built to hold a known G-single or none (Elle's
 * `unfindable-g-single` test).
 */
import { describe, expect, test } from "bun:test";
import { Rng } from "../../primitives/rng.ts";
import { checkListAppend } from "./list-append.ts";
import { type TestTxn, txnHistory } from "../testdata/txn-histories.ts";
import type { CheckResult, Op } from "../../contracts/types.ts";
import type { Mop } from "./txns.ts";

type Plain = ["r", number, number[]] | ["append", number, number];
const KEYS = [1, 2];

/**
 * Random txns; reads are random prefixes of one random order of each key's appends; a last txn reads every key whole.
 */
function randomTxns(rng: Rng): { txns: Plain[][]; failed: Set<number> } {
  const count = rng.int(2, 6);
  const appends = new Map<number, number[]>(KEYS.map((k) => [k, []]));
  let next = 1;
  const shapes = Array.from({ length: count }, () =>
    Array.from({ length: rng.int(1, 4) }, () => ({ read: rng.chance(0.5), key: rng.pick(KEYS) })),
  );
  const txns: Plain[][] = shapes.map((mops) =>
    mops.map(({ read, key }): Plain => (read ? ["r", key, []] : ["append", key, next++])),
  );
  for (const txn of txns) for (const mop of txn) if (mop[0] === "append") appends.get(mop[1])!.push(mop[2]);
  // One txn's appends to a key keep their own order: Elle does not look for a txn's appends read
  // out of order (it has no anomaly for that), so the reference must not generate them.
  const order = new Map([...appends].map(([key, elements]) => [key, rng.shuffle([...elements])]));
  for (const txn of txns) {
    for (const key of KEYS) {
      const own = txn.flatMap((mop) => (mop[0] === "append" && mop[1] === key ? [mop[2]] : []));
      const list = order.get(key)!;
      const slots = own.map((e) => list.indexOf(e)).sort((x, y) => x - y);
      slots.forEach((slot, j) => (list[slot] = own[j]!));
    }
  }
  for (const txn of txns)
    for (const mop of txn)
      if (mop[0] === "r") mop[2] = order.get(mop[1])!.slice(0, rng.int(0, order.get(mop[1])!.length + 1));
  txns.push(KEYS.map((key): Plain => ["r", key, [...order.get(key)!]]));
  const failed = new Set<number>();
  txns.forEach((txn, i) => i < count && txn.every((mop) => mop[0] === "append") && rng.chance(0.2) && failed.add(i));
  return { txns, failed };
}

/**
 * Valid counting what newer Elle adds (the --strict verdict); throws when Maelstrom's verdict
 * differs from it for any reason but a future read.
 */
function strictlyValid(result: CheckResult): boolean {
  const findings = result["beyond-maelstrom"] ?? [];
  const odd = findings.find((finding) => finding.check !== "list-append future-read, Elle 0.2.7");
  if (odd) throw new Error(`unexpected finding beyond Maelstrom: ${odd.description}`);
  return result["valid?"] !== false && findings.length === 0;
}

function* permutations(items: number[]): Generator<number[]> {
  if (items.length <= 1) return yield items;
  for (let i = 0; i < items.length; i++)
    for (const rest of permutations([...items.slice(0, i), ...items.slice(i + 1)])) yield [items[i]!, ...rest];
}

/**
 * Does some serial order of the committed txns make every read see exactly the state at that
 * point? With `before`, the order must also put a before b whenever before(a, b).
 */
function bruteForceSerializable(
  txns: Plain[][],
  failed: Set<number>,
  before?: (a: number, b: number) => boolean,
  indeterminate = new Set<number>(),
): boolean {
  const committed = txns.map((_, i) => i).filter((i) => !failed.has(i) && !indeterminate.has(i));
  const maybe = [...indeterminate];
  // Each indeterminate txn may have happened or not; its reads are unknown.
  for (let mask = 0; mask < 1 << maybe.length; mask++) {
    const included = [...committed, ...maybe.filter((_, i) => mask & (1 << i))];
    if (someSerialOrder(txns, included, indeterminate, before)) return true;
  }
  return false;
}

function someSerialOrder(
  txns: Plain[][],
  included: number[],
  unknownReads: Set<number>,
  before?: (a: number, b: number) => boolean,
): boolean {
  for (const order of permutations(included)) {
    if (before && order.some((b, j) => order.slice(j + 1).some((a) => before(a, b)))) continue;
    const state = new Map<number, number[]>(KEYS.map((k) => [k, []]));
    const consistent = order.every((i) =>
      txns[i]!.every((mop) => {
        if (mop[0] === "append") return state.get(mop[1])!.push(mop[2]) > 0;
        if (unknownReads.has(i)) return true;
        const now = state.get(mop[1])!;
        return now.length === mop[2].length && now.every((e, j) => e === mop[2][j]);
      }),
    );
    if (consistent) return true;
  }
  return false;
}

describe("list-append checker vs brute-force serializability", () => {
  test("agrees on 3000 small random histories with aborted and indeterminate txns, both verdicts common", () => {
    const rng = new Rng(18);
    const verdicts = { serializable: 0, not: 0 };
    for (let round = 0; round < 3000; round++) {
      const { txns, failed } = randomTxns(rng);
      const indeterminate = new Set(
        txns.map((_, i) => i).filter((i) => i < txns.length - 1 && !failed.has(i) && rng.chance(0.15)),
      );
      const typeOf = (i: number) => (failed.has(i) ? "fail" : indeterminate.has(i) ? "info" : "ok");
      const history = txnHistory(
        txns.map(
          (mops, i): TestTxn => ({ mops: mops as unknown as Mop[], type: typeOf(i), invokeNs: 0, completeNs: 100 + i }),
        ),
      );
      const result = checkListAppend(history, { consistencyModels: ["serializable"] });
      const expected = bruteForceSerializable(txns, failed, undefined, indeterminate);
      if (strictlyValid(result) !== expected) {
        const seen = JSON.stringify({ txns, failed: [...failed], indeterminate: [...indeterminate], result });
        throw new Error(`disagreement (brute force: ${expected}): ${seen}`);
      }
      verdicts[expected ? "serializable" : "not"]++;
    }
    expect(verdicts.serializable).toBeGreaterThan(300);
    expect(verdicts.not).toBeGreaterThan(300);
  });

  test("agrees with brute-force strict serializability (real-time order respected) on 2000 histories", () => {
    const rng = new Rng(1818);
    const verdicts = { strict: 0, not: 0 };
    for (let round = 0; round < 2000; round++) {
      const { txns, failed } = randomTxns(rng);
      // Invocations at even times, completions at odd ones: no ties between the two.
      const times = txns.map((_, i) => {
        const invokeNs = i === txns.length - 1 ? 200 : 2 * rng.int(0, 40);
        return { invokeNs, completeNs: invokeNs + 2 * rng.int(0, 20) + 1 };
      });
      const history = txnHistory(
        txns.map(
          (mops, i): TestTxn => ({ mops: mops as unknown as Mop[], type: failed.has(i) ? "fail" : "ok", ...times[i]! }),
        ),
      );
      const result = checkListAppend(history, { consistencyModels: ["strict-serializable"] });
      const expected = bruteForceSerializable(txns, failed, (a, b) => times[a]!.completeNs < times[b]!.invokeNs);
      if (strictlyValid(result) !== expected) {
        const seen = JSON.stringify({ txns, times, failed: [...failed], result });
        throw new Error(`disagreement (brute force: ${expected}): ${seen}`);
      }
      verdicts[expected ? "strict" : "not"]++;
    }
    expect(verdicts.strict).toBeGreaterThan(200);
    expect(verdicts.not).toBeGreaterThan(200);
  });

  test(
    "agrees with brute-force strong-session serializability (each process's order respected) on 2000 " + "histories",
    () => {
      const rng = new Rng(1819);
      const verdicts = { session: 0, not: 0 };
      for (let round = 0; round < 2000; round++) {
        const { txns, failed } = randomTxns(rng);
        // Three sequential processes (the final reader gets its own), overlapping one another.
        const cursor = [0, 0, 0, 0];
        const timed = txns.map((_, i) => {
          const process = i === txns.length - 1 ? 3 : rng.int(0, 3);
          const invokeNs = cursor[process]! + 2 * rng.int(0, 5);
          const completeNs = invokeNs + 2 * rng.int(0, 5) + 1;
          cursor[process] = completeNs + 1;
          return { process, invokeNs, completeNs };
        });
        const history = txnHistory(
          txns.map(
            (mops, i): TestTxn => ({
              mops: mops as unknown as Mop[],
              type: failed.has(i) ? "fail" : "ok",
              ...timed[i]!,
            }),
          ),
        );
        const result = checkListAppend(history, { consistencyModels: ["strong-session-serializable"] });
        const sameProcessBefore = (a: number, b: number) =>
          timed[a]!.process === timed[b]!.process && timed[a]!.completeNs < timed[b]!.invokeNs;
        const expected = bruteForceSerializable(txns, failed, sameProcessBefore);
        if (strictlyValid(result) !== expected) {
          const seen = JSON.stringify({ txns, timed, failed: [...failed], result });
          throw new Error(`disagreement (brute force: ${expected}): ${seen}`);
        }
        verdicts[expected ? "session" : "not"]++;
      }
      expect(verdicts.session).toBeGreaterThan(200);
      expect(verdicts.not).toBeGreaterThan(200);
    },
  );
});

/**
 * Elle's unfindable-g-single history (test/elle/list_append_test.clj): a ring of `ring` txns
 * appending 0, 1, … to one key, the first appending to `anti` and the last reading it (empty:
 * the G-single; with the first's element: none), each middle one dangling a chain of `noise`
 * txns whose last two form rw-rw hops back to the ring's start, so the component is full of
 * G2-items that hide the single G-single. All txns run concurrently.
 */
function unfindableGSingle(ring: number, noise: number, hidden: boolean) {
  const txns: unknown[][][] = [];
  for (let i = 0; i < ring; i++) {
    let second: unknown[] = ["append", `k${i}`, 0];
    if (i === 0) second = ["append", "anti", 1];
    if (i === ring - 1) second = ["r", "anti", hidden ? [] : [1]];
    txns.push([["append", "ring", i], second]);
  }
  txns.push([["r", "ring", [...Array(ring).keys()]]]);
  for (let i = 1; i < ring - 1; i++) {
    for (let j = 1; j < noise; j++) {
      if (j === noise - 2)
        txns.push([
          ["r", `k${i}`, [...Array(noise - 2).keys()]],
          ["r", `anti${i}`, []],
        ]);
      else if (j === noise - 1)
        txns.push([
          ["append", `anti${i}`, 0],
          ["r", "ring", []],
        ]);
      else txns.push([["append", `k${i}`, j]]);
    }
  }
  return txnHistory(txns.map((mops): TestTxn => ({ mops: mops as unknown as Mop[], invokeNs: 0, completeNs: 1 })));
}

describe("list-append checker on large strongly connected components", () => {
  const si = (history: Op[], cycleSearchSteps?: number) =>
    checkListAppend(history, { consistencyModels: ["snapshot-isolation"], cycleSearchSteps });
  test("a G-single hidden in a 195-txn component is found under snapshot-isolation; without it, valid", () => {
    const hidden = unfindableGSingle(66, 3, true);
    expect(hidden.length / 2).toBe(195);
    const found = si(hidden);
    expect(found["valid?"]).toBe(false);
    expect(found["anomaly-types"]).toEqual(["G-single"]);
    expect(si(unfindableGSingle(66, 3, false))).toEqual({ "valid?": true });
  });

  test("agrees with the construction on 40 random ring and noise sizes, components of 30 to 900 txns", () => {
    const rng = new Rng(1207);
    for (let round = 0; round < 40; round++) {
      const [ring, noise, hidden] = [rng.int(10, 80), rng.int(3, 12), rng.chance(0.5)];
      const result = si(unfindableGSingle(ring, noise, hidden));
      expect(`${ring}/${noise}: ${result["valid?"]}`).toBe(`${ring}/${noise}: ${!hidden}`);
    }
  });

  test("Elle's own unfindable-g-single at full size (1000-txn ring, 29 000 noise txns): the G-single is found", () => {
    const result = si(unfindableGSingle(1000, 30, true));
    expect(result["valid?"]).toBe(false);
    expect(result["anomaly-types"]).toEqual(["G-single"]);
  });

  test("a search that runs out of budget makes the result unknown, with Elle's cycle-search-timeout saying why", () => {
    const result = si(unfindableGSingle(66, 3, false), 50);
    expect(result["valid?"]).toBe("unknown");
    expect(result["anomaly-types"]).toEqual(["cycle-search-timeout"]);
    const [timeout] = (result.anomalies as Record<string, Record<string, unknown>[]>)["cycle-search-timeout"]!;
    expect(timeout).toMatchObject({ "anomaly-spec-type": "G-single", "does-not-contain": ["G0", "G1c"] });
    expect(timeout!["scc-size"]).toBe(193);
    expect(timeout!.explanation).toMatch(/of 193 txns while looking for G-single; it had found no G0, G1c there/);
  });
});
