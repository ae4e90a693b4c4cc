/**
 * Why 4-grow-only-counter/main.ts writes before it reads: the runner's seq-kv (as Maelstrom's)
 * answers a client that only reads from an old state, and a CAS of a value onto itself is
 * answered from an old state too; only the client's own state change brings it up to date.
 * Each scenario runs over many seeds, so the counts below are exact and repeatable.
 */
import { describe, expect, test } from "bun:test";
import { Rng } from "../maelstrom-lib/harness/primitives/rng.ts";
import { SeqKVService } from "../maelstrom-lib/harness/world/services.ts";

const SEEDS = Array.from({ length: 100 }, (_, i) => i + 1);
const LATEST_VALUE = 20;

/** A seq-kv where n0 has just written counter = 1, 2, …, LATEST_VALUE. */
function seqKvAfterWrites(seed: number): SeqKVService {
  const kv = new SeqKVService(new Rng(seed));
  for (let value = 1; value <= LATEST_VALUE; value++) kv.handle("n0", { type: "write", key: "counter", value });
  return kv;
}

/** What n1 gets back for a plain read of the counter (undefined if the key looked absent). */
function readCounter(kv: SeqKVService, src: string): number | undefined {
  const reply = kv.handle(src, { type: "read", key: "counter" })!;
  return reply.type === "read_ok" ? (reply.value as number) : undefined;
}

/** The write-up's read: read, then CAS the value onto itself; start over if the CAS fails. */
function readConfirmedByIdentityCas(kv: SeqKVService, src: string): number | undefined {
  for (let attempt = 0; attempt < 100; attempt++) {
    const value = readCounter(kv, src);
    if (value === undefined) continue;
    const reply = kv.handle(src, { type: "cas", key: "counter", from: value, to: value })!;
    if (reply.type === "cas_ok") return value;
  }
  throw new Error("identity CAS never succeeded");
}

describe("seq-kv freshness", () => {
  test("a client that only reads usually sees a stale counter", () => {
    const firstReads = SEEDS.map((seed) => readCounter(seqKvAfterWrites(seed), "n1"));
    const stale = firstReads.filter((value) => value !== LATEST_VALUE);
    // The state is drawn uniformly from the 21 states n1 may still see: 1 in 21 is fresh.
    expect(stale.length).toBeGreaterThan(80);
  });

  test("the write-up's read (read, then CAS the value onto itself) often returns a stale counter", () => {
    const results = SEEDS.map((seed) => readConfirmedByIdentityCas(seqKvAfterWrites(seed), "n1"));
    const stale = results.filter((value) => value !== LATEST_VALUE);
    expect(stale.length).toBeGreaterThan(30);
  });

  test("after its own write to a private key, a client always reads the latest counter", () => {
    for (const seed of SEEDS) {
      const kv = seqKvAfterWrites(seed);
      expect(kv.handle("n1", { type: "write", key: "freshness-n1", value: 1 })).toEqual({ type: "write_ok" });
      expect(readCounter(kv, "n1")).toBe(LATEST_VALUE);
    }
  });

  test("rewriting the value a private key already holds is no state change, so it does not help", () => {
    const stale = SEEDS.filter((seed) => {
      const kv = seqKvAfterWrites(seed);
      kv.handle("n1", { type: "write", key: "freshness-n1", value: 1 });
      for (let value = 1; value <= LATEST_VALUE; value++)
        kv.handle("n0", { type: "write", key: "counter", value: 100 + value });
      kv.handle("n1", { type: "write", key: "freshness-n1", value: 1 });
      return readCounter(kv, "n1") !== 100 + LATEST_VALUE;
    });
    expect(stale.length).toBeGreaterThan(80);
  });
});
