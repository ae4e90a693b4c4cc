#!/usr/bin/env bun
/**
 * Challenges 6a–6c: runs each published command (fly.io's challenge pages; 6c with the real
 * `--nemesis partition`) and prints servers msgs-per-op, availability, achieved rate and txn
 * latency quantiles beside the target (≤ 0.5 servers msgs-per-op with availability
 * 1.0). Writes results-txn.md (bench/ with --write, else bench/tmp/).
 *
 *   bun run bench txn [--time-limit S]
 */
import { join } from "node:path";
import { checkRwRegister } from "../maelstrom-lib/harness/checkers/elle/rw-register.ts";
import { runMaelstrom } from "../maelstrom-lib/harness/index.ts";
import { workloadResult } from "../maelstrom-lib/harness/contracts/results.ts";
import { quantile } from "../maelstrom-lib/harness/primitives/quantile.ts";
import { digestHistory } from "../maelstrom-lib/harness/report/index.ts";
import { okLatenciesMs } from "../maelstrom-lib/harness/report/history-digest.ts";
import { readmeBlock, writeBenchResults } from "./results-file.ts";

const PUBLISHED_TIME_LIMIT_SEC = 20;
/** Issue 8's efficiency bar for 6b and 6c with partitions. */
const TARGET_MSGS_PER_OP = 0.5;

interface Case {
  name: string;
  bin: string;
  flags: string[];
  /** What the challenge page asks of this command. */
  flyTarget: string;
}

const COMMON = ["--concurrency", "2n", "--rate", "1000"];
const CASES: Case[] = [
  {
    name: "6a",
    bin: "6a-single-node-totally-available-transactions/main.ts",
    flyTarget: "valid",
    flags: ["--node-count", "1", ...COMMON, "--consistency-models", "read-uncommitted", "--availability", "total"],
  },
  {
    name: "6b",
    bin: "6b-totally-available-read-uncommitted-transactions/main.ts",
    flyTarget: "valid",
    flags: ["--node-count", "2", ...COMMON, "--consistency-models", "read-uncommitted"],
  },
  {
    name: "6b partition",
    bin: "6b-totally-available-read-uncommitted-transactions/main.ts",
    flyTarget: "valid with `--availability total`",
    flags: [
      "--node-count",
      "2",
      ...COMMON,
      "--consistency-models",
      "read-uncommitted",
      "--availability",
      "total",
      "--nemesis",
      "partition",
    ],
  },
  {
    name: "6c partition",
    bin: "6c-totally-available-read-committed-transactions/main.ts",
    flyTarget: "valid, read committed, `--availability total`",
    flags: [
      "--node-count",
      "2",
      ...COMMON,
      "--consistency-models",
      "read-committed",
      "--availability",
      "total",
      "--nemesis",
      "partition",
    ],
  },
];

interface Row {
  name: string;
  flyTarget: string;
  command: string;
  exitCode: number;
  valid: unknown;
  msgsPerOp: number | undefined;
  okFraction: number | undefined;
  txnCount: number;
  achievedRate: number | undefined;
  latencyMs: { p50: number; p99: number; max: number } | undefined;
}

function flagValue(argv: readonly string[], name: string): string | undefined {
  const at = argv.indexOf(name);
  return at < 0 ? undefined : argv[at + 1];
}

/** Invoke → ok latency quantiles of the run's txns. */
async function latencies(runDir: string): Promise<Row["latencyMs"]> {
  const samplesMs = okLatenciesMs(await digestHistory(runDir), new Set(["txn"]));
  if (samplesMs.length === 0) return undefined;
  return { p50: quantile(samplesMs, 0.5)!, p99: quantile(samplesMs, 0.99)!, max: quantile(samplesMs, 1)! };
}

async function measure(benchCase: Case, timeLimitSec: number): Promise<Row> {
  const argv = [
    "test",
    "-w",
    "txn-rw-register",
    "--bin",
    benchCase.bin,
    ...benchCase.flags,
    "--time-limit",
    String(timeLimitSec),
  ];
  const command = `bun run maelstrom ${argv.join(" ")}`;
  console.log(`$ ${command}`);
  const run = await runMaelstrom([...argv, "--no-progress"], { cwd: join(import.meta.dir, "..") });
  const results = run.results;
  const txns = results?.workload && workloadResult(results, checkRwRegister);
  return {
    name: benchCase.name,
    flyTarget: benchCase.flyTarget,
    command,
    exitCode: run.exitCode,
    valid: results?.["valid?"],
    msgsPerOp: results?.net?.servers["msgs-per-op"],
    okFraction: results?.availability?.["ok-fraction"],
    txnCount: txns && "txn-count" in txns ? txns["txn-count"] : 0,
    achievedRate: results?.runner?.["achieved-rate"],
    latencyMs: run.runDir ? await latencies(run.runDir) : undefined,
  };
}

function table(rows: Row[]): string {
  const lines = [
    "| challenge | servers msgs-per-op | availability | valid? | txns | achieved ops/s | latency p50 / p99 / max ms " +
      "| fly.io target |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const row of rows) {
    const judged =
      row.msgsPerOp === undefined
        ? "–"
        : `${row.msgsPerOp.toFixed(3)} ${row.msgsPerOp <= TARGET_MSGS_PER_OP ? "✓" : "✗"}`;
    const latency = row.latencyMs
      ? `${row.latencyMs.p50.toFixed(2)} / ${row.latencyMs.p99.toFixed(2)} / ${row.latencyMs.max.toFixed(1)}`
      : "–";
    lines.push(
      `| ${row.name} | ${judged} | ${row.okFraction ?? "–"} | ${String(row.valid)} | ${row.txnCount} ` +
        `| ${row.achievedRate === undefined ? "–" : Math.round(row.achievedRate)} | ${latency} | ${row.flyTarget} |`,
    );
  }
  return lines.join("\n");
}

const timeLimitSec = Number(flagValue(process.argv.slice(2), "--time-limit") ?? PUBLISHED_TIME_LIMIT_SEC);
const rows: Row[] = [];
for (const benchCase of CASES) rows.push(await measure(benchCase, timeLimitSec));
const report = table(rows);
console.log(`\n${report}`);
writeBenchResults(
  "txn",
  `## Transactions (6a, 6b, 6c)\n\n` +
    `\`bun run bench txn\`: the published commands with \`--time-limit ${timeLimitSec}\` (6c with the ` +
    `real \`--nemesis partition\`, ` +
    `not the en-dash that disables it). Target for 6b/6c with partitions: ≤ ${TARGET_MSGS_PER_OP} servers ` +
    `msgs-per-op at availability 1.0. ` +
    `Measured ${new Date().toISOString()} on ${navigator.hardwareConcurrency} cores. ✓/✗ is against ` +
    `that target.\n\n${readmeBlock("txn", report)}\n\n` +
    rows.map((row) => `- ${row.name}: \`${row.command}\``).join("\n") +
    "\n",
);
process.exit(rows.every((row) => row.exitCode === 0) ? 0 : 1);
