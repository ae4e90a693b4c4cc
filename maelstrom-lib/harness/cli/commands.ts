/**
 * The commands behind `maelstrom test` and `maelstrom analyze`, as functions: `runMaelstrom(argv)`
 * does what `bun run maelstrom ...` does and returns the exit code and results instead of exiting.
 */
import { NO_ANALYZE_FLAGS, reanalyze, type Reanalysis } from "./analyze.ts";
import { loadWorkload } from "../workloads/index.ts";
import { beyondMaelstromLines } from "../checkers/beyond-maelstrom.ts";
import { CliError, parseCommand, type Command } from "./cli.ts";
import type { AnalyzeFlags } from "./config.ts";
import type { TestOptions } from "../contracts/options.ts";
import { writeReportFiles } from "../report/index.ts";
import { RUN_FILES } from "../contracts/run-files.ts";
import { readRunFolder, type RunFolder } from "../store/run-folder.ts";
import { saveAnalysis, StoreError } from "../store/store.ts";
import { explainRun, printExplanation, type RunExplanation } from "../report/explain.ts";
import { nemesisEventLines, nemesisEvents, type NemesisEvent } from "../report/nemesis-events.ts";
import { runTest, type RunOutcome } from "../run/run.ts";
import { NodeProgram } from "../world/sim-program.ts";
import { simulateTest } from "../run/simulate.ts";
import { checkerEntries, exitCodeOf, type RunResults } from "../contracts/results.ts";
import { searchSeeds } from "./seed-search.ts";
import { shrinkFailure, type Shrunk } from "./shrink.ts";
import { failed, judge, type JudgedRun } from "./sim-runs.ts";

/** A parsed `maelstrom test` command. */
export type TestCommand = Extract<Command, { kind: "test" }>;

/** The outcome of `runMaelstrom`. */
export interface MaelstromRun {
  /** 0 valid, 1 invalid, 2 unknown, 254 bad arguments, 255 crash or init failure. */
  exitCode: number;
  /** The last run's results.json (undefined when the arguments were bad). */
  results: RunResults | undefined;
  /** The last run's folder. */
  runDir: string | undefined;
  /** Every run's outcome, when --test-count > 1. */
  runs: { exitCode: number; results: RunResults; runDir: string }[];
  /** Console lines the run printed. */
  output: string[];
  /** With --sim --shrink and a failing run: the smallest run that fails the same way. */
  shrunk?: Shrunk;
}

export interface RunMaelstromOptions {
  /** Where console lines go (default: collected only). */
  log?: (line: string) => void;
  /** Working directory against which --bin and --store resolve (default: process.cwd()). */
  cwd?: string;
}

/** Runs `maelstrom test ...` in-process; never exits the process. */
export async function runMaelstrom(argv: readonly string[], options: RunMaelstromOptions = {}): Promise<MaelstromRun> {
  let command: Command;
  try {
    command = parseCommand(argv, options.cwd);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    options.log?.(error.message);
    return { exitCode: 254, results: undefined, runDir: undefined, runs: [], output: [error.message] };
  }
  if (command.kind !== "test") throw new Error(`runMaelstrom runs tests; got ${command.kind}`);
  return runTestCommand(command, { log: options.log, cwd: options.cwd ?? process.cwd() });
}

/**
 * Runs an already parsed `test` command (--test-count times, the seed counting up). Under
 * --sim, --test-count above 1 is a seed search (seed-search.ts), and --shrink then shrinks
 * the first failing run (shrink.ts).
 */
export async function runTestCommand(
  command: TestCommand,
  options: Pick<RunMaelstromOptions, "log" | "cwd"> = {},
): Promise<MaelstromRun> {
  const output: string[] = [];
  const log = (line: string) => {
    output.push(line);
    options.log?.(line);
  };
  const opts: TestOptions = { ...command.opts, progress: command.opts.progress && options.log !== undefined };
  for (const note of command.notes) log(note);
  for (const warning of command.warnings) log(`WARN ${warning}`);
  const workload = loadWorkload(opts.workload);
  if (opts.sim) {
    const refusal = await simulationRefusal(opts.bin);
    if (refusal !== undefined) {
      log(refusal);
      return { exitCode: 254, results: undefined, runDir: undefined, runs: [], output };
    }
  }
  if (opts.sim && opts.testCount > 1) return simulatedSearch(command, opts, log, options.cwd, output);
  const runs: MaelstromRun["runs"] = [];
  for (let i = 0; i < opts.testCount; i++) {
    const runOpts = i === 0 ? opts : { ...opts, seed: opts.seed + i };
    let outcome: RunOutcome;
    try {
      outcome = opts.sim ? await simulateTest(runOpts, { log }) : await runTest(runOpts, workload, log);
    } catch (error) {
      if (!(error instanceof StoreError)) throw error;
      log(`ERROR: ${error.message}`); // the run folder could not be created: nothing ran
      return { exitCode: 255, results: runs.at(-1)?.results, runDir: runs.at(-1)?.runDir, runs, output };
    }
    if (outcome.incomplete) {
      runs.push(outcome); // its one line is printed; a store that failed will fail the next run too
      break;
    }
    // Explained once: the page and the console say the same.
    const folder = readRunFolder(outcome.runDir);
    const explanation = await explainRun(folder.results, workload, outcome.runDir);
    const events = await writeReport(folder, explanation, log);
    printSummary(outcome.results, outcome.exitCode, log, events);
    printExplanation(explanation, outcome.runDir, log);
    runs.push(outcome);
    if (outcome.interrupted) break; // Ctrl-C ends --test-count too
  }
  const worst = runs.reduce((code, run) => Math.max(code, run.exitCode), 0);
  const last = runs[runs.length - 1]!;
  const judged = judge({ ...opts, progress: false }, last);
  const shrunk = command.shrink ? await shrinkOne(judged, log, options.cwd) : undefined;
  return { exitCode: worst, results: last.results, runDir: last.runDir, runs, output, shrunk };
}

/** --shrink after a single simulated run: shrinks it if it failed. */
async function shrinkOne(
  run: JudgedRun,
  log: (line: string) => void,
  cwd: string | undefined,
): Promise<Shrunk | undefined> {
  if (run.outcome.interrupted) return undefined;
  if (failed(run)) return shrinkFailure(run, { log, cwd });
  log("Nothing to shrink: the run passed.");
  return undefined;
}

/** A seed search, then, with --shrink, its first failing run shrunk. Exits with the worst verdict searched. */
async function simulatedSearch(
  command: TestCommand,
  opts: TestOptions,
  log: (line: string) => void,
  cwd: string | undefined,
  output: string[],
): Promise<MaelstromRun> {
  const search = await searchSeeds(opts, { log, progress: opts.progress, cwd });
  const first = search.failing[0];
  let shrunk: Shrunk | undefined;
  if (command.shrink && first && !search.interrupted) shrunk = await shrinkFailure(first, { log, cwd });
  else if (command.shrink && !search.interrupted) log("Nothing to shrink: no seed failed.");
  const runs = search.runs.map(({ outcome: { exitCode, results, runDir } }) => ({ exitCode, results, runDir }));
  const shown = first ?? search.runs.at(-1);
  const results = shown?.outcome.results;
  return { exitCode: search.exitCode, results, runDir: shown?.outcome.runDir, runs, output, shrunk };
}

/** Why --sim cannot run this --bin (one line), or undefined when it can. */
async function simulationRefusal(bin: string): Promise<string | undefined> {
  try {
    await NodeProgram.load(bin);
    return undefined;
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    return error.message;
  }
}

/**
 * `maelstrom analyze RUN_DIR` (Jepsen's `analyze` command; analyze.ts): runs the checks that
 * read the history again, on one of our runs or on a folder real Maelstrom wrote, and writes
 * the new results.json and results.edn, each through a temporary file and a rename: in our
 * runs in their place (and the report), in Maelstrom's in a folder of their own beside
 * Maelstrom's files. Returns the exit code a test with these results would have had; 254 for
 * a folder or options that cannot be analyzed, 255 for one that cannot be written.
 */
export async function analyzeRun(
  runDir: string,
  log: (line: string) => void,
  flags: AnalyzeFlags = NO_ANALYZE_FLAGS,
): Promise<number> {
  let analysis: Reanalysis;
  try {
    analysis = await reanalyze(runDir, flags, log);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    log(error.message);
    return 254;
  }
  if (analysis.kind === "aborted") {
    log(analysis.reason);
    return 255;
  }
  const { results, workload, ownRun, outputDir } = analysis;
  // Our runs get results.edn and results.json rewritten in place, as Maelstrom's analyze
  // rewrites its own; a Maelstrom folder keeps every file of its own (its results.edn is the
  // record of Maelstrom's verdict), ours going into a folder beside them.
  try {
    await saveAnalysis(outputDir, results);
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    log(`ERROR: ${error.message}`);
    return 255;
  }
  const history = ownRun ? undefined : analysis.history;
  const explanation = await explainRun(results, workload, runDir, history);
  // A Maelstrom folder has no history.jsonl or journal of ours to draw a report from.
  let events = history && nemesisEvents(history.ops);
  if (ownRun) events = await writeReport(readRunFolder(runDir), explanation, log);
  else
    log(
      `Wrote ${RUN_FILES.results} and ${RUN_FILES.resultsEdn} into ${outputDir}; Maelstrom's own files are as they ` +
        `were`,
    );
  const exitCode = exitCodeOf(results["valid?"]);
  printSummary(results, exitCode, log, events);
  printExplanation(explanation, runDir, log, history);
  return exitCode;
}

/**
 * The HTML report is extra: a failure to draw it is a warning, and never changes the verdict.
 * Returns the nemesis's events it read (undefined when it failed), for the console's table.
 */
async function writeReport(
  folder: RunFolder,
  explanation: RunExplanation,
  log: (line: string) => void,
): Promise<NemesisEvent[] | undefined> {
  try {
    return await writeReportFiles(folder, explanation);
  } catch (error) {
    log(`WARN could not write the HTML report: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

const VERDICTS: Record<string, string> = {
  true: "Everything looks good! ヽ(‘ー`)ノ",
  false: "Analysis invalid! (ﾉಥ益ಥ）ﾉ ┻━┻",
  unknown: "Errors occurred during analysis, but no anomalies found. ಠ~ಠ",
};

/** The closing lines: the headline figures, what the nemesis did, any runner warnings, and the verdict in words. */
function printSummary(
  results: RunResults,
  exitCode: number,
  log: (line: string) => void,
  events: readonly NemesisEvent[] = [],
): void {
  if (exitCode === 255) {
    log("The run was aborted (exit 255); why, below.");
    return;
  }
  if (results["abort-type"] === "interrupted") {
    log(`The run was interrupted (exit ${exitCode}); every node was killed. Its folder holds what it recorded.`);
    return;
  }
  const { net, availability, stats } = results;
  log("");
  log(
    `ops: ${stats?.count ?? 0} (ok ${stats?.["ok-count"] ?? 0}, fail ${stats?.["fail-count"] ?? 0}, ` +
      `info ${stats?.["info-count"] ?? 0})`,
  );
  log(`availability: ${formatNumber(availability?.["ok-fraction"])}`);
  log(
    `msgs-per-op: all ${formatNumber(net?.all["msgs-per-op"])}, servers ${formatNumber(net?.servers["msgs-per-op"])}`,
  );
  for (const line of nemesisEventLines(events)) log(line);
  for (const [name, check] of checkerEntries(results)) {
    if (check["valid?"] !== true) log(`${name}: valid? ${String(check["valid?"])}`);
  }
  if (results["beyond-maelstrom"]) for (const line of beyondMaelstromLines(results["beyond-maelstrom"])) log(line);
  for (const warning of results.runner?.warnings ?? []) log(`WARN runner: ${warning}`);
  log("");
  log(VERDICTS[String(results["valid?"])] ?? `valid? ${String(results["valid?"])}`);
}

function formatNumber(value: number | undefined): string {
  return value === undefined ? "-" : Number.isInteger(value) ? String(value) : value.toFixed(4);
}
