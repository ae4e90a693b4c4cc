/**
 * What the sim bench shares: one `maelstrom test` command run as typed (a new process, timed,
 * with its peak memory), the figures compared between the simulation and the real runner,
 * and small formatting helpers.
 */
import type { RunResults } from "../../maelstrom-lib/harness/contracts/results.ts";
import { readlinkSync } from "node:fs";
import { join, resolve } from "node:path";
import { REPO_ROOT } from "../../tools/challenge.ts";
import { quantile } from "../../maelstrom-lib/harness/primitives/quantile.ts";
import { digestHistory, outcomeOf } from "../../maelstrom-lib/harness/report/index.ts";
import { okLatenciesMs } from "../../maelstrom-lib/harness/report/history-digest.ts";

/** One command's process: how it ended, how long it took, and its results. */
export interface CliRun {
  exitCode: number;
  wallSec: number;
  maxRssMb: number;
  output: string[];
  results: Record<string, unknown> | undefined;
  runDir: string | undefined;
}

/** The figures the simulation and the real runner must agree on. */
export interface Figures {
  verdict: string;
  /** results.net.servers.msgs-per-op. */
  msgsPerOp?: number;
  /** Median latency: broadcast's stable latency, else ok client ops. */
  p50Ms?: number;
  /** The high quantile beside it: max of stable latency, p99 of op latency. */
  highMs?: number;
  highLabel?: "max" | "p99";
  /** Ops per second the run achieved in its main phase (results.runner.achieved-rate). */
  opsPerSec?: number;
}

/** Runs `bun run maelstrom test ARGS --store STORE --no-progress` from the repository root. */
export async function cliRun(args: readonly string[], store: string): Promise<CliRun> {
  const startedMs = performance.now();
  const proc = Bun.spawn(
    [process.execPath, "maelstrom-lib/harness/cli/main.ts", "test", ...args, "--store", store, "--no-progress"],
    { cwd: REPO_ROOT, stdout: "pipe", stderr: "pipe" },
  );
  const [stdout] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  const exitCode = await proc.exited;
  const wallSec = (performance.now() - startedMs) / 1000;
  const maxRssMb = (proc.resourceUsage()?.maxRSS ?? 0) / 1048576;
  const output = stdout.split("\n");
  const folderLine = output.find((line) => line.startsWith("Run folder: "));
  const runDir = folderLine ? folderLine.slice("Run folder: ".length).split(" ")[0] : latestRun(store);
  const results = runDir ? await readJson(join(runDir, "results.json")) : undefined;
  return { exitCode, wallSec, maxRssMb, output, results, runDir };
}

function latestRun(store: string): string | undefined {
  try {
    return resolve(store, readlinkSync(join(store, "latest")));
  } catch {
    return undefined;
  }
}

async function readJson(path: string): Promise<Record<string, unknown> | undefined> {
  const file = Bun.file(path);
  return (await file.exists()) ? ((await file.json()) as Record<string, unknown>) : undefined;
}

/** A run's verdict, msgs-per-op and latency quantiles. */
export async function figuresOf(run: CliRun): Promise<Figures> {
  const { results } = run;
  const verdict = run.exitCode === 254 ? "bad args" : outcomeOf(results as RunResults | undefined);
  const msgsPerOp = (results?.net as { servers?: { "msgs-per-op"?: number } } | undefined)?.servers?.["msgs-per-op"];
  const opsPerSec = (results?.runner as { "achieved-rate"?: number } | undefined)?.["achieved-rate"];
  const base = { verdict, msgsPerOp, opsPerSec };
  const stable = (results?.workload as { "stable-latencies"?: Record<string, number> } | undefined)?.[
    "stable-latencies"
  ];
  if (stable) return { ...base, p50Ms: stable["0.5"], highMs: stable["1"], highLabel: "max" };
  if (!run.runDir) return base;
  const latencies = okLatenciesMs(await digestHistory(join(run.runDir, "history.jsonl"))).sort((a, b) => a - b);
  return { ...base, p50Ms: quantile(latencies, 0.5), highMs: quantile(latencies, 0.99), highLabel: "p99" };
}

/** `--name=N` or `--name N` from argv, else the default. */
export function intFlag(argv: readonly string[], name: string, fallback: number): number {
  const joined = argv.find((arg) => arg.startsWith(`${name}=`));
  const at = argv.indexOf(name);
  const text = joined !== undefined ? joined.slice(name.length + 1) : at >= 0 ? argv[at + 1] : undefined;
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} needs a non-negative integer, got ${text}`);
  return value;
}

/** The middle value (the lower of the two middles). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
}

/** A number for a table cell, or a dash. */
export function cell(value: number | undefined, digits: number): string {
  return value === undefined ? "—" : value.toFixed(digits);
}
