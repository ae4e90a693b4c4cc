import { expect, test } from "bun:test";
import { Rng } from "../rng.ts";
import { schemaViolation } from "../schema.ts";
import type { OpRequest, WorkerInfo } from "../types.ts";
import broadcast, { BROADCAST, READ, TOPOLOGY } from "./broadcast.ts";

const worker = (thread: number): WorkerInfo => ({ thread, process: thread, node: `n${thread}`, phaseElapsedMs: 0 });

test("the main phase mixes broadcasts and reads about half and half, broadcast values 0, 1, 2, …", () => {
  const source = broadcast.generator({ rng: new Rng(42), opts: {} as never });
  const ops = Array.from({ length: 1000 }, (_, i) => source.next(worker(i % 5)) as OpRequest);
  const broadcasts = ops.filter((op) => op.f === "broadcast");
  expect(broadcasts.map((op) => op.value)).toEqual(broadcasts.map((_, index) => index));
  expect(ops.every((op) => op.f === "broadcast" || (op.f === "read" && op.value === null))).toBe(true);
  expect(broadcasts.length).toBeGreaterThan(400);
  expect(broadcasts.length).toBeLessThan(600);
});

test("the final phase is exactly one final read per worker thread", () => {
  const source = broadcast.finalGenerator!({ rng: new Rng(1), opts: {} as never });
  expect(source.next(worker(0))).toEqual({ f: "read", value: null, final: true });
  expect(source.next(worker(1))).toEqual({ f: "read", value: null, final: true });
  expect(source.next(worker(0))).toBeUndefined();
});

test("reads are idempotent, broadcasts are not", () => {
  expect(broadcast.idempotent.has("read")).toBe(true);
  expect(broadcast.idempotent.has("broadcast")).toBe(false);
});

test("reply schemas are closed: no extra keys, read_ok needs a messages array", () => {
  expect(schemaViolation({ type: "broadcast_ok", in_reply_to: 1 }, BROADCAST.reply)).toBeUndefined();
  expect(schemaViolation({ type: "broadcast_ok", in_reply_to: 1, message: 3 }, BROADCAST.reply)).toMatch(/disallowed key "message"/);
  expect(schemaViolation({ type: "topology_ok", in_reply_to: 1, topology: {} }, TOPOLOGY.reply)).toMatch(/disallowed key/);
  expect(schemaViolation({ type: "read_ok", in_reply_to: 1, messages: [1, 2] }, READ.reply)).toBeUndefined();
  expect(schemaViolation({ type: "read_ok", in_reply_to: 1, messages: 3 }, READ.reply)).toMatch(/bad value for "messages"/);
  expect(schemaViolation({ type: "read_ok", in_reply_to: 1 }, READ.reply)).toMatch(/missing required key "messages"/);
});
