/**
 * `maelstrom analyze RUN_DIR` (Jepsen's `analyze` command): the checks that read the history,
 * run again on a stored run. The folder is one of ours (test.json, history.jsonl, results.json)
 * or one real Maelstrom wrote (history.edn, with jepsen.log and results.edn when they are
 * there). Options typed on the command line replace the run's own. This module reads the folder
 * and checks it; index.ts `analyzeRun` writes and prints the outcome.
 */
import { existsSync, realpathSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { assembleResults, checkHistory } from "../run/analysis.ts";
import { defaultFieldOptions, parseConcurrency } from "./cli.ts";
import { TEST_FLAGS, type AnalyzeFlags } from "./config.ts";
import { CliError, type TestOptions } from "../contracts/options.ts";
import { JEPSEN_FILES, JepsenStoreError, readEdnHistory, readLoggedOptions, readResultsEdn, type LoggedOptions } from "../store/jepsen-store.ts";
import { RUN_FILES } from "../store/run-files.ts";
import { readHistoryExact, readRunFolder, RunFolderError, type RunFolder } from "../store/run-folder.ts";
import type { RunResults } from "../contracts/results.ts";
import type { CheckResult, Op, Workload } from "../contracts/types.ts";
import { WORKLOADS } from "../workloads/index.ts";

/** `analyze` with no options typed. */
export const NO_ANALYZE_FLAGS: AnalyzeFlags = { given: {}, names: [] };

/** What analyzing a folder came to: new results (ours: draw the report too), or a run with nothing to check. */
export type Reanalysis =
  | { kind: "checked"; results: RunResults; workload: Workload; ownRun: boolean }
  | { kind: "aborted"; reason: string };

/** A run folder's checks, run again; a folder that cannot be analyzed is a CliError (exit 254). */
export async function reanalyze(runDir: string, flags: AnalyzeFlags, log: (line: string) => void): Promise<Reanalysis> {
  if (existsSync(join(runDir, RUN_FILES.testOptions))) return reanalyzeOwnRun(runDir, flags, log);
  if (existsSync(join(runDir, JEPSEN_FILES.history))) return analyzeMaelstromRun(runDir, flags, log);
  throw new CliError(`${runDir} is not a run folder: it has no ${RUN_FILES.testOptions} (a run of ours) or ${JEPSEN_FILES.history} (a run of real Maelstrom)`);
}

/** One of our runs: its test.json options (with the typed ones in their place) and history.jsonl. */
async function reanalyzeOwnRun(runDir: string, flags: AnalyzeFlags, log: (line: string) => void): Promise<Reanalysis> {
  if (!existsSync(join(runDir, RUN_FILES.history))) throw new CliError(`${runDir} is not a run folder: it has no ${RUN_FILES.history}`);
  let folder: RunFolder;
  try {
    folder = readRunFolder(runDir);
  } catch (error) {
    throw asInputError(error);
  }
  const { options: stored, results: previous } = folder;
  if (!stored || !previous) throw new CliError(`${runDir} is not a run folder: it has no ${RUN_FILES.results}`);
  if (previous.net === undefined) {
    const why = previous.aborted ?? "no results";
    return { kind: "aborted", reason: `${runDir} is a run that was aborted (${why}); there is no complete history to check` };
  }
  // Runs stored before a flag existed lack its field: such a run ran with the flag's default.
  const defaults: TestOptions = {
    ...defaultFieldOptions(),
    bin: stored.bin,
    binArgs: [],
    nodeIds: stored.nodeIds,
    concurrency: parseConcurrency(TEST_FLAGS.concurrency.default, stored.nodeIds.length),
    seed: 0,
    storeDir: dirname(dirname(runDir)),
    progress: false,
  };
  const opts = withFlags({ ...defaults, ...stored }, flags);
  const history = await readHistoryExact(runDir).catch((error: unknown) => {
    throw asInputError(error);
  });
  log(`Analyzing ${runDir}: ${history.length} ops of ${opts.workload}${flags.names.length ? ` (with ${flags.names.join(" ")})` : ""}`);
  // `net` and `runner` measured the run itself, so they are kept.
  const workload = loadWorkload(opts.workload);
  const results = assembleResults(checkHistory({ opts, workload, history, runDir }), previous.net, {
    runner: previous.runner,
    ...(previous.errors ? { errors: previous.errors } : {}),
  });
  return { kind: "checked", results, workload, ownRun: true };
}

/** A run folder whose files are not what the runner writes is bad input: exit 254 with the reason. */
function asInputError(error: unknown): unknown {
  return error instanceof RunFolderError ? new CliError(error.message) : error;
}

/**
 * A folder real Maelstrom wrote. Its options come from the command line, else jepsen.log's
 * test options, else Maelstrom's defaults; the workload also from the store path
 * (store/<workload>/<time>/). Maelstrom's results.edn gives the net traffic, which only the
 * run could measure (its journal is Fressian, which we do not read).
 */
async function analyzeMaelstromRun(runDir: string, flags: AnalyzeFlags, log: (line: string) => void): Promise<Reanalysis> {
  const { opts, sources } = maelstromOptions(runDir, flags);
  let history: Op[];
  let maelstromResults: Record<string, unknown> | undefined;
  try {
    history = readEdnHistory(join(runDir, JEPSEN_FILES.history));
    maelstromResults = readResultsEdn(runDir);
  } catch (error) {
    if (error instanceof JepsenStoreError) throw new CliError(error.message);
    throw error;
  }
  log(`Analyzing ${runDir}: ${history.length} ops of ${opts.workload} from real Maelstrom's ${JEPSEN_FILES.history}`);
  log(`Options: ${describeOptions(opts)}; from ${sources.join(", ")}`);
  if (maelstromResults?.["valid?"] !== undefined) log(`Maelstrom's ${JEPSEN_FILES.results} said valid? ${String(maelstromResults["valid?"])}`);
  const net = (maelstromResults?.net as CheckResult | undefined) ?? NET_NOT_MEASURED;
  const workload = loadWorkload(opts.workload);
  const results = assembleResults(checkHistory({ opts, workload, history, runDir }), net, {});
  return { kind: "checked", results, workload, ownRun: false };
}

/** Without results.edn nothing says what went over the network; the counts stay empty, not zero. */
const NET_NOT_MEASURED: CheckResult = { all: {}, clients: {}, servers: {}, "valid?": true, note: `no ${JEPSEN_FILES.results}: the traffic is unknown` };

/** A Maelstrom folder's options, and which sources gave them (the command line, jepsen.log, the store path, defaults). */
function maelstromOptions(runDir: string, flags: AnalyzeFlags): { opts: TestOptions; sources: string[] } {
  let logged: LoggedOptions | undefined;
  try {
    logged = readLoggedOptions(runDir);
  } catch (error) {
    if (error instanceof JepsenStoreError) throw new CliError(error.message);
    throw error;
  }
  const fromPath = workloadOfStorePath(runDir);
  const workload = flags.given.workload ?? logged?.workload ?? fromPath;
  if (workload === undefined) {
    throw new CliError(`${runDir}: no workload named (no ${JEPSEN_FILES.log}, and the folder is not store/<workload>/<time>); say which with -w NAME`);
  }
  // The default concurrency (1n) counts the nodes the run had, wherever they are told.
  const nodeIds = flags.given.nodeIds ?? logged?.nodeIds ?? [...TEST_FLAGS.node.default];
  const base: TestOptions = {
    ...defaultFieldOptions(),
    bin: "",
    binArgs: [],
    nodeIds,
    concurrency: parseConcurrency(TEST_FLAGS.concurrency.default, nodeIds.length),
    seed: 0,
    storeDir: dirname(dirname(runDir)),
    progress: false,
    ...logged,
    workload,
  };
  const sources = [
    ...(flags.names.length ? [`the command line (${flags.names.join(" ")})`] : []),
    ...(logged ? [JEPSEN_FILES.log] : []),
    ...(flags.given.workload === undefined && logged?.workload === undefined ? ["the store path (the workload)"] : []),
    "Maelstrom's defaults",
  ];
  return { opts: withFlags(base, flags), sources };
}

/** The workload of a folder at store/<workload>/<time>/ (through store/latest too), if that names one. */
function workloadOfStorePath(runDir: string): string | undefined {
  let real: string;
  try {
    real = realpathSync(runDir);
  } catch {
    return undefined;
  }
  const name = basename(dirname(real));
  return WORKLOADS.has(name) ? name : undefined;
}

/** The options with the typed ones in their place; a typed Kn concurrency counts the final node list. */
function withFlags(opts: TestOptions, flags: AnalyzeFlags): TestOptions {
  const merged = { ...opts, ...flags.given };
  if (flags.concurrency !== undefined) merged.concurrency = parseConcurrency(flags.concurrency, merged.nodeIds.length);
  return merged;
}

function describeOptions(opts: TestOptions): string {
  const availability = opts.availability === undefined ? "not required" : String(opts.availability);
  const nodes = opts.nodeIds.length === 1 ? "1 node" : `${opts.nodeIds.length} nodes`;
  return `workload ${opts.workload}, ${nodes}, concurrency ${opts.concurrency}, availability ${availability}, consistency models ${opts.consistencyModels.join(" , ")}`;
}

/** The registered workload of this `-w` name (workloads/index.ts). */
export function loadWorkload(name: string): Workload {
  const workload = WORKLOADS.get(name);
  if (!workload) throw new CliError(`Unknown workload ${JSON.stringify(name)}; this runner has: ${[...WORKLOADS.keys()].join(", ")}`);
  return workload;
}
