#!/usr/bin/env bun
/**
 * `bun run bench linearizable`: the lin-kv checker on histories of real lin-kv runs: 3, 5 and
 * 10 nodes at concurrency 2n and 10n, 60 s at rate 100 and 20 s at rate 1000, through the
 * lin-kv-proxy test node (linearizable), plus runs of nodes that are not (their own map per
 * node, or lww-kv). Reports ops checked per second and peak memory, each history checked in a
 * fresh process so that its peak RSS is its own. Histories are recorded once into bench/tmp/
 * (ignored by git) and reused; `--record` records them again.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { checkLinearizable, type KeyResult } from "../maelstrom-lib/harness/checkers/linearizable/index.ts";
import { runMaelstrom } from "../maelstrom-lib/harness/index.ts";
import type { Op } from "../maelstrom-lib/harness/contracts/types.ts";
import { RUN_FILES } from "../maelstrom-lib/harness/contracts/run-files.ts";
import { readmeBlock, writeBenchResults } from "./results-file.ts";

const repo = join(import.meta.dir, "..");
const storeDir = join(import.meta.dir, "tmp", "linearizable-histories");
const testdata = "maelstrom-lib/harness/workloads/testdata";

interface Recording {
  name: string;
  bin: string;
  binArgs: string[];
  nodes: number;
  concurrency: string;
  seconds: number;
  rate: number;
}

const linearizable = (nodes: number, concurrency: string, seconds: number, rate: number): Recording => ({
  name: `lin-kv-proxy-${nodes}n-c${concurrency}-${seconds}s-r${rate}`,
  bin: `${testdata}/lin-kv-proxy.ts`,
  binArgs: [],
  nodes,
  concurrency,
  seconds,
  rate,
});

const RECORDINGS: Recording[] = [
  ...[3, 5, 10].flatMap((nodes) => [linearizable(nodes, "2n", 60, 100), linearizable(nodes, "10n", 20, 1000)]),
  linearizable(10, "2n", 20, 1000),
  {
    name: "own-map-3n-c2n-20s-r1000",
    bin: `${testdata}/lin-kv-own-map.ts`,
    binArgs: [],
    nodes: 3,
    concurrency: "2n",
    seconds: 20,
    rate: 1000,
  },
  {
    name: "own-map-5n-c10n-20s-r1000",
    bin: `${testdata}/lin-kv-own-map.ts`,
    binArgs: [],
    nodes: 5,
    concurrency: "10n",
    seconds: 20,
    rate: 1000,
  },
  {
    name: "lww-kv-3n-c2n-20s-r1000",
    bin: `${testdata}/lin-kv-proxy.ts`,
    binArgs: ["lww-kv"],
    nodes: 3,
    concurrency: "2n",
    seconds: 20,
    rate: 1000,
  },
];

/** What one fresh process measures on one history. */
interface Measurement {
  ops: number;
  keys: number;
  maxKeyOps: number;
  valid: unknown;
  checkMs: number;
  /** Peak RSS before the check (Bun and the parsed history) and after it. */
  rssBeforeMb: number;
  peakRssMb: number;
  heapDeltaMb: number;
}

if (process.argv[2] === "--measure") {
  console.log(JSON.stringify(measure(process.argv[3]!)));
  process.exit(0);
}

function measure(historyPath: string): Measurement {
  const history = readFileSync(historyPath, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Op);
  Bun.gc(true);
  const rssBeforeMb = peakRssMb();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const result = checkLinearizable(history);
  const checkMs = performance.now() - started;
  const heapAfter = process.memoryUsage().heapUsed;
  const keyResults = Object.values(result.results as Record<string, KeyResult>);
  const keyOpCounts = keyResults.map((key) => key.linearizable["op-count"] as number);
  return {
    ops: history.filter((op) => op.type === "invoke").length,
    keys: keyOpCounts.length,
    maxKeyOps: Math.max(0, ...keyOpCounts),
    valid: result["valid?"],
    checkMs,
    rssBeforeMb,
    peakRssMb: peakRssMb(),
    heapDeltaMb: (heapAfter - heapBefore) / 2 ** 20,
  };
}

/** The process's peak resident set (Linux VmHWM), which includes the parsed history. */
function peakRssMb(): number {
  const status = readFileSync("/proc/self/status", "utf8");
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** The recorded run of this recording, recording it if there is none (or --record). */
async function recordedHistory(recording: Recording): Promise<string | undefined> {
  const store = join(storeDir, recording.name);
  const latest = join(store, "lin-kv", "latest", RUN_FILES.history);
  if (!process.argv.includes("--record") && existsSync(latest)) return latest;
  console.log(`recording ${recording.name} ...`);
  const run = await runMaelstrom(
    [
      "test",
      "-w",
      "lin-kv",
      "--bin",
      recording.bin,
      ...recording.binArgs,
      "--node-count",
      String(recording.nodes),
      "--concurrency",
      recording.concurrency,
      "--time-limit",
      String(recording.seconds),
      "--rate",
      String(recording.rate),
      "--store",
      store,
      "--no-progress",
    ],
    { cwd: repo },
  );
  return run.runDir ? join(run.runDir, RUN_FILES.history) : undefined;
}

const rows: string[] = [];
for (const recording of RECORDINGS) {
  const path = await recordedHistory(recording);
  if (!path) {
    rows.push(`| ${recording.name} | recording failed | | | | | | | |`);
    continue;
  }
  const child = Bun.spawnSync([process.execPath, import.meta.path, "--measure", path], { stderr: "inherit" });
  const m = JSON.parse(child.stdout.toString()) as Measurement;
  const opsPerSec = m.ops / (m.checkMs / 1000);
  rows.push(
    `| ${recording.name} | ${m.ops} | ${m.keys} | ${m.maxKeyOps} | ${String(m.valid)} | ${m.checkMs.toFixed(0)} ` +
      `| ${Math.round(opsPerSec).toLocaleString("en")} | ${m.rssBeforeMb.toFixed(0)} → ${m.peakRssMb.toFixed(0)} ` +
      `| ${m.heapDeltaMb.toFixed(1)} |`,
  );
  console.log(rows[rows.length - 1]);
}

const heading = [
  `## Linearizability checker (\`bun run bench linearizable\`, ${navigator.hardwareConcurrency} cores)`,
  "",
  "Histories of real lin-kv runs (bench/tmp/); each checked once, cold, in a fresh process (so JIT warm-up is " +
    "included). Ops = invocations in the history.",
].join("\n");
const table = [
  "| history | ops | keys | ops in largest key | valid? | check ms | ops/s | peak RSS MB before → after check | " +
    "heap growth MB |",
  "|---|---|---|---|---|---|---|---|---|",
  ...rows,
].join("\n");
console.log(`\n${heading}\n\n${table}`);
writeBenchResults("linearizable", `${heading}\n\n${readmeBlock("linearizable", table)}${notesAfterTable()}`);

/** The hand-written notes after the measured table in the tracked file, kept as they are. */
function notesAfterTable(): string {
  const close = "<!-- /bench:linearizable -->";
  const tracked = join(import.meta.dir, "results-linearizable.md");
  const old = existsSync(tracked) ? readFileSync(tracked, "utf8") : "";
  const end = old.indexOf(close);
  return end >= 0 ? old.slice(end + close.length) : "";
}
