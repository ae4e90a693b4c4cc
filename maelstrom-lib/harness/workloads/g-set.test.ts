/**
 * The g-set workload: its op stream, client and schemas, and nodes judged end to end under the
 * simulation (a gossiping CRDT passes; a node that drops its peers' gossip loses their adds).
 */
import { describe, expect, test } from "bun:test";
import { Rng } from "../primitives/rng.ts";
import { schemaViolation } from "../contracts/schema.ts";
import type { OpRequest, WorkerInfo, WorkloadContext } from "../contracts/types.ts";
import { ADD, READ } from "../../protocol/g-set.ts";
import gSet from "./g-set.ts";
import { ScriptedConnection } from "./testdata/scripted-connection.ts";
import { runInTestStore } from "../testdata/test-runs.ts";

const ctx = { opts: {} as WorkloadContext["opts"], rng: new Rng(7) } satisfies WorkloadContext;
const worker: WorkerInfo = { thread: 0, process: 0, node: "n0", phaseElapsedMs: 0 };
const repo = new URL("../../..", import.meta.url).pathname;
const RUN_TIMEOUT_MS = 30_000;

function runGSet(...binArgs: string[]) {
  const flags = ["--node-count", "3", "--time-limit", "3", "--rate", "30", "--no-progress", "--sim", "--seed", "1"];
  return runInTestStore(
    ["test", "-w", "g-set", "--bin", "maelstrom-lib/harness/testdata/g-set-crdt.ts", ...flags, ...binArgs],
    { cwd: repo },
  );
}

describe("g-set workload", () => {
  test("adds of 0, 1, 2, … mixed half and half with reads", () => {
    const source = gSet.generator(ctx);
    const ops = Array.from({ length: 2000 }, () => source.next(worker) as OpRequest);
    const adds = ops.filter((op) => op.f === "add");
    expect(adds.map((op) => op.value)).toEqual(adds.map((_, i) => i));
    expect(adds.length / 2000).toBeGreaterThan(0.45);
    expect(adds.length / 2000).toBeLessThan(0.55);
    expect(ops.every((op) => op.f === "add" || (op.f === "read" && op.value === null))).toBe(true);
  });

  test("replies are closed maps; read_ok's set is under value", () => {
    expect(schemaViolation({ type: "add_ok", in_reply_to: 1 }, ADD.reply)).toBeUndefined();
    expect(schemaViolation({ type: "add_ok", in_reply_to: 1, element: 3 }, ADD.reply)).toContain("element");
    expect(schemaViolation({ type: "read_ok", in_reply_to: 1, value: [1, "a"] }, READ.reply)).toBeUndefined();
    expect(schemaViolation({ type: "read_ok", in_reply_to: 1, elements: [1] }, READ.reply)).toBeDefined();
  });

  test(
    "a read_ok of value null (a Go nil slice) passes, as g_set.clj's [s/Any] lets nil through, and is recorded " +
      "as is",
    async () => {
      const connection = new ScriptedConnection(() => ({ type: "read_ok", value: null }));
      expect(await gSet.newClient(connection, ctx).invoke({ f: "read", value: null }, worker)).toEqual({
        type: "ok",
        value: null,
      });
    },
  );

  test("the client sends add with element and read, errors are never classified", async () => {
    const connection = new ScriptedConnection((request) =>
      request.type === "add" ? { type: "add_ok" } : { type: "read_ok", value: [4] },
    );
    const client = gSet.newClient(connection, ctx);
    expect(await client.invoke({ f: "add", value: 4 }, worker)).toEqual({ type: "ok", value: 4 });
    expect(await client.invoke({ f: "read", value: null }, worker)).toEqual({ type: "ok", value: [4] });
    expect(connection.requests).toEqual([{ type: "add", element: 4 }, { type: "read" }]);
    expect(gSet.classifyErrors).toBe(false);
    expect(gSet.reusableClient).toBe(false);
  });

  test(
    "a gossiping CRDT passes: every add stable, none lost",
    async () => {
      const run = await runGSet();
      const workload = run.results!.workload as {
        "valid?": boolean;
        "lost-count": number;
        "stable-count": number;
        "attempt-count": number;
      };
      expect(workload["valid?"]).toBe(true);
      expect(workload["lost-count"]).toBe(0);
      expect(workload["stable-count"]).toBe(workload["attempt-count"]);
      expect(run.exitCode).toBe(0);
    },
    RUN_TIMEOUT_MS,
  );

  test(
    "a node that drops its peers' gossip fails with the lost adds named",
    async () => {
      const run = await runGSet("forget-peers");
      const workload = run.results!.workload as { "valid?": boolean; "lost-count": number; lost: unknown[] };
      expect(workload["valid?"]).toBe(false);
      expect(workload["lost-count"]).toBeGreaterThan(0);
      expect(workload.lost.length).toBeGreaterThan(0);
      expect(run.exitCode).toBe(1);
    },
    RUN_TIMEOUT_MS,
  );
});
