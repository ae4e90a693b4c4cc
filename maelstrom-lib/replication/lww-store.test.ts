import { describe, expect, test } from "bun:test";
import { Rng } from "../harness/rng.ts";
import { LwwStore, type StampedWrite } from "./lww-store.ts";

describe("LwwStore", () => {
  test("replicas that merge the same writes in any order hold the same values", () => {
    const a = new LwwStore({ id: "n0" });
    const b = new LwwStore({ id: "n1" });
    const writes: StampedWrite[] = [];
    for (let i = 0; i < 50; i++) {
      writes.push(...a.commit([[i % 5, i]]));
      writes.push(...b.commit([[i % 7, 100 + i]]));
    }
    const rng = new Rng(7);
    const replicas = [0, 1, 2].map((i) => new LwwStore({ id: `n${i + 2}` }));
    for (const replica of replicas) for (const write of rng.shuffle(writes)) replica.merge([write]);
    for (let key = 0; key < 7; key++) {
      const values = replicas.map((replica) => replica.read(key));
      expect(new Set(values).size).toBe(1);
    }
  });

  test("a local commit is stamped above every version merged before it", () => {
    const store = new LwwStore({ id: "n0" });
    store.merge([{ key: 1, value: 9, counter: 41, node: "n1" }]);
    const [write] = store.commit([[1, 10]]);
    expect(write!.counter).toBe(42);
    expect(store.read(1)).toBe(10);
    // An older remote write of the key loses.
    store.merge([{ key: 1, value: 8, counter: 40, node: "n2" }]);
    expect(store.read(1)).toBe(10);
  });

  test("all writes of one commit share one stamp; equal counters fall back to the node id", () => {
    const store = new LwwStore({ id: "n0" });
    const stamped = store.commit([[1, 1], [2, 2]]);
    expect(new Set(stamped.map((write) => write.counter)).size).toBe(1);
    store.merge([{ key: 1, value: 5, counter: stamped[0]!.counter, node: "n1" }]);
    expect(store.read(1)).toBe(5);
    expect(store.read(3)).toBeNull();
  });
});
