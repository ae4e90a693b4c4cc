#!/usr/bin/env bun
/**
 * Challenge 4's flake bench: runs the published g-counter command again and again and counts
 * the valid runs, for our solution and for the write-up's identity-CAS read. Reports servers
 * msgs-per-op and op latencies, and writes results-flake.md (bench/ with --write, else bench/tmp/).
 *
 *   bun run bench flake [--runs=N] [--baseline-runs=M]
 */
import { join } from "node:path";
import { checkCounter } from "../maelstrom-lib/harness/checkers/counter.ts";
import { runMaelstrom } from "../maelstrom-lib/harness/index.ts";
import { workloadResult } from "../maelstrom-lib/harness/contracts/results.ts";
import { quantile } from "../maelstrom-lib/harness/primitives/quantile.ts";
import { digestHistory } from "../maelstrom-lib/harness/report/index.ts";
import { okLatenciesMs } from "../maelstrom-lib/harness/report/history-digest.ts";
import { readmeBlock, span, writeBenchResults } from "./results-file.ts";
import { RUN_FILES } from "../maelstrom-lib/harness/contracts/run-files.ts";

/** The challenge's published flags (fly.io's challenge page). */
const PUBLISHED_FLAGS = ["--node-count", "3", "--rate", "100", "--time-limit", "20", "--nemesis", "partition"];
const SOLUTION_BIN = "4-grow-only-counter/main.ts";
const BASELINE_BIN = "4-grow-only-counter/testdata/identity-cas-read.ts";
const DEFAULT_RUNS = 20;
const DEFAULT_BASELINE_RUNS = 10;

/** What one run showed. */
interface RunFigures {
  exitCode: number;
  valid: unknown;
  serversMsgsPerOp: number | undefined;
  opCount: number;
  /** seq-kv's "precondition failed" replies: CASes that lost a race (or met a stale state). */
  casConflicts: number;
  finalReads: unknown[];
  acceptable: unknown;
  addLatencyMs: Quantiles;
  readLatencyMs: Quantiles;
  runDir: string;
}

/** Latency quantiles in ms (undefined when there were no ok ops of that kind). */
interface Quantiles {
  p50?: number;
  p99?: number;
  max?: number;
}

/** Reads `--name=N` or `--name N` from argv, or the default. */
function intFlag(argv: readonly string[], name: string, fallback: number): number {
  const joined = argv.find((arg) => arg.startsWith(`${name}=`));
  const at = argv.indexOf(name);
  const text = joined !== undefined ? joined.slice(name.length + 1) : at >= 0 ? argv[at + 1] : undefined;
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} needs a non-negative integer, got ${text}`);
  return value;
}

/** Median, p99 and max (Jepsen's quantile rule) of a list of durations. */
function quantiles(durationsMs: number[]): Quantiles {
  const sorted = [...durationsMs].sort((a, b) => a - b);
  return { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: quantile(sorted, 1) };
}

/** Counts seq-kv's error-22 replies in a run's net-journal.jsonl. */
async function countCasConflicts(runDir: string): Promise<number> {
  const text = await Bun.file(join(runDir, RUN_FILES.journal)).text();
  let conflicts = 0;
  for (const line of text.split("\n")) {
    if (!line.includes('"code":22')) continue;
    const event = JSON.parse(line) as { type: string; src: string; body: { code?: number } };
    if (event.type === "send" && event.src === "seq-kv" && event.body.code === 22) conflicts++;
  }
  return conflicts;
}

/** Runs the published command once with `bin` and collects its figures. */
async function runOnce(bin: string): Promise<RunFigures> {
  const run = await runMaelstrom(["test", "-w", "g-counter", "--bin", bin, ...PUBLISHED_FLAGS]);
  const results = run.results;
  const counter = results?.workload && workloadResult(results, checkCounter);
  const history = await digestHistory(run.runDir!); // read once for both ops
  return {
    exitCode: run.exitCode,
    valid: results?.["valid?"],
    serversMsgsPerOp: results?.net?.servers["msgs-per-op"],
    opCount: results?.stats?.count ?? 0,
    casConflicts: await countCasConflicts(run.runDir!),
    finalReads: counter?.["final-reads"] ?? [],
    acceptable: counter?.acceptable,
    addLatencyMs: quantiles(okLatenciesMs(history, new Set(["add"]))),
    readLatencyMs: quantiles(okLatenciesMs(history, new Set(["read"]))),
    runDir: run.runDir ?? "",
  };
}

/** Runs `bin` `count` times, printing one line per run. */
async function runSeries(label: string, bin: string, count: number): Promise<RunFigures[]> {
  const figures: RunFigures[] = [];
  for (let i = 1; i <= count; i++) {
    const run = await runOnce(bin);
    figures.push(run);
    console.log(
      `${label} run ${i}/${count}: valid=${run.valid} exit=${run.exitCode} ` +
        `msgs-per-op=${run.serversMsgsPerOp?.toFixed(2)} final-reads=${JSON.stringify(run.finalReads)} ` +
        `acceptable=${JSON.stringify(run.acceptable)}`,
    );
  }
  return figures;
}

const round = (value: number | undefined, digits = 1) => (value === undefined ? "–" : value.toFixed(digits));

/** The markdown section for one series. */
function seriesMarkdown(title: string, bin: string, runs: RunFigures[]): string {
  const validRuns = runs.filter((run) => run.valid === true).length;
  const msgsPerOp = runs.map((run) => run.serversMsgsPerOp).filter((v): v is number => v !== undefined);
  const lines = [
    `## ${title}`,
    "",
    `\`--bin ${bin}\`: **${validRuns} of ${runs.length} runs valid**; servers msgs-per-op ` +
      (msgsPerOp.length
        ? `min ${round(Math.min(...msgsPerOp), 2)}, median ${round(quantiles(msgsPerOp).p50, 2)}, ` +
          `max ${round(Math.max(...msgsPerOp), 2)}.`
        : "n/a."),
    "",
    "| run | valid? | ops | CAS conflicts | servers msgs-per-op | add p50 / p99 / max ms | read p50 / p99 / max ms " +
      "| final reads | acceptable |",
    "|---|---|---|---|---|---|---|---|---|",
  ];
  runs.forEach((run, i) => {
    const add = run.addLatencyMs;
    const read = run.readLatencyMs;
    lines.push(
      `| ${i + 1} | ${run.valid} | ${run.opCount} | ${run.casConflicts} | ${round(run.serversMsgsPerOp, 2)} ` +
        `| ${round(add.p50)} / ${round(add.p99)} / ${round(add.max)} | ${round(read.p50)} / ${round(read.p99)} ` +
        `/ ${round(read.max)} | ${JSON.stringify(run.finalReads)} | ${JSON.stringify(run.acceptable)} |`,
    );
  });
  return lines.join("\n");
}

/** The README's counter figures (copied there by `bun run bench --write`): one line per series. */
function readmeTable(series: { label: string; runs: RunFigures[] }[]): string {
  const lines = [
    "| read | valid runs | msgs-per-op (median) | CAS conflicts per run | ops per run | add / read latency p50 ms |",
    "|---|---|---|---|---|---|",
  ];
  for (const { label, runs } of series) {
    if (runs.length === 0) continue;
    const over = (figure: (run: RunFigures) => number | undefined, digits: number) =>
      span(runs.map(figure), digits) ?? "–";
    const valid = runs.filter((run) => run.valid === true).length;
    const msgs = runs.map((run) => run.serversMsgsPerOp).filter((v): v is number => v !== undefined);
    const latencies = `${over((run) => run.addLatencyMs.p50, 1)} / ${over((run) => run.readLatencyMs.p50, 1)}`;
    lines.push(
      `| ${label} | ${valid} of ${runs.length} | ${over((run) => run.serversMsgsPerOp, 2)} ` +
        `(${round(quantiles(msgs).p50, 2)}) | ${over((run) => run.casConflicts, 0)} ` +
        `| ${over((run) => run.opCount, 0)} | ${latencies} |`,
    );
  }
  return lines.join("\n");
}

/** Runs both series and writes the results file. */
async function main(argv: readonly string[]): Promise<void> {
  const runs = intFlag(argv, "--runs", DEFAULT_RUNS);
  const baselineRuns = intFlag(argv, "--baseline-runs", DEFAULT_BASELINE_RUNS);
  const solution = await runSeries("solution", SOLUTION_BIN, runs);
  const baseline = await runSeries("identity-cas", BASELINE_BIN, baselineRuns);
  const markdown = [
    "# Flake bench: challenge 4 (g-counter)",
    "",
    `Command: \`bun run maelstrom test -w g-counter --bin <bin> ${PUBLISHED_FLAGS.join(" ")}\`, repeated. ` +
      `Written by \`bun run bench flake\` on ${new Date().toISOString()}.`,
    "",
    readmeBlock(
      "flake",
      readmeTable([
        { label: "ours (a write to the node's own key, then the read)", runs: solution },
        { label: "the write-up's identity CAS", runs: baseline },
      ]),
    ),
    "",
    seriesMarkdown("Our solution (unique write to a private key, then read)", SOLUTION_BIN, solution),
    "",
    baselineRuns > 0 ? seriesMarkdown("The write-up's read (identity CAS)", BASELINE_BIN, baseline) : "",
    "",
  ].join("\n");
  writeBenchResults("flake", markdown);
}

if (import.meta.main) await main(Bun.argv.slice(2));
