import { describe, expect, test } from "bun:test";
import { Rng } from "../harness/primitives/rng.ts";
import { FakeClock } from "../node/clock.ts";
import { LwwStore, type StampedWrite } from "./lww-store.ts";

/** A store's owner whose wall clock stands at 0 ms, so only the Lamport counter moves. */
const owner = (id: string) => ({ id, clock: new FakeClock() });

describe("LwwStore", () => {
  test("replicas that merge the same writes in any order hold the same values", () => {
    const a = new LwwStore(owner("n0"));
    const b = new LwwStore(owner("n1"));
    const writes: StampedWrite[] = [];
    for (let i = 0; i < 50; i++) {
      writes.push(...a.commit([[i % 5, i]]));
      writes.push(...b.commit([[i % 7, 100 + i]]));
    }
    const rng = new Rng(7);
    const replicas = [0, 1, 2].map((i) => new LwwStore(owner(`n${i + 2}`)));
    for (const replica of replicas) for (const write of rng.shuffle(writes)) replica.merge([write]);
    for (let key = 0; key < 7; key++) {
      const values = replicas.map((replica) => replica.read(key));
      expect(new Set(values).size).toBe(1);
    }
  });

  test("a local commit is stamped above every version merged before it", () => {
    const store = new LwwStore(owner("n0"));
    store.merge([{ key: 1, value: 9, counter: 41, node: "n1" }]);
    const [write] = store.commit([[1, 10]]);
    expect(write!.counter).toBe(42);
    expect(store.read(1)).toBe(10);
    // An older remote write of the key loses.
    store.merge([{ key: 1, value: 8, counter: 40, node: "n2" }]);
    expect(store.read(1)).toBe(10);
  });

  test("all writes of one commit share one stamp; equal counters fall back to the node id", () => {
    const store = new LwwStore(owner("n0"));
    const stamped = store.commit([
      [1, 1],
      [2, 2],
    ]);
    expect(new Set(stamped.map((write) => write.counter)).size).toBe(1);
    store.merge([{ key: 1, value: 5, counter: stamped[0]!.counter, node: "n1" }]);
    expect(store.read(1)).toBe(5);
    expect(store.read(3)).toBeNull();
  });

  test(
    "a counter never falls below the wall clock: a restarted store (counter lost) still stamps above its old " +
      "writes",
    () => {
      const clock = new FakeClock();
      clock.advance(1_000);
      const [before] = new LwwStore({ id: "n0", clock }).commit([[1, 1]]);
      clock.advance(5);
      const restarted = new LwwStore({ id: "n0", clock });
      const [after] = restarted.commit([[1, 2]]);
      expect(after!.counter).toBeGreaterThan(before!.counter);
      // The peer's copy of the old write arrives later and loses to the new one.
      restarted.merge([before!]);
      expect(restarted.read(1)).toBe(2);
    },
  );
});
