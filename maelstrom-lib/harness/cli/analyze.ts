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
import { checkNet } from "../checkers/core.ts";
import { TrafficCounter } from "../world/net.ts";
import type { JournalEvent } from "../contracts/journal.ts";
import { defaultFieldOptions, parseConcurrency } from "./cli.ts";
import { TEST_FLAGS, type AnalyzeFlags } from "./config.ts";
import { CliError, type TestOptions } from "../contracts/options.ts";
import {
  JEPSEN_FILES,
  JepsenStoreError,
  readEdnHistory,
  readLoggedOptions,
  readResultsEdn,
  type LoggedOptions,
} from "../store/jepsen-store.ts";
import { forEachJsonLine } from "../store/run-files.ts";
import { RUN_FILES } from "../contracts/run-files.ts";
import { readHistoryExact, readRunFolder, RunFolderError, type RunFolder } from "../store/run-folder.ts";
import type { RunResults } from "../contracts/results.ts";
import type { CheckResult, Op, Workload } from "../contracts/types.ts";
import { loadWorkload, WORKLOADS } from "../workloads/index.ts";
import { applyHistoryText, type HistoryTextOutcome } from "../store/jepsen-store.ts";
import type { ReadHistory } from "../report/explain.ts";

/** `analyze` with no options typed. */
export const NO_ANALYZE_FLAGS: AnalyzeFlags = { given: {}, names: [] };

/**
 * What analyzing a folder came to: new results, with the workload that checked them, to be
 * written into `outputDir` (ours: the run folder, and the report too; Maelstrom's: a folder of
 * our own in it, and its history for the explanation), or a run with nothing to check.
 */
export type Reanalysis =
  | { kind: "checked"; results: RunResults; workload: Workload; ownRun: true; outputDir: string }
  | { kind: "checked"; results: RunResults; workload: Workload; ownRun: false; outputDir: string; history: ReadHistory }
  | { kind: "aborted"; reason: string };

/** A run folder's checks, run again; a folder that cannot be analyzed is a CliError (exit 254). */
export async function reanalyze(runDir: string, flags: AnalyzeFlags, log: (line: string) => void): Promise<Reanalysis> {
  if (existsSync(join(runDir, RUN_FILES.testOptions))) return reanalyzeOwnRun(runDir, flags, log);
  if (existsSync(join(runDir, JEPSEN_FILES.history))) return analyzeMaelstromRun(runDir, flags, log);
  throw new CliError(
    `${runDir} is not a run folder: it has no ${RUN_FILES.testOptions} (a run of ours) or ${JEPSEN_FILES.history} ` +
      `(a run of real Maelstrom)`,
  );
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
  let folder: RunFolder;
  try {
    folder = readRunFolder(runDir);
  } catch (error) {
    throw asInputError(error);
  }
  const { options: stored, results: previous } = folder;
  if (!stored) throw new CliError(`${runDir} is not a run folder: it has no ${RUN_FILES.testOptions}`);
  if (previous && previous.net === undefined) {
    const why = previous.aborted ?? "no results";
    return {
      kind: "aborted",
      reason: `${runDir} is a run that was aborted (${why}); there is no complete history to check`,
    };
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
  log(
    `Analyzing ${runDir}: ${history.length} ops ` +
      `of ${opts.workload}${flags.names.length ? ` (with ${flags.names.join(" ")})` : ""}`,
  );
  logIncomplete(previous, log);
  const workload = loadWorkload(opts.workload);
  refuseForeignOps(history, workload, RUN_FILES.history);
  if (previous) refuseMissingOps(history, previous.stats, RUN_FILES.history, RUN_FILES.results);
  // `net` and `runner` measured the run itself, so they are kept; a run stopped before its
  // results has its net counted again from the journal.
  const net = previous?.net ?? (await netOfJournal(join(runDir, RUN_FILES.journal), history, log));
  const results = assembleResults(checkHistory({ opts, workload, history, runDir }), net, {
    ...(previous?.runner ? { runner: previous.runner } : {}),
    ...(previous?.errors ? { errors: previous.errors } : {}),
  });
  return { kind: "checked", results, workload, ownRun: true, outputDir: runDir };
}

/** A run folder whose files are not what the runner writes is bad input: exit 254 with the reason. */
function asInputError(error: unknown): unknown {
  return error instanceof RunFolderError ? new CliError(error.message) : error;
}

/** Says when the run being finished was stopped during its checks. */
function logIncomplete(previous: RunResults | undefined, log: (line: string) => void): void {
  if (!previous) {
    log(
      `The run is incomplete: it has no ${RUN_FILES.results} (stopped during its checks); ` +
        `its saved history is checked now, and net counted from ${RUN_FILES.journal}`,
    );
  } else if (previous["abort-type"] === "interrupted") {
    log("The run was interrupted during its checks; its saved history is checked now");
  }
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

/**
 * A folder real Maelstrom wrote. Its options come from the command line, else jepsen.log's
 * test map, else Maelstrom's defaults; the workload also from the store path
 * (store/<workload>/<time>/). Maelstrom's results.edn gives the net traffic, which only the
 * run could measure (its journal is Fressian, which we do not read).
 */
async function analyzeMaelstromRun(
  runDir: string,
  flags: AnalyzeFlags,
  log: (line: string) => void,
): Promise<Reanalysis> {
  const { opts, origins } = maelstromOptions(runDir, flags);
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
  log(`Options: ${describeOptions(opts, origins, flags)}`);
  const textLine = historyTextLine(applyHistoryText(runDir, history));
  if (textLine) log(textLine);
  const workload = loadWorkload(opts.workload);
  refuseForeignOps(history, workload, JEPSEN_FILES.history);
  refuseMissingOps(history, maelstromResults?.stats, JEPSEN_FILES.history, JEPSEN_FILES.results);
  const net = (maelstromResults?.net as CheckResult | undefined) ?? NET_NOT_MEASURED;
  // The checkers' own files (linear.svg, ...) go where ours do, not over Maelstrom's.
  const outputDir = join(runDir, RUN_FILES.reanalysis);
  const results = assembleResults(checkHistory({ opts, workload, history, runDir: outputDir }), net, {});
  if (maelstromResults?.["valid?"] !== undefined) log(verdictComparison(maelstromResults, results));
  const read = { file: JEPSEN_FILES.history, ops: history };
  return { kind: "checked", results, workload, ownRun: false, outputDir, history: read };
}

/** What history.txt changed, in one line; nothing when it is absent or agrees. */
function historyTextLine(outcome: HistoryTextOutcome): string | undefined {
  const { historyText, history } = JEPSEN_FILES;
  if (outcome.kind === "mismatch") {
    return `WARN ${historyText} does not match ${history} (${outcome.reason}); op values are ${history}'s`;
  }
  if (outcome.kind === "absent" || outcome.replacedByF.size === 0) return undefined;
  const counts = [...outcome.replacedByF].map(([f, count]) => `${count} ${f}`).join(", ");
  const why = `Jepsen < 0.3.6 printed stale values into ${history}; ${historyText} has what Maelstrom's checker saw`;
  return `Values from ${historyText} for ${counts} (${why})`;
}

/** The `f` of a client op, with its txn micro-op names when it has them: "txn [r append]". */
function opShape(op: Op, workload: Workload): string {
  if (!workload.microOps || !Array.isArray(op.value)) return op.f;
  const names = new Set(op.value.flatMap((mop) => (Array.isArray(mop) && typeof mop[0] === "string" ? [mop[0]] : [])));
  return [...names].some((name) => !workload.microOps!.has(name)) ? `${op.f} [${[...names].sort().join(" ")}]` : op.f;
}

/** Whether `workload` issues ops of this shape (its fs, and for txns its micro-ops). */
function issues(workload: Workload, ops: readonly Op[]): boolean {
  return ops.every((op) => workload.fs.has(op.f) && opShape(op, workload) === op.f);
}

/**
 * Refuses a history with client ops its workload never issues (a broadcast history checked as
 * lin-kv): its checker would judge ops it does not understand. Names the workloads it fits.
 */
function refuseForeignOps(history: readonly Op[], workload: Workload, file: string): void {
  const clientOps = history.filter((op) => op.process !== "nemesis");
  const foreign = new Map<string, number>();
  for (const op of clientOps) {
    const shape = workload.fs.has(op.f) ? opShape(op, workload) : `${op.f}`;
    if (workload.fs.has(op.f) && shape === op.f) continue;
    foreign.set(shape, (foreign.get(shape) ?? 0) + 1);
  }
  if (foreign.size === 0) return;
  const counts = [...foreign].map(([shape, count]) => `${shape} ×${count}`).join(", ");
  const others = [...WORKLOADS.values()].filter((other) => other !== workload);
  const fits = others.filter((other) => issues(other, clientOps)).map((other) => other.name);
  const fitText = fits.length ? `its ops fit ${fits.join(", ")}` : "no workload of this runner issues all of its ops";
  throw new CliError(
    `${file} is not a ${workload.name} history: it has ops ${workload.name} never issues (${counts}); ${fitText}. ` +
      "Say which workload with -w NAME",
  );
}

/**
 * Refuses a history with fewer client completions than the run's own results counted (a
 * history cut short): checking what is left could pass a run whose failure was in the rest.
 */
function refuseMissingOps(history: readonly Op[], storedStats: unknown, file: string, resultsFile: string): void {
  const counted = (storedStats as { count?: unknown } | undefined)?.count;
  if (typeof counted !== "number") return;
  const completions = history.filter((op) => op.process !== "nemesis" && op.type !== "invoke").length;
  if (completions >= counted) return;
  throw new CliError(
    `${file} has ${completions} completed client ops, but the run's ${resultsFile} counted ${counted}: ` +
      "the history is incomplete, and what is missing could hold the failure, so it is not checked",
  );
}

/**
 * Maelstrom's verdict beside ours, in one line. Where they differ, the checkers that differ, each
 * with the first line of the error Maelstrom's checker gave, if it gave one: a checker that
 * crashed (Jepsen's kafka lost-write check on a key only ever polled empty) or a plot that gnuplot
 * could not draw leaves Maelstrom's verdict unknown where the history itself decides it.
 */
function verdictComparison(theirs: Record<string, unknown>, ours: RunResults): string {
  const said = `Maelstrom's ${JEPSEN_FILES.results} said valid? ${String(theirs["valid?"])}`;
  if (theirs["valid?"] === ours["valid?"]) return `${said}, as this analysis does`;
  const differences = Object.entries(ours).flatMap(([name, mine]) => {
    const their = theirs[name] as Record<string, unknown> | undefined;
    const myValid = (mine as { "valid?"?: unknown } | undefined)?.["valid?"];
    if (their?.["valid?"] === undefined || myValid === undefined || their["valid?"] === myValid) return [];
    const error = firstError(their);
    return [`${name} ${String(their["valid?"])} there${error ? ` (${error})` : ""}, ${String(myValid)} here`];
  });
  return (
    `${said}; this analysis says ${String(ours["valid?"])}, and keeps its own ` +
    `verdict: ${differences.join("; ") || "no single checker differs"}`
  );
}

/** The first line of a checker's `error`, or of the first nested checker's (perf's latency-graph). */
function firstError(result: Record<string, unknown>): string | undefined {
  if (typeof result.error === "string") return result.error.split("\n")[0];
  for (const inner of Object.values(result)) {
    if (typeof inner === "object" && inner !== null && typeof (inner as { error?: unknown }).error === "string") {
      return firstError(inner as Record<string, unknown>);
    }
  }
  return undefined;
}

/** Without results.edn nothing says what went over the network; the counts stay empty, not zero. */
const NET_NOT_MEASURED: CheckResult = {
  all: {},
  clients: {},
  servers: {},
  "valid?": true,
  note: `no ${JEPSEN_FILES.results}: the traffic is unknown`,
};

/** Where an option of a Maelstrom folder came from. */
type Origin = "command line" | "jepsen.log" | "store path" | "default";

/** The options the checks read, each with where it came from, as the Options line prints them. */
type Origins = Record<"workload" | "nodeIds" | "concurrency" | "availability" | "consistencyModels", Origin>;

/**
 * A Maelstrom folder's options: typed on the command line, else from jepsen.log's test map, else
 * (the workload only) from the store path, else Maelstrom's defaults; and where each came from.
 */
function maelstromOptions(runDir: string, flags: AnalyzeFlags): { opts: TestOptions; origins: Origins } {
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
    throw new CliError(
      `${runDir}: no workload named (no test map in ${JEPSEN_FILES.log}, ` +
        "and the folder is not store/<workload>/<time>); say which with -w NAME",
    );
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
  const origin = (typed: boolean, field: keyof LoggedOptions): Origin =>
    typed ? "command line" : logged?.[field] !== undefined ? "jepsen.log" : "default";
  const workloadTyped = flags.given.workload !== undefined;
  const origins: Origins = {
    workload: !workloadTyped && logged?.workload === undefined ? "store path" : origin(workloadTyped, "workload"),
    nodeIds: origin(flags.given.nodeIds !== undefined, "nodeIds"),
    concurrency: origin(flags.concurrency !== undefined, "concurrency"),
    availability: origin(flags.given.availability !== undefined, "availability"),
    consistencyModels: origin(flags.given.consistencyModels !== undefined, "consistencyModels"),
  };
  return { opts: withFlags(base, flags), origins };
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

/** The flags whose options the Options line names with their origin. */
const DESCRIBED_FLAGS = new Set([
  "--workload",
  "--node-count",
  "--nodes",
  "--concurrency",
  "--availability",
  "--consistency-models",
]);

/** "workload kafka (jepsen.log), 1 node (jepsen.log), …": each option the checks read, and where it came from. */
function describeOptions(opts: TestOptions, origins: Origins, flags: AnalyzeFlags): string {
  const availability = opts.availability === undefined ? "not required" : String(opts.availability);
  const nodes = opts.nodeIds.length === 1 ? "1 node" : `${opts.nodeIds.length} nodes`;
  const described = [
    `workload ${opts.workload} (${origins.workload})`,
    `${nodes} (${origins.nodeIds})`,
    `concurrency ${opts.concurrency} (${origins.concurrency})`,
    `availability ${availability} (${origins.availability})`,
    `consistency models ${opts.consistencyModels.join(" , ")} (${origins.consistencyModels})`,
  ];
  const others = flags.names.filter((name) => !DESCRIBED_FLAGS.has(name));
  return described.join(", ") + (others.length ? `; also typed: ${others.join(" ")}` : "");
}
