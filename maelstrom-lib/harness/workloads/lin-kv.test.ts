import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { KeyResult } from "../checkers/linearizable/index.ts";
import { Rng } from "../primitives/rng.ts";
import { schemaViolation } from "../contracts/schema.ts";
import type { Op, OpRequest, WorkerInfo, WorkloadContext } from "../contracts/types.ts";
import { CAS, READ, WRITE } from "../../protocol/lin-kv.ts";
import linKv, { IndependentRegisterOps, PROCESS_LIMIT } from "./lin-kv.ts";
import { ScriptedConnection } from "./testdata/scripted-connection.ts";
import { runInTestStore } from "../testdata/test-runs.ts";

const worker = (thread: number, process = thread): WorkerInfo => ({
  thread,
  process,
  node: `n${thread % 3}`,
  phaseElapsedMs: 0,
});
const info = (process: number): Op => ({ index: 0, time: 0, type: "info", process, f: "write", value: null });

describe("lin-kv generator (Jepsen's independent concurrent generator)", () => {
  test("groups of 2n threads each work one key: the first n read, the rest write and cas 1:2, values 0–4", () => {
    const source = new IndependentRegisterOps(new Rng(7), 3, 12);
    const ops = Array.from({ length: 6000 }, (_, i) => ({
      thread: i % 12,
      op: source.next(worker(i % 12)) as OpRequest,
    }));
    for (const { thread, op } of ops) {
      const [key] = op.value as [number, unknown];
      expect(key).toBe(thread < 6 ? 0 : 1);
      expect(op.f === "read").toBe(thread % 6 < 3);
    }
    const writers = ops.filter(({ op }) => op.f !== "read").map(({ op }) => op);
    const writes = writers.filter((op) => op.f === "write");
    expect(writes.length / writers.length).toBeGreaterThan(0.28);
    expect(writes.length / writers.length).toBeLessThan(0.39);
    expect(new Set(writes.map((op) => (op.value as [number, number])[1]))).toEqual(new Set([0, 1, 2, 3, 4]));
    const casValues = writers.filter((op) => op.f === "cas").flatMap((op) => (op.value as [number, number[]])[1]);
    expect(new Set(casValues)).toEqual(new Set([0, 1, 2, 3, 4]));
    expect(ops.find(({ op }) => op.f === "read")!.op.value).toEqual([0, null]);
  });

  test("a key is retired once more than 20 processes worked on it; the group takes the next unused key", () => {
    const source = new IndependentRegisterOps(new Rng(7), 1, 4); // two groups of 2 threads: keys 0 and 1
    let process = 0;
    // Thread 0 crashes again and again: every :info gives it a new process (old + concurrency).
    for (let crashes = 0; crashes < PROCESS_LIMIT - 2; crashes++) {
      expect((source.next(worker(0, process)) as OpRequest).value).toEqual([0, null]);
      source.observe(info(process) as Op, info(process));
      process += 4;
    }
    // 2 initial processes + 18 new ones = 20: still key 0; one more crash makes 21.
    expect(((source.next(worker(1)) as OpRequest).value as unknown[])[0]).toBe(0);
    source.observe(info(process), info(process));
    process += 4;
    expect(((source.next(worker(1)) as OpRequest).value as unknown[])[0]).toBe(2);
    expect(((source.next(worker(0, process)) as OpRequest).value as unknown[])[0]).toBe(2);
    expect(((source.next(worker(2)) as OpRequest).value as unknown[])[0]).toBe(1);
  });

  test("concurrency must be a multiple of 2n, as Jepsen asserts", () => {
    expect(() => new IndependentRegisterOps(new Rng(1), 3, 3)).toThrow("multiple of 6 (2n for 3 nodes)");
    expect(() => new IndependentRegisterOps(new Rng(1), 3, 9)).toThrow("it is 9");
    expect(() => new IndependentRegisterOps(new Rng(1), 3, 18)).not.toThrow();
  });

  test("over 10 nodes a key has more than 20 threads, so no op ever passes the process limit", () => {
    const source = new IndependentRegisterOps(new Rng(1), 11, 22);
    expect(source.next(worker(0))).toBeUndefined();
  });
});

describe("lin-kv client", () => {
  test("sends Maelstrom's read, write and cas bodies, with the lin-kv timeout, and reports tuples", async () => {
    const connection = new ScriptedConnection((request) =>
      request.type === "read" ? { type: "read_ok", value: 3 } : { type: `${String(request.type)}_ok` },
    );
    const ctx = { opts: { latencyMs: 250 } as WorkloadContext["opts"], rng: new Rng(1) };
    const client = linKv.newClient(connection, ctx);
    expect(await client.invoke({ f: "read", value: [4, null] }, worker(0))).toEqual({ type: "ok", value: [4, 3] });
    expect(await client.invoke({ f: "write", value: [4, 1] }, worker(0))).toEqual({ type: "ok", value: [4, 1] });
    expect(await client.invoke({ f: "cas", value: [4, [1, 2]] }, worker(0))).toEqual({
      type: "ok",
      value: [4, [1, 2]],
    });
    expect(connection.requests).toEqual([
      { type: "read", key: 4 },
      { type: "write", key: 4, value: 1 },
      { type: "cas", key: 4, from: 1, to: 2 },
    ]);
    expect(connection.timeouts).toEqual([2500, 2500, 2500]);
    const fast = linKv.newClient(connection, { ...ctx, opts: { latencyMs: 0 } as WorkloadContext["opts"] });
    await fast.invoke({ f: "read", value: [4, null] }, worker(0));
    expect(connection.timeouts.at(-1)).toBe(1000);
  });

  test("reads are idempotent (a timeout is :fail), clients are reusable, replies are closed maps", () => {
    expect([...linKv.idempotent]).toEqual(["read"]);
    expect(linKv.reusableClient).toBe(true);
    expect(schemaViolation({ type: "read_ok", in_reply_to: 1, value: [1, 2] }, READ.reply)).toBeUndefined();
    expect(schemaViolation({ type: "read_ok", in_reply_to: 1 }, READ.reply)).toContain("value");
    expect(schemaViolation({ type: "write_ok", in_reply_to: 1, key: 3 }, WRITE.reply)).toContain("key");
    expect(schemaViolation({ type: "cas_ok", in_reply_to: 1 }, CAS.reply)).toBeUndefined();
  });
});

const repo = new URL("../../..", import.meta.url).pathname;
const testdata = "maelstrom-lib/harness/workloads/testdata";

function run(bin: string, ...binArgs: string[]) {
  return runInTestStore(
    [
      "test",
      "-w",
      "lin-kv",
      "--bin",
      `${testdata}/${bin}`,
      ...binArgs,
      "--node-count",
      "3",
      "--concurrency",
      "2n",
      "--rate",
      "50",
      "--time-limit",
      "3",
      "--no-progress",
      "--sim",
      "--seed",
      "1",
    ],
    { cwd: repo },
  );
}

describe("lin-kv end to end (simulated)", () => {
  test("a node that proxies to the lin-kv service is linearizable", async () => {
    const outcome = await run("lin-kv-proxy.ts");
    const workload = outcome.results!.workload as { "valid?": unknown; results: Record<string, KeyResult> };
    expect(workload["valid?"]).toBe(true);
    expect(Object.keys(workload.results)).toEqual(["0"]);
    expect(workload.results["0"]!.linearizable["op-count"]).toBeGreaterThan(50);
    expect(outcome.exitCode).toBe(0);
  }, 30_000);

  test("a node that keeps its own map is not, and the bad key is named, explained and drawn", async () => {
    const outcome = await run("lin-kv-own-map.ts");
    expect(outcome.exitCode).toBe(1);
    const workload = outcome.results!.workload as {
      "valid?": unknown;
      failures: unknown[];
      results: Record<string, KeyResult>;
    };
    expect(workload["valid?"]).toBe(false);
    expect(workload.failures).toEqual([0]);
    const bad = workload.results["0"]!.linearizable as unknown as { explanation: string; op: Op };
    expect(bad.explanation).toStartWith("key 0: ");
    expect(bad.explanation).toContain("cannot be linearized");
    expect(["read", "cas"]).toContain(bad.op.f);
    const svg = join(outcome.runDir!, "independent", "0", "linear.svg");
    expect(existsSync(svg)).toBe(true);
    expect(readFileSync(svg, "utf8")).toContain("#ff4d4d");
    // The console and the viz page say it in words, with the partial linearization.
    const finding = outcome.output.find((line) => line.startsWith("  - key 0: "))!;
    expect(finding).toStartWith(`  - ${bad.explanation} Longest partial linearization (`);
    expect(finding).toMatch(/; then (.+ could not be linearized|nothing could come next)/);
    const viz = readFileSync(join(outcome.runDir!, "linearizability.html"), "utf8");
    expect(viz).toContain('<section class="key" id="key-0" data-key="0">');
    expect(viz).toMatch(/<line class="point"[^>]*data-next="\d+"/);
  }, 30_000);

  test("nodes that proxy to lww-kv (replicas never converge) or seq-kv (stale reads) are not " +
    "linearizable", async () => {
    for (const service of ["lww-kv", "seq-kv"]) {
      const outcome = await run("lin-kv-proxy.ts", service);
      expect([service, (outcome.results!.workload as { "valid?": unknown })["valid?"]]).toEqual([service, false]);
    }
  }, 60_000);
});
