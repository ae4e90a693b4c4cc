import { describe, expect, test } from "bun:test";
import { Rng } from "../primitives/rng.ts";
import type { OpRequest } from "../contracts/types.ts";
import { type TxnMop, TxnOps } from "./txn-generator.ts";

function generate(count: number, options = { keyCount: 10, maxTxnLength: 4, maxWritesPerKey: 16 }): TxnMop[][] {
  const ops = new TxnOps(new Rng(42), options);
  return Array.from({ length: count }, () => {
    const op = ops.next() as OpRequest;
    expect(op.f).toBe("txn");
    return op.value as TxnMop[];
  });
}

describe("TxnOps", () => {
  const txns = generate(5000);
  const mops = txns.flat();

  test("txn lengths are uniform over 1..max-txn-length", () => {
    const lengths = new Map<number, number>();
    for (const txn of txns) lengths.set(txn.length, (lengths.get(txn.length) ?? 0) + 1);
    expect([...lengths.keys()].sort()).toEqual([1, 2, 3, 4]);
    for (const count of lengths.values()) expect(count).toBeGreaterThan(1000);
  });

  test("about half the micro-ops are reads, sent with a null value", () => {
    const reads = mops.filter((mop) => mop[0] === "r");
    expect(reads.every((mop) => mop[2] === null)).toBe(true);
    expect(reads.length / mops.length).toBeGreaterThan(0.45);
    expect(reads.length / mops.length).toBeLessThan(0.55);
  });

  test("writes per key are 1, 2, … max-writes-per-key, each once, then the key retires", () => {
    const valuesByKey = new Map<number, number[]>();
    for (const [f, key, value] of mops) if (f === "w") valuesByKey.set(key, [...(valuesByKey.get(key) ?? []), value]);
    for (const [key, values] of valuesByKey) {
      expect(values).toEqual(values.map((_, i) => i + 1));
      expect(values.length).toBeLessThanOrEqual(16);
      if (values.length === 16) {
        const lastWrite = mops.findLastIndex((mop) => mop[0] === "w" && mop[1] === key);
        expect(mops.slice(lastWrite + 1).some((mop) => mop[1] === key)).toBe(false);
      }
    }
    expect(valuesByKey.size).toBeGreaterThan(10);
  });

  test("keys are integers and skewed: the hottest active slot takes about half the micro-ops", () => {
    expect(mops.every((mop) => Number.isInteger(mop[1]))).toBe(true);
    // Key 0 sits in the hottest slot until it retires after its 16th write.
    const firstTxns = generate(20, { keyCount: 10, maxTxnLength: 4, maxWritesPerKey: 1_000_000 }).flat();
    const key0 = firstTxns.filter((mop) => mop[1] === 0).length / firstTxns.length;
    expect(key0).toBeGreaterThan(0.3);
    expect(key0).toBeLessThan(0.7);
  });

  test("bad options are refused", () => {
    expect(() => new TxnOps(new Rng(1), { keyCount: 0, maxTxnLength: 4, maxWritesPerKey: 16 })).toThrow(/key-count/);
  });
});
