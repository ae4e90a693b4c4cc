import { describe, expect, test } from "bun:test";
import { Rng } from "../primitives/rng.ts";
import { schemaViolation } from "../contracts/schema.ts";
import type { OpRequest, WorkerInfo, WorkloadContext } from "../contracts/types.ts";
import { finalReads } from "./final-reads.ts";
import { ADD, READ } from "../../protocol/g-counter.ts";
import gCounter, { counterOps } from "./g-counter.ts";
import { ScriptedConnection } from "./testdata/scripted-connection.ts";

const ctx = { opts: {} as WorkloadContext["opts"], rng: new Rng(42) } satisfies WorkloadContext;
const worker = (thread: number): WorkerInfo => ({ thread, process: thread, node: `n${thread}`, phaseElapsedMs: 0 });

describe("g-counter workload", () => {
  test("about one add per two reads, deltas 0 to 4 including zero", () => {
    const source = counterOps(ctx);
    const ops = Array.from({ length: 3000 }, () => source.next(worker(0)) as OpRequest);
    const adds = ops.filter((op) => op.f === "add");
    const reads = ops.filter((op) => op.f === "read");
    expect(adds.length + reads.length).toBe(3000);
    expect(adds.length / 3000).toBeGreaterThan(0.29);
    expect(adds.length / 3000).toBeLessThan(0.38);
    expect(new Set(adds.map((op) => op.value))).toEqual(new Set([0, 1, 2, 3, 4]));
    expect(reads.every((op) => !op.final)).toBe(true);
  });

  test("the final phase gives each worker exactly one final read", () => {
    const source = finalReads();
    expect(source.next(worker(0))).toEqual({ f: "read", value: null, final: true });
    expect(source.next(worker(1))).toEqual({ f: "read", value: null, final: true });
    expect(source.next(worker(0))).toBeUndefined();
    expect(source.next(worker(1))).toBeUndefined();
  });

  test("errors are never classified and clients are not reused", () => {
    expect(gCounter.classifyErrors).toBe(false);
    expect(gCounter.reusableClient).toBe(false);
    expect(gCounter.idempotent.size).toBe(0);
  });

  test("reply schemas are closed and read_ok needs an integer value", () => {
    expect(schemaViolation({ type: "add_ok", in_reply_to: 1 }, ADD.reply)).toBeUndefined();
    expect(schemaViolation({ type: "add_ok", in_reply_to: 1, delta: 3 }, ADD.reply)).toContain("delta");
    expect(schemaViolation({ type: "read_ok", in_reply_to: 1, value: 7 }, READ.reply)).toBeUndefined();
    expect(schemaViolation({ type: "read_ok", in_reply_to: 1, value: 7.5 }, READ.reply)).toContain("value");
    expect(schemaViolation({ type: "read_ok", in_reply_to: 1, value: "7" }, READ.reply)).toContain("value");
    expect(schemaViolation({ type: "read_ok", in_reply_to: 1 }, READ.reply)).toContain("value");
  });

  test("the client sends add with delta and read, and reports the read value", async () => {
    const connection = new ScriptedConnection((request) =>
      request.type === "add" ? { type: "add_ok" } : { type: "read_ok", value: 9 },
    );
    const client = gCounter.newClient(connection, ctx);
    expect(await client.invoke({ f: "add", value: 3 }, worker(0))).toEqual({ type: "ok", value: 3 });
    expect(await client.invoke({ f: "read", value: null, final: true }, worker(0))).toEqual({ type: "ok", value: 9 });
    expect(connection.requests).toEqual([{ type: "add", delta: 3 }, { type: "read" }]);
  });
});
