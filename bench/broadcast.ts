#!/usr/bin/env bun
/**
 * Challenge 3: runs each part's published command (fly.io's challenge pages) and prints servers
 * msgs-per-op, the median and max stable latency, availability and how long broadcasts took to
 * be acknowledged (set-full measures stable latency from the ack, so a solution that acks late
 * shows it here). 3d and 3e (25 nodes, 20 s, rate 100, latency 100) run without and with
 * `--nemesis partition`, beside fly.io's targets, ours, and the best published figures (✓/✗
 * against ours, the stricter). 3c runs several times, since under partitions its figures move
 * with the partition schedule: the table gives their range. Writes results-broadcast.md
 * (bench/ with --write, else bench/tmp/).
 *
 *   bun run bench broadcast [--time-limit S] [--only 3a|3b|3c|3d|3e] [--no-partition] [--runs-3c N]
 */
import { join } from "node:path";
import { checkSetFull } from "../maelstrom-lib/harness/checkers/set-full.ts";
import { runMaelstrom } from "../maelstrom-lib/harness/index.ts";
import { quantile } from "../maelstrom-lib/harness/primitives/quantile.ts";
import { digestHistory } from "../maelstrom-lib/harness/report/index.ts";
import { okLatenciesMs } from "../maelstrom-lib/harness/report/history-digest.ts";
import { workloadResult } from "../maelstrom-lib/harness/contracts/results.ts";
import { readmeBlock, span, writeBenchResults } from "./results-file.ts";

const PUBLISHED_TIME_LIMIT_SEC = 20;
/** How often 3c's published command runs by default: enough to show how far its figures move. */
const DEFAULT_RUNS_3C = 5;

/** A challenge's bar: at most these msgs-per-op and stable latencies (ms). */
interface Target {
  msgsPerOp: number;
  medianMs: number;
  maxMs: number;
}

interface Challenge {
  name: string;
  bin: string;
  /** The published flags, time limit and nemesis apart. */
  flags: string[];
  /** The nemeses it runs under: 3d and 3e both ways, 3c only with its published partitions. */
  nemeses: ("none" | "partition")[];
  /** The challenge page's own bar (fly.io), the one we set below the best published, and that best. */
  flyTarget?: Target;
  target?: Target;
  bestPublished?: Target;
}

const SMALL = ["--rate", "10"];
const EFFICIENT = ["--node-count", "25", "--rate", "100", "--latency", "100"];
const CHALLENGES: Challenge[] = [
  { name: "3a", bin: "3a-single-node-broadcast/main.ts", flags: ["--node-count", "1", ...SMALL], nemeses: ["none"] },
  { name: "3b", bin: "3b-multi-node-broadcast/main.ts", flags: ["--node-count", "5", ...SMALL], nemeses: ["none"] },
  {
    name: "3c",
    bin: "3c-fault-tolerant-broadcast/main.ts",
    flags: ["--node-count", "5", ...SMALL],
    nemeses: ["partition"],
  },
  {
    name: "3d",
    bin: "3d-efficient-broadcast-part-1/main.ts",
    flags: EFFICIENT,
    nemeses: ["none", "partition"],
    flyTarget: { msgsPerOp: 30, medianMs: 400, maxMs: 600 },
    target: { msgsPerOp: 4, medianMs: 300, maxMs: 450 },
    bestPublished: { msgsPerOp: 7.75, medianMs: 333, maxMs: 533 },
  },
  {
    name: "3e",
    bin: "3e-efficient-broadcast-part-2/main.ts",
    flags: EFFICIENT,
    nemeses: ["none", "partition"],
    flyTarget: { msgsPerOp: 20, medianMs: 1000, maxMs: 2000 },
    target: { msgsPerOp: 1.0, medianMs: 800, maxMs: 1500 },
    bestPublished: { msgsPerOp: 1.92, medianMs: 764, maxMs: 1087 },
  },
];

/** What one run measured. */
interface Run {
  exitCode: number;
  valid: unknown;
  msgsPerOp: number | undefined;
  medianMs: number | undefined;
  maxMs: number | undefined;
  availability: number | undefined;
  /** How long a broadcast took to be acknowledged (invoke to ok), median and max. */
  ackMedianMs: number | undefined;
  ackMaxMs: number | undefined;
  lostCount: number | undefined;
}

/** One row of the table: a challenge under one nemesis, over one run or several. */
interface Row {
  challenge: Challenge;
  partition: boolean;
  runs: Run[];
}

/** Reads the value after `name` in argv, if any. */
function flagValue(argv: readonly string[], name: string): string | undefined {
  const at = argv.indexOf(name);
  return at < 0 ? undefined : argv[at + 1];
}

function commandOf(challenge: Challenge, partition: boolean, timeLimitSec: number): string[] {
  const argv = ["test", "-w", "broadcast", "--bin", challenge.bin, ...challenge.flags];
  argv.push("--time-limit", String(timeLimitSec));
  if (partition) argv.push("--nemesis", "partition");
  return argv;
}

async function measure(challenge: Challenge, partition: boolean, timeLimitSec: number): Promise<Run> {
  const argv = commandOf(challenge, partition, timeLimitSec);
  console.log(`$ bun run maelstrom ${argv.join(" ")}`);
  let run = await runMaelstrom(argv, { cwd: join(import.meta.dir, "..") });
  if (run.exitCode === 255) {
    // 25 nodes starting at once on a busy 2-core machine sometimes miss the 10 s init deadline.
    console.log(`  run aborted (${String(run.results?.aborted ?? "exit 255").split("\n")[0]}); running it once more`);
    run = await runMaelstrom(argv, { cwd: join(import.meta.dir, "..") });
  }
  const results = run.results;
  const workload = results?.workload && workloadResult(results, checkSetFull);
  const stable = workload?.["stable-latencies"];
  const acks = run.runDir ? okLatenciesMs(await digestHistory(run.runDir), new Set(["broadcast"])) : [];
  const lost = workload?.["lost-count"];
  return {
    exitCode: run.exitCode,
    valid: results?.["valid?"],
    msgsPerOp: results?.net?.servers["msgs-per-op"],
    medianMs: stable?.["0.5"],
    maxMs: stable?.["1"],
    availability: results?.availability?.["ok-fraction"],
    ackMedianMs: quantile(acks, 0.5),
    ackMaxMs: quantile(acks, 1),
    lostCount: typeof lost === "number" ? lost : undefined,
  };
}

/** The figure over every run (one value, or "min–max"), with ✓ or ✗ against `limit` judged by the worst run. */
function range(values: (number | undefined)[], digits: number, limit?: number): string {
  const text = span(values, digits);
  if (text === undefined) return "–";
  if (limit === undefined) return text;
  const worst = Math.max(...values.filter((value): value is number => value !== undefined && Number.isFinite(value)));
  return `${text} ${worst <= limit ? "✓" : "✗"}`;
}

function targetText(target: Target | undefined, bound: "<" | "≤" | ""): string {
  if (target === undefined) return "valid";
  const limit = (value: number) => (bound === "" ? `${value}` : `${bound} ${value}`);
  return `${limit(target.msgsPerOp)} / ${limit(target.medianMs)} / ${limit(target.maxMs)}`;
}

/** The README's broadcast table (copied there by `bun run bench --write`), one line per row. */
function table(rows: Row[]): string {
  const lines = [
    "| challenge | nemesis | valid runs | msgs-per-op | stable latency median / max ms " +
      "| broadcast ack median / max ms | availability | lost | fly.io target (msgs / median / max ms) " +
      "| our target | best published |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const { challenge, partition, runs } of rows) {
    const over = (figure: (run: Run) => number | undefined, digits: number, limit?: number) =>
      range(runs.map(figure), digits, limit);
    // Under partitions the bar is validity and the message count; latency then measures the nemesis.
    const latencyTarget = partition ? undefined : challenge.target;
    const valid = runs.filter((run) => run.valid === true).length;
    const stable =
      `${over((run) => run.medianMs, 0, latencyTarget?.medianMs)} / ` +
      `${over((run) => run.maxMs, 0, latencyTarget?.maxMs)}`;
    const acks =
      challenge.name === "3d" || challenge.name === "3e"
        ? `${over((run) => run.ackMedianMs, 0)} / ${over((run) => run.ackMaxMs, 0)}`
        : "";
    const targets = partition
      ? "valid | valid | "
      : `${targetText(challenge.flyTarget, "<")} | ${targetText(challenge.target, "≤")} | ` +
        (challenge.bestPublished ? targetText(challenge.bestPublished, "") : "");
    lines.push(
      `| ${challenge.name} | ${partition ? "partition" : "none"} | ${valid} of ${runs.length} ` +
        `| ${over((run) => run.msgsPerOp, 2, challenge.target?.msgsPerOp)} | ${stable} | ${acks} ` +
        `| ${over((run) => run.availability, 3)} | ${over((run) => run.lostCount, 0)} | ${targets} |`,
    );
  }
  return lines.join("\n");
}

const argv = process.argv.slice(2);
const timeLimitSec = Number(flagValue(argv, "--time-limit") ?? PUBLISHED_TIME_LIMIT_SEC);
const runs3c = Number(flagValue(argv, "--runs-3c") ?? DEFAULT_RUNS_3C);
const only = flagValue(argv, "--only");
const noPartition = argv.includes("--no-partition");

const rows: Row[] = [];
for (const challenge of CHALLENGES.filter((c) => only === undefined || c.name === only)) {
  for (const nemesis of challenge.nemeses) {
    if (noPartition && nemesis === "partition") continue;
    const partition = nemesis === "partition";
    const row: Row = { challenge, partition, runs: [] };
    const count = challenge.name === "3c" ? runs3c : 1;
    for (let i = 0; i < count; i++) row.runs.push(await measure(challenge, partition, timeLimitSec));
    rows.push(row);
  }
}

const report = table(rows);
console.log(`\n${report}`);
writeResults(report, rows);
process.exit(rows.every((row) => row.runs.every((run) => run.exitCode === 0)) ? 0 : 1);

function writeResults(report: string, rows: Row[]): void {
  const commands = rows.map(
    ({ challenge, partition, runs }) =>
      `- ${challenge.name}${partition ? " partition" : ""}${runs.length > 1 ? ` (${runs.length} runs)` : ""}: ` +
      `\`bun run maelstrom ${commandOf(challenge, partition, timeLimitSec).join(" ")}\``,
  );
  const text =
    `## Broadcast (3a to 3e)\n\n` +
    `\`bun run bench broadcast\`: each part's published command, 3d and 3e without and with ` +
    `\`--nemesis partition\`, 3c ${runs3c} times (its figures move with the partition schedule, so they are ` +
    `ranges). msgs-per-op is \`net.servers["msgs-per-op"]\`, latencies are \`workload["stable-latencies"]\` ` +
    `at 0.5 and 1, availability is Maelstrom's ok-fraction; ✓/✗ is against our target. ` +
    `Measured ${new Date().toISOString()} on ${navigator.hardwareConcurrency} cores.\n\n` +
    `${readmeBlock("broadcast", report)}\n\n${commands.join("\n")}\n`;
  writeBenchResults("broadcast", text);
}
