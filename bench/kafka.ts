#!/usr/bin/env bun
/**
 * Challenges 5a–5c: runs the published commands (`-w kafka --concurrency 2n --time-limit 20
 * --rate 1000`, 1 node for 5a, 2 for 5b/5c), without and with `--nemesis partition`, and
 * prints servers msgs-per-op, op latencies and availability beside issue 7's targets; then
 * times the kafka checker on large generated histories and on the runs' own histories.
 * Writes results-kafka.md (bench/ with --write, else bench/tmp/).
 *
 *   bun run bench kafka [--time-limit=S] [--only=5a|5b|5c] [--no-partition]
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { checkKafka } from "../maelstrom-lib/harness/checkers/kafka/index.ts";
import { largeKafkaHistory } from "../maelstrom-lib/harness/checkers/testdata/kafka-histories.ts";
import { isClientOp, nanosToMs, OpPairing } from "../maelstrom-lib/harness/contracts/history.ts";
import { runMaelstrom } from "../maelstrom-lib/harness/index.ts";
import { workloadResult } from "../maelstrom-lib/harness/contracts/results.ts";
import { quantile } from "../maelstrom-lib/harness/primitives/quantile.ts";
import type { Op } from "../maelstrom-lib/harness/contracts/types.ts";
import { readmeBlock, writeBenchResults } from "./results-file.ts";
import { RUN_FILES } from "../maelstrom-lib/harness/contracts/run-files.ts";

const PUBLISHED_FLAGS = ["--concurrency", "2n", "--rate", "1000"];
const PUBLISHED_TIME_LIMIT_SEC = 20;
/** Issue 7's bar for 5c, and the best 5c figure we found published. */
const TARGET_5C_MSGS_PER_OP = 1.2;
const BEST_PUBLISHED_5C_MSGS_PER_OP = 1.37;
/** 5c must use at least this many times fewer messages per op than our 5b. */
const TARGET_RATIO_TO_5B = 5;

const CHALLENGES = [
  { name: "5a", bin: "5a-single-node-kafka-style-log/main.ts", nodeCount: 1 },
  { name: "5b", bin: "5b-multi-node-kafka-style-log/main.ts", nodeCount: 2 },
  { name: "5c", bin: "5c-efficient-kafka-style-log/main.ts", nodeCount: 2 },
];

/** What one run measured. */
interface Row {
  name: string;
  partition: boolean;
  exitCode: number;
  valid: unknown;
  msgsPerOp: number | undefined;
  /** ok-fraction as Maelstrom computes it (crash ops count, and always end in :info). */
  availability: number | undefined;
  /** ok-fraction of everything but crash ops: did the system ever fail a request? */
  availabilityNoCrash: number;
  medianMs: number;
  p99Ms: number;
  okOps: number;
  /** The checker's worst realtime lag, in seconds: how stale the stalest poll was. */
  worstLagSec: number | undefined;
  checkMs: number;
  runDir: string | undefined;
}

/** The value of `--name=value` (what `bun run bench` passes through) or `--name value`. */
function flagValue(argv: readonly string[], name: string): string | undefined {
  const joined = argv.find((arg) => arg.startsWith(`${name}=`));
  if (joined) return joined.slice(name.length + 1);
  const at = argv.indexOf(name);
  return at < 0 ? undefined : argv[at + 1];
}

function readHistory(runDir: string): Op[] {
  return readFileSync(join(runDir, RUN_FILES.history), "utf8")
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Op);
}

/** Latencies of ok send/poll ops and the ok fraction of non-crash client ops. */
function historyFigures(history: readonly Op[]) {
  const latenciesMs: number[] = [];
  let invokes = 0;
  let oks = 0;
  const pairing = new OpPairing();
  for (const op of history) {
    const invocation = pairing.add(op);
    if (!isClientOp(op) || op.f === "crash") continue;
    if (op.type === "invoke") invokes++;
    if (op.type !== "ok") continue;
    oks++;
    if (invocation && (op.f === "send" || op.f === "poll")) latenciesMs.push(nanosToMs(op.time - invocation.time));
  }
  latenciesMs.sort((a, b) => a - b);
  return { latenciesMs, availabilityNoCrash: invokes === 0 ? NaN : oks / invokes };
}

async function measure(challenge: (typeof CHALLENGES)[number], partition: boolean, timeLimitSec: number): Promise<Row> {
  const argv = [
    "test",
    "-w",
    "kafka",
    "--bin",
    challenge.bin,
    "--node-count",
    String(challenge.nodeCount),
    ...PUBLISHED_FLAGS,
  ];
  argv.push("--time-limit", String(timeLimitSec));
  if (partition) argv.push("--nemesis", "partition");
  console.log(`$ bun run maelstrom ${argv.join(" ")}`);
  const run = await runMaelstrom(argv, { cwd: join(import.meta.dir, "..") });
  const results = run.results;
  const history = run.runDir ? readHistory(run.runDir) : [];
  const { latenciesMs, availabilityNoCrash } = historyFigures(history);
  const checkStartMs = performance.now();
  checkKafka(history);
  return {
    name: challenge.name,
    partition,
    exitCode: run.exitCode,
    valid: results?.["valid?"],
    msgsPerOp: results?.net?.servers["msgs-per-op"],
    availability: results?.availability?.["ok-fraction"],
    availabilityNoCrash,
    medianMs: quantile(latenciesMs, 0.5) ?? NaN,
    p99Ms: quantile(latenciesMs, 0.99) ?? NaN,
    okOps: latenciesMs.length,
    worstLagSec: results?.workload && workloadResult(results, checkKafka)["worst-realtime-lag"].lag,
    checkMs: performance.now() - checkStartMs,
    runDir: run.runDir,
  };
}

function fixed(value: number | undefined, digits: number): string {
  return value === undefined || Number.isNaN(value) ? "–" : value.toFixed(digits);
}

function runTable(rows: Row[]): string {
  const lines = [
    "| challenge | nemesis | valid? | msgs-per-op (servers) | availability (Maelstrom) | availability without " +
      "crash ops | median latency ms | p99 latency ms | worst realtime lag s | ok send+poll ops | checker ms |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.name} | ${row.partition ? "partition" : "none"} | ${String(row.valid)} | ${fixed(row.msgsPerOp, 3)} ` +
        `| ${fixed(row.availability, 4)} | ` +
        `${fixed(row.availabilityNoCrash, 4)} | ${fixed(row.medianMs, 2)} | ${fixed(row.p99Ms, 2)} ` +
        `| ${fixed(row.worstLagSec, 2)} | ${row.okOps} | ${fixed(row.checkMs, 0)} |`,
    );
  }
  return lines.join("\n");
}

/** 5c against issue 7's targets, from the runs without nemesis. */
function targetTable(rows: Row[]): string {
  const calm = (name: string) => rows.find((row) => row.name === name && !row.partition);
  const b = calm("5b");
  const c = calm("5c");
  if (!b || !c || b.msgsPerOp === undefined || c.msgsPerOp === undefined)
    return "(5b and 5c runs without nemesis needed for the target table)";
  const ratio = b.msgsPerOp / c.msgsPerOp;
  const mark = (ok: boolean) => (ok ? "✓" : "✗");
  return [
    "| target (5c, no nemesis) | measured | met? |",
    "|---|---|---|",
    `| msgs-per-op ≤ ${TARGET_5C_MSGS_PER_OP} (best published ≈ ${BEST_PUBLISHED_5C_MSGS_PER_OP}) ` +
      `| ${c.msgsPerOp.toFixed(3)} | ${mark(c.msgsPerOp <= TARGET_5C_MSGS_PER_OP)} |`,
    `| every request ok (availability without crash ops = 1.0) | ${fixed(c.availabilityNoCrash, 4)} ` +
      `| ${mark(c.availabilityNoCrash === 1)} |`,
    `| ≥ ${TARGET_RATIO_TO_5B}× fewer msgs-per-op than 5b (${b.msgsPerOp.toFixed(2)}) | ${ratio.toFixed(1)}× ` +
      `| ${mark(ratio >= TARGET_RATIO_TO_5B)} |`,
    `| median latency below 5b's (${b.medianMs.toFixed(2)} ms) | ${c.medianMs.toFixed(2)} ms ` +
      `| ${mark(c.medianMs < b.medianMs)} |`,
  ].join("\n");
}

/** The README's kafka figures (copied there by `bun run bench --write`): each run, and 5c's targets. */
function readmeTable(rows: Row[]): string {
  const fly: Record<string, string> = {
    "5c": 'valid, "significantly fewer" msgs-per-op than 5b, better latency',
  };
  const lines = [
    "| challenge | nemesis | valid | msgs-per-op | availability: Maelstrom's / without crash ops " +
      "| latency median / p99 ms | fly.io target |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const row of rows) {
    const name = row.name === "5b" ? "5b (`lin-kv`)" : row.name;
    lines.push(
      `| ${name} | ${row.partition ? "partition" : "none"} | ${row.valid === true ? "yes" : String(row.valid)} ` +
        `| ${fixed(row.msgsPerOp, 3)} | ${fixed(row.availability, 4)} / ${fixed(row.availabilityNoCrash, 4)} ` +
        `| ${fixed(row.medianMs, 2)} / ${fixed(row.p99Ms, 2)} | ${(!row.partition && fly[row.name]) || "valid"} |`,
    );
  }
  return `${lines.join("\n")}\n\n${targetTable(rows)}`;
}

/** Times the checker on generated histories: a 20 s run at rate 1000, longer, and huge offsets. */
function checkerTable(): string {
  const cases = [
    { label: "20 s at rate 1000, 4 processes", seconds: 20, offsetBase: 0 },
    { label: "20 s at rate 1000, offsets from 2^40", seconds: 20, offsetBase: 2 ** 40 },
    { label: "120 s at rate 1000, 4 processes", seconds: 120, offsetBase: 0 },
  ];
  const lines = ["| generated history | ops | check ms | valid? |", "|---|---|---|---|"];
  for (const { label, seconds, offsetBase } of cases) {
    const history = largeKafkaHistory(seconds, 4, offsetBase);
    const startMs = performance.now();
    const result = checkKafka(history);
    const elapsedMs = performance.now() - startMs;
    console.log(`checker: ${label}: ${history.length} ops in ${elapsedMs.toFixed(0)} ms`);
    lines.push(`| ${label} | ${history.length} | ${elapsedMs.toFixed(0)} | ${String(result["valid?"])} |`);
  }
  return lines.join("\n");
}

const argv = process.argv.slice(2);
const timeLimitSec = Number(flagValue(argv, "--time-limit") ?? PUBLISHED_TIME_LIMIT_SEC);
const only = flagValue(argv, "--only");
const partitionModes = argv.includes("--no-partition") ? [false] : [false, true];

const checkers = checkerTable();
const rows: Row[] = [];
for (const challenge of CHALLENGES.filter((c) => only === undefined || c.name === only)) {
  for (const partition of partitionModes) {
    const row = await measure(challenge, partition, timeLimitSec);
    console.log(runTable([row]).split("\n").at(-1));
    rows.push(row);
  }
}

const report = [
  "## Kafka-style log (5a, 5b, 5c)",
  "",
  `\`bun run bench kafka\`: \`-w kafka --concurrency 2n --rate 1000 --time-limit ${timeLimitSec}\` (1 node for 5a, ` +
    `2 for 5b/5c), ` +
    'without and with `--nemesis partition`. msgs-per-op is `net.servers["msgs-per-op"]`; latencies are invoke→ok ' +
    "of send and poll ops " +
    "from history.jsonl; Maelstrom's availability counts crash ops, which always end in :info, so the column " +
    "beside it leaves them out. " +
    `Measured ${new Date().toISOString()} on ${navigator.hardwareConcurrency} cores.`,
  "",
  readmeBlock("kafka", readmeTable(rows)),
  "",
  "Every run in full:",
  "",
  runTable(rows),
  "",
  "Kafka checker on generated histories (every key 16 sends, polls by 4 processes, a final drain of every key):",
  "",
  readmeBlock("kafka-checker", checkers),
  "",
].join("\n");
console.log(`\n${report}`);
writeBenchResults("kafka", report);
process.exit(rows.every((row) => row.exitCode === 0) ? 0 : 1);
