/**
 * The runner's programmatic entry: `runMaelstrom(argv)` does what `bun run maelstrom ...`
 * does and returns the exit code and results instead of exiting. Tests and benches use it.
 */
import { CliError, parseCommand, workloadPath } from "./cli.ts";
import type { TestOptions } from "./config.ts";
import { printExplanation } from "./explain.ts";
import { runTest } from "./run.ts";
import type { CheckResult, Workload } from "./types.ts";

export type { CheckResult, Op, Workload } from "./types.ts";
export { CliError } from "./cli.ts";

/** The outcome of `runMaelstrom`. */
export interface MaelstromRun {
  /** 0 valid, 1 invalid, 2 unknown, 254 bad arguments, 255 crash or init failure. */
  exitCode: number;
  /** The last run's results.json (undefined when the arguments were bad). */
  results: CheckResult | undefined;
  /** The last run's folder. */
  runDir: string | undefined;
  /** Every run's outcome, when --test-count > 1. */
  runs: { exitCode: number; results: CheckResult; runDir: string }[];
  /** Console lines the run printed. */
  output: string[];
}

export interface RunMaelstromOptions {
  /** Where console lines go (default: collected only). */
  log?: (line: string) => void;
  /** Working directory against which --bin and --store resolve (default: process.cwd()). */
  cwd?: string;
}

/** Runs `maelstrom test ...` in-process; never exits the process. */
export async function runMaelstrom(argv: readonly string[], options: RunMaelstromOptions = {}): Promise<MaelstromRun> {
  const output: string[] = [];
  const log = (line: string) => {
    output.push(line);
    options.log?.(line);
  };
  let command;
  try {
    command = parseCommand(argv, options.cwd);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    log(error.message);
    return { exitCode: 254, results: undefined, runDir: undefined, runs: [], output };
  }
  if (command.kind !== "test") throw new Error(`runMaelstrom runs tests; got ${command.kind}`);
  const opts: TestOptions = { ...command.opts, progress: command.opts.progress && options.log !== undefined };
  for (const warning of command.warnings) log(`WARN ${warning}`);
  const workload = await loadWorkload(opts.workload);
  const runs: MaelstromRun["runs"] = [];
  for (let i = 0; i < opts.testCount; i++) {
    const runOpts = i === 0 ? opts : { ...opts, seed: opts.seed + i };
    const outcome = await runTest(runOpts, workload, log);
    await writeReportIfAvailable(outcome.runDir, log);
    printSummary(outcome.results, outcome.exitCode, log);
    await printExplanation(outcome.results, outcome.runDir, log);
    runs.push(outcome);
  }
  const worst = runs.reduce((code, run) => Math.max(code, run.exitCode), 0);
  const last = runs[runs.length - 1]!;
  return { exitCode: worst, results: last.results, runDir: last.runDir, runs, output };
}

/** Loads workloads/<name>.ts and returns its default export. */
export async function loadWorkload(name: string): Promise<Workload> {
  const module = (await import(workloadPath(name))) as { default: Workload };
  return module.default;
}

async function writeReportIfAvailable(runDir: string, log: (line: string) => void): Promise<void> {
  let report: { writeRunReport?: (dir: string) => Promise<void> };
  try {
    report = await import("./report/index.ts");
  } catch {
    return; // no report module in this checkout
  }
  try {
    await report.writeRunReport?.(runDir);
  } catch (error) {
    log(`WARN could not write the HTML report: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const VERDICTS: Record<string, string> = {
  true: "Everything looks good! ヽ(‘ー`)ノ",
  false: "Analysis invalid! (ﾉಥ益ಥ）ﾉ ┻━┻",
  unknown: "Errors occurred during analysis, but no anomalies found. ಠ~ಠ",
};

/** The closing lines: the headline figures, any runner warnings, and the verdict in words. */
function printSummary(results: CheckResult, exitCode: number, log: (line: string) => void): void {
  if (exitCode === 255) {
    log("The run was aborted: a node crashed, broke the protocol during setup, or failed to initialize (exit 255).");
    return;
  }
  const net = results.net as { servers?: { "msgs-per-op"?: number }; all?: { "msgs-per-op"?: number } } | undefined;
  const availability = results.availability as { "ok-fraction"?: number } | undefined;
  const stats = results.stats as { count?: number; "ok-count"?: number; "fail-count"?: number; "info-count"?: number } | undefined;
  log("");
  log(`ops: ${stats?.count ?? 0} (ok ${stats?.["ok-count"] ?? 0}, fail ${stats?.["fail-count"] ?? 0}, info ${stats?.["info-count"] ?? 0})`);
  log(`availability: ${formatNumber(availability?.["ok-fraction"])}`);
  log(`msgs-per-op: all ${formatNumber(net?.all?.["msgs-per-op"])}, servers ${formatNumber(net?.servers?.["msgs-per-op"])}`);
  for (const [name, check] of Object.entries(results)) {
    if (typeof check === "object" && check !== null && (check as CheckResult)["valid?"] !== true && name !== "errors") {
      log(`${name}: valid? ${String((check as CheckResult)["valid?"])}`);
    }
  }
  const violations = (results.errors as { "protocol-violations"?: unknown[] } | undefined)?.["protocol-violations"];
  if (violations?.length) log(`WARN ${violations.length} node(s) broke the protocol; their later output was dropped (see results.json errors)`);
  const warnings = (results.runner as { warnings?: string[] } | undefined)?.warnings ?? [];
  for (const warning of warnings) log(`WARN runner: ${warning}`);
  log("");
  log(VERDICTS[String(results["valid?"])] ?? `valid? ${String(results["valid?"])}`);
}

function formatNumber(value: number | undefined): string {
  return value === undefined ? "-" : Number.isInteger(value) ? String(value) : value.toFixed(4);
}
