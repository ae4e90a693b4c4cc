import { expect, test } from "bun:test";
import { PeerLink } from "./peer-link.ts";

const TIMING = { retryMs: 1000, ackDelayMs: 300 };

test("a flush sends every queued value in one batch, then nothing until something new", () => {
  const link = new PeerLink("n1", TIMING);
  link.enqueue(1);
  link.enqueue(2);
  expect(link.takeBatch(0)).toEqual({ type: "gossip_batch", values: [1, 2], ack: [] });
  expect(link.takeBatch(10)).toBeUndefined();
  link.enqueue(3);
  expect(link.takeBatch(20)?.values).toEqual([3]);
});

test("unacknowledged values are resent after retryMs, acknowledged ones never", () => {
  const link = new PeerLink("n1", TIMING);
  link.enqueue(1);
  link.enqueue(2);
  link.takeBatch(0);
  link.receive({ type: "gossip_batch", values: [], ack: [1] }, 500);
  expect(link.takeBatch(999)).toBeUndefined();
  expect(link.takeBatch(1000)?.values).toEqual([2]);
  expect(link.takeBatch(1500)).toBeUndefined(); // just resent: wait another retryMs
  link.receive({ type: "gossip_batch", values: [], ack: [2] }, 1600);
  expect(link.takeBatch(5000)).toBeUndefined();
  expect(link.idle).toBe(true);
});

test("a retry resends everything in flight, and a silent peer gets one message per retryMs", () => {
  const link = new PeerLink("n1", TIMING);
  link.enqueue(1);
  link.takeBatch(0);
  link.enqueue(2);
  link.takeBatch(600);
  expect(link.takeBatch(1000)?.values).toEqual([1, 2]); // 1 is due, 2 rides along
  link.enqueue(3);
  expect(link.takeBatch(1010)).toBeUndefined(); // peer silent: 3 waits for the next retry
  expect(link.takeBatch(2000)?.values).toEqual([3, 1, 2]);
  // Hearing from the peer ends the back-off: new values go out at once again.
  link.receive({ type: "gossip_batch", values: [], ack: [1, 2, 3] }, 2100);
  link.enqueue(4);
  expect(link.takeBatch(2110)?.values).toEqual([4]);
});

test("acks ride along with values at once, and go alone only after ackDelayMs", () => {
  const link = new PeerLink("n1", TIMING);
  link.receive({ type: "gossip_batch", values: [7, 8], ack: [] }, 0);
  expect(link.takeBatch(299)).toBeUndefined();
  expect(link.takeBatch(300)).toEqual({ type: "gossip_batch", values: [], ack: [7, 8] });

  link.receive({ type: "gossip_batch", values: [9], ack: [] }, 400);
  link.enqueue(10);
  expect(link.takeBatch(410)).toEqual({ type: "gossip_batch", values: [10], ack: [9] });
});

test("values the peer sends us are not sent back to it", () => {
  const link = new PeerLink("n1", TIMING);
  link.enqueue(4);
  link.receive({ type: "gossip_batch", values: [4], ack: [] }, 0);
  expect(link.takeBatch(0)).toBeUndefined();
  expect(link.takeBatch(300)).toEqual({ type: "gossip_batch", values: [], ack: [4] });
});
