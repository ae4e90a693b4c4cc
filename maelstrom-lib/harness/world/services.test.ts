import { describe, expect, test } from "bun:test";
import { Rng } from "../primitives/rng.ts";
import { LinKVService, LinTSOService, LWWKVService, SeqKVService, SEQ_KV_HISTORY_STATES } from "./services.ts";

describe("lin-kv", () => {
  test("read, write, cas and their errors", () => {
    const kv = new LinKVService();
    expect(kv.handle("n0", { type: "read", key: "x" })).toEqual({
      type: "error",
      code: 20,
      text: "key does not exist",
    });
    expect(kv.handle("n0", { type: "cas", key: "x", from: 1, to: 2 })).toMatchObject({ code: 20 });
    expect(kv.handle("n0", { type: "cas", key: "x", from: 1, to: 2, create_if_not_exists: true })).toEqual({
      type: "cas_ok",
    });
    expect(kv.handle("n1", { type: "read", key: "x" })).toEqual({ type: "read_ok", value: 2 });
    expect(kv.handle("n1", { type: "cas", key: "x", from: 1, to: 3 })).toEqual({
      type: "error",
      code: 22,
      text: "current value 2 is not 1",
    });
    expect(kv.handle("n1", { type: "write", key: "x", value: [1, { a: 2 }] })).toEqual({ type: "write_ok" });
    expect(kv.handle("n1", { type: "cas", key: "x", from: [1, { a: 2 }], to: 0 })).toEqual({ type: "cas_ok" });
  });

  test('1 and "1" are different keys; unknown request types get no reply', () => {
    const kv = new LinKVService();
    kv.handle("n0", { type: "write", key: 1, value: "number" });
    expect(kv.handle("n0", { type: "read", key: "1" })).toMatchObject({ code: 20 });
    expect(kv.handle("n0", { type: "frob", key: 1 })).toBeUndefined();
  });
});

describe("seq-kv", () => {
  test("a client that only reads can see stale values; its own write makes it fresh", () => {
    const kv = new SeqKVService(new Rng(7));
    kv.handle("writer", { type: "write", key: "k", value: 0 });
    for (let i = 1; i <= 20; i++) kv.handle("writer", { type: "write", key: "k", value: i });
    const reads = Array.from({ length: 20 }, () => kv.handle("reader", { type: "read", key: "k" }));
    const values = reads.map((r) => (r?.type === "read_ok" ? (r.value as number) : -1));
    expect(values.some((v) => v < 20)).toBe(true); // stale
    for (let i = 1; i < values.length; i++) expect(values[i]!).toBeGreaterThanOrEqual(values[i - 1]!); // monotonic view
    kv.handle("reader", { type: "write", key: "reader-scratch", value: 1 });
    expect(kv.handle("reader", { type: "read", key: "k" })).toEqual({ type: "read_ok", value: 20 });
  });

  test("an identity CAS does not force freshness (Maelstrom issue #39)", () => {
    let staleAfterIdentityCas = 0;
    for (let seed = 0; seed < 30; seed++) {
      const kv = new SeqKVService(new Rng(seed));
      for (let i = 0; i <= 10; i++) kv.handle("writer", { type: "write", key: "k", value: i });
      const read = kv.handle("reader", { type: "read", key: "k" }) as { value?: number; code?: number };
      if (read.value === undefined) continue; // read before the first write: key missing
      kv.handle("reader", { type: "cas", key: "k", from: read.value, to: read.value });
      const again = kv.handle("reader", { type: "read", key: "k" }) as { value?: number };
      if (again.value !== 10) staleAfterIdentityCas++;
    }
    expect(staleAfterIdentityCas).toBeGreaterThan(0);
  });

  test("a CAS may fail against an old state (22) and succeeds when retried", () => {
    let spuriousFailures = 0;
    for (let seed = 0; seed < 30; seed++) {
      const kv = new SeqKVService(new Rng(seed));
      for (let i = 0; i <= 10; i++) kv.handle("writer", { type: "write", key: "k", value: i });
      let attempts = 1;
      while ((kv.handle("other", { type: "cas", key: "k", from: 10, to: 11 }) as { type: string }).type !== "cas_ok") {
        attempts++;
        expect(attempts).toBeLessThan(100);
      }
      if (attempts > 1) spuriousFailures++;
      // Its own change is visible to it
      expect(kv.handle("other", { type: "read", key: "k" })).toEqual({ type: "read_ok", value: 11 });
    }
    expect(spuriousFailures).toBeGreaterThan(0);
  });

  test(`views lag at most ${SEQ_KV_HISTORY_STATES} states`, () => {
    const kv = new SeqKVService(new Rng(11));
    kv.handle("reader", { type: "write", key: "own", value: 0 });
    for (let i = 0; i < 200; i++) kv.handle("writer", { type: "write", key: "k", value: i });
    for (let i = 0; i < 50; i++) {
      const read = kv.handle("reader", { type: "read", key: "k" }) as { value?: number };
      expect(read.value).toBeGreaterThanOrEqual(199 - SEQ_KV_HISTORY_STATES);
    }
  });
});

describe("lww-kv", () => {
  test("two replicas that never merge: a write is visible on only some reads; create is ignored", () => {
    const kv = new LWWKVService(new Rng(5));
    kv.handle("n0", { type: "write", key: "k", value: 1 });
    const reads = Array.from({ length: 40 }, () => kv.handle("n0", { type: "read", key: "k" }) as { type: string });
    expect(reads.some((r) => r.type === "read_ok")).toBe(true);
    expect(reads.some((r) => r.type === "error")).toBe(true);
    for (let i = 0; i < 10; i++) {
      expect(
        kv.handle("n0", { type: "cas", key: `new-${i}`, from: 0, to: 1, create_if_not_exists: true }),
      ).toMatchObject({ code: 20 });
    }
  });
});

test("lin-tso hands out 0, 1, 2, …", () => {
  const tso = new LinTSOService();
  expect([0, 1, 2].map(() => tso.handle("n0", { type: "ts" }))).toEqual([
    { type: "ts_ok", ts: 0 },
    { type: "ts_ok", ts: 1 },
    { type: "ts_ok", ts: 2 },
  ]);
});
