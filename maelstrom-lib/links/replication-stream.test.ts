/** The replication stream on its own: resend until acked, acks, and in-order delivery. */
import { describe, expect, test } from "bun:test";
import { ReplicationStream } from "./replication-stream.ts";

describe("ReplicationStream", () => {
  test("resends until acked, then sends nothing", () => {
    const a = new ReplicationStream<string>(["b"]);
    const b = new ReplicationStream<string>(["a"]);
    a.push("x");
    a.push("y");
    const lost = a.batchFor("b")!;
    expect(lost).toEqual({ from: 0, events: ["x", "y"], ack: 0 });
    // The first batch was dropped: the next tick sends the same again.
    const resent = a.batchFor("b")!;
    expect(b.receive("a", resent)).toEqual(["x", "y"]);
    // b owes an ack even with nothing of its own to send.
    const ack = b.batchFor("a")!;
    expect(ack).toEqual({ from: 0, events: [], ack: 2 });
    expect(a.receive("b", ack)).toEqual([]);
    expect(a.batchFor("b")).toBeUndefined();
    expect(b.batchFor("a")).toBeUndefined();
  });

  test("duplicates are applied once and a batch past a hole waits for the resend", () => {
    const b = new ReplicationStream<string>(["a"]);
    expect(b.receive("a", { from: 0, events: ["x"], ack: 0 })).toEqual(["x"]);
    expect(b.receive("a", { from: 0, events: ["x", "y"], ack: 0 })).toEqual(["y"]);
    expect(b.receive("a", { from: 5, events: ["z"], ack: 0 })).toEqual([]);
    expect(b.batchFor("a")).toEqual({ from: 0, events: [], ack: 2 });
  });
});
