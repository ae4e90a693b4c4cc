/**
 * The runner judging real node processes as Maelstrom would: broken nodes on purpose, crashes,
 * silent nodes, protocol violations, and latency as the journal sees it.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runMaelstrom } from "./index.ts";
import { workloadResult } from "./results.ts";
import { checkUniqueIds } from "./workloads/unique-ids.ts";
import type { JournalEvent } from "./net.ts";

const repo = new URL("../..", import.meta.url).pathname;
const testdata = "maelstrom-lib/harness/testdata";

function run(...args: string[]) {
  return runMaelstrom(["test", ...args, "--no-progress"], { cwd: repo });
}

function readJsonl<T>(path: string): T[] {
  return readFileSync(path, "utf8").trim().split("\n").map((line) => JSON.parse(line) as T);
}

describe("runner verdicts on real nodes", () => {
  test("an echo reply with an extra key is malformed, so the run is invalid (exit 1)", async () => {
    const outcome = await run("-w", "echo", "--bin", `${testdata}/echo-extra-key.ts`, "--node-count", "1", "--time-limit", "2");
    expect(outcome.exitCode).toBe(1);
    const results = outcome.results!;
    expect(results.workload?.["valid?"]).toBe(false);
    expect(JSON.stringify(results.exceptions)).toContain('disallowed key \\"note\\"');
  });

  test("colliding unique ids are invalid, with the duplicates listed", async () => {
    const outcome = await run("-w", "unique-ids", "--bin", `${testdata}/unique-ids-counter.ts`, "--node-count", "3", "--time-limit", "2", "--rate", "50");
    expect(outcome.exitCode).toBe(1);
    const workload = workloadResult(outcome.results, checkUniqueIds);
    expect(workload["duplicated-count"]).toBeGreaterThan(0);
    expect(Object.keys(workload.duplicated)).toContain("0");
  });

  test("a node that exits ends the run with 255, naming the node, its status and last output", async () => {
    const outcome = await run("-w", "echo", "--bin", `${testdata}/exits-early.ts`, "--node-count", "1", "--time-limit", "10", "--rate", "20");
    expect(outcome.exitCode).toBe(255);
    const text = outcome.output.join("\n");
    expect(text).toContain("Node n0 crashed with exit status 3");
    expect(text).toContain("giving up after three echoes");
  });

  test("a node that never answers init ends the run with 255 after about 10 s", async () => {
    const startedMs = performance.now();
    const outcome = await run("-w", "echo", "--bin", `${testdata}/never-inits.ts`, "--node-count", "2", "--time-limit", "5");
    const elapsedMs = performance.now() - startedMs;
    expect(outcome.exitCode).toBe(255);
    expect(outcome.output.join("\n")).toMatch(/Node n[01] failed to initialize: no init_ok within 10 s/);
    expect(outcome.output.join("\n")).toContain("listening, but not answering");
    expect(elapsedMs).toBeGreaterThan(9_000);
    expect(elapsedMs).toBeLessThan(20_000);
  }, 30_000);

  test("a reply to a client that has gone is a protocol violation, reported, and the node's later output is dropped", async () => {
    const outcome = await run("-w", "echo", "--bin", `${testdata}/late-reply.ts`, "--node-count", "1", "--time-limit", "8", "--rate", "2");
    expect(outcome.exitCode).toBe(1); // later echoes time out, as under Maelstrom
    const violations = outcome.results!.errors!["protocol-violations"]!;
    expect(violations[0]!.node).toBe("n0");
    expect(violations[0]!.reason).toContain("unknown dest");
    expect(outcome.output.join("\n")).toContain("WARN protocol violation by n0");
  }, 30_000);

  test("constant latency is honoured within a few milliseconds on node↔service links", async () => {
    const outcome = await run("-w", "echo", "--bin", `${testdata}/tso-echo.ts`, "--node-count", "2", "--time-limit", "3", "--rate", "20", "--latency", "50");
    expect(outcome.exitCode).toBe(0);
    const journal = readJsonl<JournalEvent>(join(outcome.runDir!, "net-journal.jsonl"));
    const sentAt = new Map<number, number>();
    const delays: number[] = [];
    for (const event of journal) {
      if (event.type === "send") sentAt.set(event.id, event.time);
      else if (!event.src.startsWith("c") && !event.dest.startsWith("c")) delays.push((event.time - sentAt.get(event.id)!) / 1e6);
    }
    expect(delays.length).toBeGreaterThan(20);
    for (const delayMs of delays) expect(delayMs).toBeGreaterThanOrEqual(50); // never early
    // Within a few ms as a rule; a loaded shared machine may stall the odd delivery, so the
    // median is judged, not the maximum (the runner section reports the stalls).
    const sorted = [...delays].sort((a, b) => a - b);
    expect(sorted[Math.floor(sorted.length / 2)]!).toBeLessThan(50 + 5);
    expect(outcome.results!.net!.servers["msg-count"]).toBe(delays.length); // nothing dropped without a nemesis
  });

  test("results.json, history.jsonl and test.json are written with Maelstrom's key names", async () => {
    const outcome = await run("-w", "echo", "--bin", "01-echo/main.ts", "--node-count", "1", "--time-limit", "2", "--seed", "42");
    expect(outcome.exitCode).toBe(0);
    const results = JSON.parse(readFileSync(join(outcome.runDir!, "results.json"), "utf8"));
    expect(results["valid?"]).toBe(true);
    expect(Object.keys(results)).toEqual(expect.arrayContaining(["perf", "timeline", "exceptions", "stats", "availability", "net", "workload", "runner"]));
    expect(results.runner.seed).toBe(42);
    const history = readJsonl<{ type: string; process: number }>(join(outcome.runDir!, "history.jsonl"));
    expect(history.filter((op) => op.type === "invoke").length).toBe(results.stats.count);
    // init_ok + init counted: all msgs-per-op = (2 per op + 2) / ops
    expect(results.net.all["msg-count"]).toBe(2 * results.stats.count + 2);
  });
});

describe("runner health", () => {
  test("a node that floods the runner makes deliveries late, and the verdict warns of overload", async () => {
    const outcome = await run("-w", "echo", "--bin", `${testdata}/flood-peer.ts`, "--node-count", "2", "--time-limit", "3", "--rate", "3", "--latency", "5");
    const runner = outcome.results!.runner!;
    expect(runner["lateness-ms"].p99).toBeGreaterThan(10);
    expect(runner.warnings.join("\n")).toContain("machine was overloaded");
    expect(outcome.output.join("\n")).toContain("WARN runner: deliveries ran late");
  }, 60_000);

  test("a normal run carries no overload warning", async () => {
    const outcome = await run("-w", "echo", "--bin", "01-echo/main.ts", "--node-count", "2", "--time-limit", "3", "--rate", "100");
    expect(outcome.exitCode).toBe(0);
    expect(outcome.results!.runner!.warnings).toEqual([]);
    expect(outcome.output.join("\n")).not.toContain("WARN runner");
  });
});
