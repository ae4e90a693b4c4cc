/**
 * A small, hand-made run folder in the runner's exact file formats, for the report's tests:
 * a 3-node broadcast with a partition window, then a kill and a restart, a pause and a resume,
 * and a kill that hit nobody (the nemesis's events, in order); an error reply, a message cut by
 * the partition, node↔service traffic and init handshakes (which the diagram must leave out).
 */
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Op } from "../../contracts/types.ts";
import type { JournalEvent } from "../../contracts/journal.ts";

const NS_PER_MS = 1_000_000;

/** What the synthetic run contains, for assertions. */
export interface SyntheticRun {
  runDir: string;
  journal: JournalEvent[];
  history: Op[];
  results: Record<string, unknown>;
}

/** Builds the journal: init handshakes, client ops, gossip (one cut by a partition), a lin-kv read and an error. */
function buildJournal(): JournalEvent[] {
  const events: JournalEvent[] = [];
  let nextId = 0;
  let timeMs = 0;
  const message = (src: string, dest: string, body: Record<string, unknown>, delivered = true): void => {
    const id = nextId++;
    timeMs += 5;
    events.push({ type: "send", id, time: timeMs * NS_PER_MS, src, dest, body });
    if (!delivered) return;
    timeMs += 5;
    events.push({ type: "recv", id, time: timeMs * NS_PER_MS, src, dest, body });
  };
  for (const [index, node] of ["n0", "n1", "n2"].entries()) {
    message(`c${index}`, node, { type: "init", msg_id: 1, node_id: node, node_ids: ["n0", "n1", "n2"] });
    message(node, `c${index}`, { type: "init_ok", in_reply_to: 1 });
  }
  message("c3", "n0", { type: "broadcast", message: 0, msg_id: 1 });
  message("n0", "c3", { type: "broadcast_ok", in_reply_to: 1 });
  message("n0", "n1", { type: "gossip", messages: [0], msg_id: 1 });
  message("n0", "n2", { type: "gossip", messages: [0], msg_id: 2 }, false); // cut by the partition
  message("n1", "lin-kv", { type: "read", key: "x", msg_id: 1 });
  message("lin-kv", "n1", { type: "error", code: 20, text: "key does not exist", in_reply_to: 1 });
  message("c4", "n1", { type: "read", msg_id: 1 });
  message("n1", "c4", { type: "read_ok", messages: [0], in_reply_to: 1 });
  message("n1", "n0", { type: "gossip_ok", in_reply_to: 1 });
  return events;
}

/** A nemesis op as nemesis.ts records it: the invocation at `atMs`, the completion 1 ms later. */
function nemesisPair(atMs: number, f: string, invokeValue: unknown, completionValue: unknown): Omit<Op, "index">[] {
  return [
    { time: atMs * NS_PER_MS, type: "info", process: "nemesis", f, value: invokeValue },
    { time: (atMs + 1) * NS_PER_MS, type: "info", process: "nemesis", f, value: completionValue },
  ];
}

function buildHistory(): Op[] {
  const ms = (value: number): number => value * NS_PER_MS;
  const ops: Omit<Op, "index">[] = [
    { time: ms(1), type: "info", process: "nemesis", f: "start-partition", value: undefined },
    { time: ms(2), type: "info", process: "nemesis", f: "start-partition", value: ["isolated", { n2: ["n0", "n1"] }] },
    { time: ms(60), type: "invoke", process: 0, f: "broadcast", value: 0 },
    { time: ms(72), type: "ok", process: 0, f: "broadcast", value: 0 },
    { time: ms(100), type: "invoke", process: 1, f: "read", value: null },
    { time: ms(130), type: "ok", process: 1, f: "read", value: [0] },
    { time: ms(140), type: "invoke", process: 2, f: "read", value: null },
    { time: ms(1140), type: "fail", process: 2, f: "read", value: null, error: "net-timeout" },
    { time: ms(1500), type: "info", process: "nemesis", f: "stop-partition", value: undefined },
    { time: ms(1510), type: "info", process: "nemesis", f: "stop-partition", value: "network-healed" },
    { time: ms(1600), type: "invoke", process: 0, f: "broadcast", value: 1 },
    ...nemesisPair(2000, "kill", "one", { n1: "killed" }),
    ...nemesisPair(2500, "start", "all", { n0: "already-running", n1: "started", n2: "already-running" }),
    ...nemesisPair(3000, "pause", "minority", { n0: "paused" }),
    ...nemesisPair(4250, "resume", "all", { n0: "resumed", n1: "not-paused", n2: "not-paused" }),
    ...nemesisPair(5000, "kill", "minority-third", {}),
    ...nemesisPair(5500, "start", "all", { n0: "already-running", n1: "already-running", n2: "already-running" }),
    { time: ms(6600), type: "info", process: 0, f: "broadcast", value: 1, error: "net-timeout" },
    { time: ms(7000), type: "invoke", process: 3, f: "read", value: null, final: true },
    { time: ms(7004), type: "ok", process: 3, f: "read", value: [0, 1], final: true },
  ];
  return ops.map((op, index) => ({ index, ...op }));
}

function buildResults(journal: JournalEvent[], history: Op[]): Record<string, unknown> {
  const isClient = (id: string): boolean => id.startsWith("c");
  const serverIds = new Set(
    journal.filter((event) => !isClient(event.src) && !isClient(event.dest)).map((event) => event.id),
  );
  const opCount = history.filter((op) => op.type === "invoke" && op.process !== "nemesis").length;
  return {
    perf: { "latency-graph": { "valid?": true }, "rate-graph": { "valid?": true }, "valid?": true },
    timeline: { "valid?": true },
    exceptions: { "valid?": true },
    stats: { "valid?": true, count: 5, "ok-count": 3, "fail-count": 1, "info-count": 1, "by-f": {} },
    availability: { "valid?": true, "ok-fraction": 0.6 },
    net: {
      all: { "send-count": 22, "recv-count": 21, "msg-count": 22, "msgs-per-op": 22 / opCount },
      clients: { "send-count": 16, "recv-count": 16, "msg-count": 16 },
      servers: {
        "send-count": 6,
        "recv-count": 5,
        "msg-count": serverIds.size,
        "msgs-per-op": serverIds.size / opCount,
      },
      "valid?": true,
    },
    workload: {
      "valid?": false,
      "attempt-count": 2,
      "stable-count": 1,
      "lost-count": 1,
      lost: [1],
      "stable-latencies": { "0": 0, "0.5": 12, "0.95": 40, "0.99": 40, "1": 40 },
      "lost-latencies": { "0": 0, "0.5": 0, "0.95": 0, "0.99": 0, "1": 0 },
    },
    "valid?": false,
    runner: { seed: 42 },
  };
}

/** Writes the synthetic run into a fresh temp folder `<tmp>/store/broadcast/<time>/`. */
export async function writeSyntheticRun(): Promise<SyntheticRun> {
  const storeDir = join(mkdtempSync(join(tmpdir(), "report-test-")), "store");
  const runDir = join(storeDir, "broadcast", "20260101T000000.000Z");
  mkdirSync(join(runDir, "node-logs"), { recursive: true });
  const journal = buildJournal();
  const history = buildHistory();
  const results = buildResults(journal, history);
  const jsonLines = (values: unknown[]): string => values.map((value) => JSON.stringify(value)).join("\n") + "\n";
  await Bun.write(join(runDir, "net-journal.jsonl"), jsonLines(journal));
  await Bun.write(join(runDir, "history.jsonl"), jsonLines(history));
  await Bun.write(join(runDir, "results.json"), JSON.stringify(results, null, 2));
  await Bun.write(
    join(runDir, "test.json"),
    JSON.stringify({
      workload: "broadcast",
      bin: "/x/3c/main.ts",
      binArgs: [],
      nodeIds: ["n0", "n1", "n2"],
      timeLimitSec: 7,
      rate: 10,
      concurrency: 3,
      latencyMs: 0,
      latencyDist: "constant",
      nemesis: ["partition"],
      seed: 42,
    }),
  );
  for (const node of ["n0", "n1", "n2"]) await Bun.write(join(runDir, "node-logs", `${node}.log`), `${node} started\n`);
  return { runDir, journal, history, results };
}
