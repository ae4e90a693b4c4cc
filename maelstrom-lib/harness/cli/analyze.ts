/**
 * `maelstrom analyze RUN_DIR` (Jepsen's `analyze` command): the checks that read the history,
 * run again on a stored run. The folder is one of ours (test.json, history.jsonl, results.json)
 * or one real Maelstrom wrote (history.edn, with jepsen.log and results.edn when they are
 * there). Options typed on the command line replace the run's own. This module reads the folder
 * and checks it; index.ts `analyzeRun` writes and prints the outcome.
 */
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { assembleResults, checkHistory } from "../run/analysis.ts";
import { checkNet } from "../checkers/core.ts";
import { TrafficCounter } from "../world/net.ts";
import type { JournalEvent } from "../contracts/journal.ts";
import { defaultFieldOptions, parseConcurrency } from "./cli.ts";
import { TEST_FLAGS, type AnalyzeFlags } from "./config.ts";
import { CliError, type TestOptions } from "../contracts/options.ts";
import { JEPSEN_FILES, JepsenStoreError, readEdnHistory, readLoggedOptions, readResultsEdn, type LoggedOptions } from "../store/jepsen-store.ts";
import { parseJsonExact } from "../primitives/json-exact.ts";
import { forEachJsonLine, forEachLine, RUN_FILES } from "../store/run-files.ts";
import type { RunResults } from "../contracts/results.ts";
import type { CheckResult, Op, Workload } from "../contracts/types.ts";
import { WORKLOADS } from "../workloads/index.ts";

/** `analyze` with no options typed. */
export const NO_ANALYZE_FLAGS: AnalyzeFlags = { given: {}, names: [] };

/**
 * What analyzing a folder came to: new results, to be written into `outputDir` (ours: the run
 * folder, and the report too; Maelstrom's: a folder of our own in it), or a run with nothing to check.
 */
export type Reanalysis =
  | { kind: "checked"; results: RunResults; ownRun: boolean; outputDir: string }
  | { kind: "aborted"; reason: string };

/** A run folder's checks, run again; a folder that cannot be analyzed is a CliError (exit 254). */
export async function reanalyze(runDir: string, flags: AnalyzeFlags, log: (line: string) => void): Promise<Reanalysis> {
  if (existsSync(join(runDir, RUN_FILES.testOptions))) return reanalyzeOwnRun(runDir, flags, log);
  if (existsSync(join(runDir, JEPSEN_FILES.history))) return analyzeMaelstromRun(runDir, flags, log);
  throw new CliError(`${runDir} is not a run folder: it has no ${RUN_FILES.testOptions} (a run of ours) or ${JEPSEN_FILES.history} (a run of real Maelstrom)`);
}

/**
 * One of our runs: its test.json options (with the typed ones in their place) and history.jsonl.
 * A run stopped while it was being checked is finished here: its history was saved before the
 * checks, and its `net` counts come from its results.json or, when it has none, its journal.
 */
async function reanalyzeOwnRun(runDir: string, flags: AnalyzeFlags, log: (line: string) => void): Promise<Reanalysis> {
  if (!existsSync(join(runDir, RUN_FILES.history))) {
    throw new CliError(
      `${runDir} has no ${RUN_FILES.history}: the run was stopped before its history was saved, ` +
        "so there is nothing to check",
    );
  }
  // Runs stored before a flag existed lack its field: such a run ran with the flag's default.
  const stored = readJsonObject(join(runDir, RUN_FILES.testOptions)) as Partial<TestOptions>;
  const opts = withFlags({ strict: false, ...stored } as TestOptions, flags);
  const resultsPath = join(runDir, RUN_FILES.results);
  const previous = existsSync(resultsPath) ? (readJsonObject(resultsPath) as CheckResult) : undefined;
  if (previous && previous.net === undefined) {
    return { kind: "aborted", reason: `${runDir} is a run that was aborted (${String(previous.aborted ?? "no results")}); there is no complete history to check` };
  }
  const history = await readHistoryJsonl(join(runDir, RUN_FILES.history));
  log(`Analyzing ${runDir}: ${history.length} ops of ${opts.workload}${flags.names.length ? ` (with ${flags.names.join(" ")})` : ""}`);
  if (!previous) {
    log(
      `The run is incomplete: it has no ${RUN_FILES.results} (stopped during its checks); ` +
        `its saved history is checked now, and net counted from ${RUN_FILES.journal}`,
    );
  } else if (previous["abort-type"] === "interrupted") {
    log("The run was interrupted during its checks; its saved history is checked now");
  }
  // `net` and `runner` measured the run itself, so they are kept.
  const journal = join(runDir, RUN_FILES.journal);
  const net = previous ? (previous.net as CheckResult) : await netOfJournal(journal, history, log);
  const results = assembleResults(checkHistory({ opts, workload: loadWorkload(opts.workload), history, runDir }), net, {
    ...(previous?.runner ? { runner: previous.runner } : {}),
    ...(previous?.errors ? { errors: previous.errors } : {}),
  });
  return { kind: "checked", results, ownRun: true, outputDir: runDir };
}

/** A JSON file of the run that must hold an object; anything else is a CliError naming it. */
function readJsonObject(path: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new CliError(`${path} is not valid JSON: ${firstLine(error)}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new CliError(`${path} holds no JSON object`);
  }
  return value as Record<string, unknown>;
}

/** history.jsonl's ops; a line that is no JSON op map is a CliError naming the line. */
async function readHistoryJsonl(path: string): Promise<Op[]> {
  const history: Op[] = [];
  await forEachLine(path, (line) => {
    let op: unknown;
    try {
      op = parseJsonExact(line);
    } catch (error) {
      throw new CliError(`${path} line ${history.length + 1} is not valid JSON: ${firstLine(error)}`);
    }
    if (typeof op !== "object" || op === null || typeof (op as Op).type !== "string") {
      throw new CliError(`${path} line ${history.length + 1} is not an op (a JSON object with a "type")`);
    }
    history.push(op as Op);
  });
  return history;
}

/** The net checker over a journal file (a run that never wrote its results); lines cut short are skipped, and said. */
async function netOfJournal(path: string, history: readonly Op[], log: (line: string) => void): Promise<CheckResult> {
  const counter = new TrafficCounter();
  let unusable = 0;
  const { badLineCount } = await forEachJsonLine<JournalEvent>(path, (event) => {
    const isEvent = typeof event?.src === "string" && typeof event.dest === "string";
    if (isEvent && (event.type === "send" || event.type === "recv")) counter.add(event);
    else unusable++;
  });
  const skipped = badLineCount + unusable;
  if (skipped > 0) {
    log(`WARN ${skipped} line(s) of ${path} are no journal event (cut short when the run stopped?): not counted`);
  }
  return checkNet(history, counter.stats());
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]!;
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
  // The checkers' own files (linear.svg, ...) go where ours do, not over Maelstrom's.
  const outputDir = join(runDir, RUN_FILES.reanalysis);
  const checks = checkHistory({ opts, workload: loadWorkload(opts.workload), history, runDir: outputDir });
  const results = assembleResults(checks, net, {});
  return { kind: "checked", results, ownRun: false, outputDir };
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
