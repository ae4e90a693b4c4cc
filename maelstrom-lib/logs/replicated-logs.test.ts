/**
 * 5c's logs on their own: offsets no two nodes share, and polls that never run ahead of a
 * peer's promise.
 */
import { describe, expect, test } from "bun:test";
import { ReplicatedLogs } from "./replicated-logs.ts";

describe("ReplicatedLogs", () => {
  test("each node hands out its own residue class, above everything it knows", () => {
    const n0 = new ReplicatedLogs(0, 2, ["n1"]);
    const n1 = new ReplicatedLogs(1, 2, ["n0"]);
    expect([n0.append("k", 10), n0.append("k", 11)]).toEqual([0, 2]);
    expect(n1.append("k", 20)).toBe(1);
    // n1 learns n0's offset 2: its next offset must be above it.
    n1.learnEntry("n0", "k", 2, 11);
    expect(n1.append("k", 21)).toBe(3);
  });

  test("a poll returns nothing a peer has not promised to stay above", () => {
    const n0 = new ReplicatedLogs(0, 2, ["n1"]);
    n0.append("k", 10);
    n0.append("k", 11);
    // n1 might still take offset 1: nothing is safe yet.
    expect(n0.poll({ k: 0 })).toEqual({});
    // n1 took offset 1 and says so: offsets 0 and 1 are complete, 2 is not yet.
    n0.learnEntry("n1", "k", 1, 20);
    expect(n0.poll({ k: 0 })).toEqual({
      k: [
        [0, 10],
        [1, 20],
      ],
    });
    // n1 promises to stay at 3 or above: everything known is complete.
    n0.learnFrontier("n1", "k", 3);
    expect(n0.poll({ k: 1 })).toEqual({
      k: [
        [1, 20],
        [2, 11],
      ],
    });
  });

  test("with one node everything is safe at once", () => {
    const solo = new ReplicatedLogs(0, 1, []);
    solo.append("k", 5);
    expect(solo.poll({ k: 0, other: 0 })).toEqual({ k: [[0, 5]] });
  });

  test("frontier is one above the highest offset known, from any node", () => {
    const n0 = new ReplicatedLogs(0, 2, ["n1"]);
    expect(n0.frontier("k")).toBe(0);
    expect(n0.learnEntry("n1", "k", 7, 1)).toBe(true);
    expect(n0.frontier("k")).toBe(8);
    expect(n0.learnEntry("n1", "k", 5, 2)).toBe(false);
  });

  test("this node's own entry is shown at once below the peers' promises, before any peer holds it", () => {
    const n0 = new ReplicatedLogs(0, 2, ["n1"]);
    n0.learnFrontier("n1", "k", 3);
    n0.append("k", 10);
    n0.append("k", 11);
    n0.append("k", 12);
    expect(n0.poll({ k: 0 })).toEqual({
      k: [
        [0, 10],
        [2, 11],
      ],
    });
  });

  test(
    "a restarted node takes in a peer's snapshot: allocation above everything held, promises and commits " + "back",
    () => {
      const n0 = new ReplicatedLogs(0, 2, ["n1"]);
      const n1 = new ReplicatedLogs(1, 2, ["n0"]);
      for (const msg of [1, 2, 3]) {
        const offset = n0.append("k", msg);
        n1.learnEntry("n0", "k", offset, msg);
      }
      n1.append("k", 9);
      n1.commit("k", 2);
      // n0 dies; its new process knows nothing until n1's snapshot is in.
      const restarted = new ReplicatedLogs(0, 2, ["n1"]);
      expect([...restarted.merge("n1", n1.snapshot())]).toEqual(["k"]);
      expect(restarted.append("k", 4)).toBeGreaterThan(5);
      expect(restarted.committed(["k"])).toEqual({ k: 2 });
      // n1 promised its frontier 6: offsets up to 5 are complete (the new one, above, not yet).
      expect(restarted.poll({ k: 0 })).toEqual({
        k: [
          [0, 1],
          [2, 2],
          [4, 3],
          [5, 9],
        ],
      });
    },
  );
});
