/** The replication stream on its own: resend until acked, acks, in-order delivery, and restarts. */
import { describe, expect, test } from "bun:test";
import { ReplicationStream } from "./replication-stream.ts";

/** Two streams that have exchanged sync states, as PeerSync does at start. */
function pair() {
  const a = new ReplicationStream<string>(["b"], "a1");
  const b = new ReplicationStream<string>(["a"], "b1");
  b.adopt("a", a.syncState("b"));
  a.adopt("b", b.syncState("a"));
  return { a, b };
}

describe("ReplicationStream", () => {
  test("resends until acked, then sends nothing", () => {
    const { a, b } = pair();
    a.push("x");
    a.push("y");
    const lost = a.batchFor("b")!;
    expect(lost).toEqual({ incarnation: "a1", from: 0, events: ["x", "y"], ack: 0, ackIncarnation: "b1" });
    // The first batch was dropped: the next tick sends the same again.
    const resent = a.batchFor("b")!;
    expect(b.receive("a", resent)).toEqual(["x", "y"]);
    // b owes an ack even with nothing of its own to send.
    const ack = b.batchFor("a")!;
    expect(ack).toEqual({ incarnation: "b1", from: 0, events: [], ack: 2, ackIncarnation: "a1" });
    expect(a.receive("b", ack)).toEqual([]);
    expect(a.batchFor("b")).toBeUndefined();
    expect(b.batchFor("a")).toBeUndefined();
  });

  test("duplicates are applied once and a batch past a hole waits for the resend", () => {
    const { b } = pair();
    const batch = (from: number, events: string[]) => ({
      incarnation: "a1",
      from,
      events,
      ack: 0,
      ackIncarnation: "b1",
    });
    expect(b.receive("a", batch(0, ["x"]))).toEqual(["x"]);
    expect(b.receive("a", batch(0, ["x", "y"]))).toEqual(["y"]);
    expect(b.receive("a", batch(5, ["z"]))).toEqual([]);
    expect(b.batchFor("a")).toMatchObject({ events: [], ack: 2 });
  });

  test(
    "a restarted node's stream starts over: the dead incarnation's acks are ignored, and its new one waits for " +
      "adoption",
    () => {
      const { a, b } = pair();
      a.push("x");
      b.receive("a", a.batchFor("b")!);
      const staleAck = b.batchFor("a")!;
      // a dies; its new process numbers from 0 again.
      const a2 = new ReplicationStream<string>(["b"], "a2");
      a2.push("z");
      a2.receive("b", staleAck); // "ack 1" was a1's: taken, it would count "z" as delivered
      expect(a2.batchFor("b")).toMatchObject({ incarnation: "a2", from: 0, events: ["z"] });
      expect(b.receive("a", a2.batchFor("b")!)).toEqual([]); // b has not adopted a2
      // The sync: "z" travels in a2's snapshot, the stream goes on after it.
      b.adopt("a", a2.syncState("b"));
      a2.adopt("b", b.syncState("a"));
      a2.push("w");
      expect(b.receive("a", a2.batchFor("b")!)).toEqual(["w"]);
      a2.receive("b", b.batchFor("a")!);
      expect(a2.batchFor("b")).toBeUndefined();
    },
  );
});
