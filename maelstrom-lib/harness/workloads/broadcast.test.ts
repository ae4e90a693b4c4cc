import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Rng } from "../primitives/rng.ts";
import { schemaViolation } from "../contracts/schema.ts";
import type { Op, OpRequest, WorkerInfo } from "../contracts/types.ts";
import { BROADCAST, READ, TOPOLOGY } from "../../protocol/broadcast.ts";
import broadcast from "./broadcast.ts";
import { runInTestStore } from "../testdata/test-runs.ts";

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
  expect(schemaViolation({ type: "broadcast_ok", in_reply_to: 1, message: 3 }, BROADCAST.reply)).toMatch(
    /disallowed key "message"/,
  );
  expect(schemaViolation({ type: "topology_ok", in_reply_to: 1, topology: {} }, TOPOLOGY.reply)).toMatch(
    /disallowed key/,
  );
  expect(schemaViolation({ type: "read_ok", in_reply_to: 1, messages: [1, 2] }, READ.reply)).toBeUndefined();
  expect(schemaViolation({ type: "read_ok", in_reply_to: 1, messages: 3 }, READ.reply)).toMatch(
    /bad value for "messages"/,
  );
  expect(schemaViolation({ type: "read_ok", in_reply_to: 1 }, READ.reply)).toMatch(/missing required key "messages"/);
  // Prismatic's [s/Any] accepts nil: a Go node's nil slice is a valid (empty) read.
  expect(schemaViolation({ type: "read_ok", in_reply_to: 1, messages: null }, READ.reply)).toBeUndefined();
});

const repo = new URL("../../..", import.meta.url).pathname;
const RUN_TIMEOUT_MS = 30_000;
type SetFull = { "valid?": boolean | "unknown"; "lost-count": number; "stable-count": number; "attempt-count": number };

/**
 * Simulated; seed 1's first op is a read, invoked before any broadcast: its node has nothing,
 * so it answers null.
 */
function runNilReads(...binArgs: string[]) {
  const flags = ["--node-count", "3", "--time-limit", "2", "--rate", "30", "--seed", "1", "--no-progress", "--sim"];
  return runInTestStore(
    [
      "test",
      "-w",
      "broadcast",
      "--bin",
      "maelstrom-lib/harness/workloads/testdata/broadcast-nil-reads.ts",
      ...flags,
      ...binArgs,
    ],
    { cwd: repo },
  );
}

function okNullReads(runDir: string): number {
  const history = readFileSync(join(runDir, "history.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Op);
  return history.filter((op) => op.f === "read" && op.type === "ok" && op.value === null).length;
}

test(
  "a node answering empty reads with messages: null (a Go nil slice) is valid, as under Maelstrom",
  async () => {
    const run = await runNilReads();
    expect(okNullReads(run.runDir!)).toBeGreaterThan(0);
    const workload = run.results!.workload as SetFull;
    expect(workload["valid?"]).toBe(true);
    expect(workload["stable-count"]).toBe(workload["attempt-count"]);
    expect(run.exitCode).toBe(0);
  },
  RUN_TIMEOUT_MS,
);

test(
  "null reads as the empty set, not as no read: a node whose every read is null loses every broadcast",
  async () => {
    const run = await runNilReads("always-null");
    const workload = run.results!.workload as SetFull;
    expect(workload["valid?"]).toBe(false);
    expect(workload["lost-count"]).toBe(workload["attempt-count"]);
    expect(workload["lost-count"]).toBeGreaterThan(0);
    expect(run.exitCode).toBe(1);
  },
  RUN_TIMEOUT_MS,
);

test("the checker sees broadcasts as set-full's adds, as Maelstrom maps them: worst-stale shows :f add", () => {
  const ms = 1_000_000;
  const history: Op[] = [
    { index: 0, time: 0, type: "invoke", process: 0, f: "broadcast", value: 7 },
    { index: 1, time: 10 * ms, type: "ok", process: 0, f: "broadcast", value: 7 },
    { index: 2, time: 250 * ms, type: "invoke", process: 1, f: "read", value: null },
    { index: 3, time: 260 * ms, type: "ok", process: 1, f: "read", value: [] },
    { index: 4, time: 300 * ms, type: "invoke", process: 2, f: "read", value: null },
    { index: 5, time: 310 * ms, type: "ok", process: 2, f: "read", value: [7] },
  ];
  const result = broadcast.check(history, { opts: {} as never });
  const [worst] = result["worst-stale"] as { element: unknown; known: Op }[];
  expect(worst!.element).toBe(7);
  expect(worst!.known).toEqual({ ...history[1]!, f: "add" });
  expect(history[1]!.f).toBe("broadcast"); // the run's own history is not changed
  expect(result["attempt-count"]).toBe(1);
});
