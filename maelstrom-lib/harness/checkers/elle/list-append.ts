/**
 * Elle's list-append checker (elle/list_append.clj `check`, as Maelstrom's txn-list-append
 * runs it through jepsen.tests.cycle.append): the anomalies visible in single txns and in
 * the version order, then ww/wr/rw dependencies (plus realtime or process order when the
 * models need them) searched for cycles, judged against `--consistency-models` with the model
 * tables of Elle 0.1.6, the Elle Maelstrom 0.2.3 runs. Result: Elle's `valid?`,
 * `anomaly-types`, `anomalies`, `not`, `also-not`, and under `beyond-maelstrom` what Elle 0.2.7
 * would add (newer-elle.ts: future reads, -item cycles, nil-read internals).
 */
import type { CheckResult, Op, RunFiles } from "../../contracts/types.ts";
import { ELLE_UNKNOWN_ANOMALY_TYPES, MAELSTROM_ELLE } from "./consistency-models.ts";
import {
  additionalGraphs,
  elleCycleSpecs,
  findElleCycles,
  graphSize,
  isEmptyTransactionGraph,
  linkProcess,
  linkRealtime,
  timeoutCases,
  WW_FIRST,
} from "./cycles.ts";
import { DependencyGraph } from "./graph.ts";
import { addCycleFiles, addIncompatibleOrderFiles, cycleCase, type ExplainContext } from "./list-append-explain.ts";
import { historyError, invokeIndices } from "./list-append-history.ts";
import { newerElleFindings } from "./newer-elle.ts";
import {
  abortedReads,
  futureReads,
  intermediateReads,
  internalInconsistencies,
  lostUpdates,
} from "./list-append-txn-anomalies.ts";
import {
  dirtyUpdates,
  duplicateElements,
  garbageReadError,
  incompatibleOrders,
  type ListAppendCases,
  type VersionOrder,
  linkDependencies,
  readIndex,
  sortedValues,
  versionOrder,
  writeIndex,
} from "./list-append-versions.ts";
import { collectTxns, type Txn } from "./txns.ts";

/** Elle's folder in the run folder. */
const ELLE_DIR = "elle";
/** At most this many cases of one type are kept in the result (all are counted). */
const MAX_CASES_SHOWN = 32;

export interface ListAppendOptions {
  consistencyModels: readonly string[];
  /** The run folder's files, to which Elle's `elle/` files are added; none in unit tests. */
  files?: RunFiles;
  /** Edges the cycle search may examine per strongly connected component (DEFAULT_CYCLE_SEARCH_STEPS). */
  cycleSearchSteps?: number;
}

/** Checks a txn-list-append history; pure: Elle's files are handed back in `files`, for the store to write. */
export function checkListAppend(history: readonly Op[], options: ListAppendOptions): CheckResult {
  const models = options.consistencyModels;
  const modelError = MAELSTROM_ELLE.unknownModelError(models);
  if (modelError) return { "valid?": "unknown", error: modelError };
  const malformed = historyError(history);
  if (malformed) return { "valid?": "unknown", error: malformed };
  const txns = collectTxns(history);
  const possible = txns.filter((txn) => txn.status !== "fail");
  const allWriters = writeIndex(txns);
  const garbage = garbageReadError(txns, allWriters);
  if (garbage) return { "valid?": "unknown", error: garbage };

  const cases: ListAppendCases = new Map();
  // What only a newer Elle looks for (newer-elle.ts): kept apart from Maelstrom's verdict.
  const newer: ListAppendCases = new Map();
  const prohibited = MAELSTROM_ELLE.prohibited(models);
  const reportable = new Set([...prohibited, ...ELLE_UNKNOWN_ANOMALY_TYPES]);
  // What the committed and indeterminate txns read of each key, shortest first.
  const sorted = sortedValues(possible, true);
  findTxnAnomalies(txns, possible, sorted, allWriters, { cases, newer });
  findCycleAnomalies(history, txns, possible, versionOrder(sorted), reportable, cases, options);
  if (options.files && reportable.has("incompatible-order")) {
    const longest = new Map([...sorted].map(([key, lists]) => [key, lists[lists.length - 1]!]));
    addIncompatibleOrderFiles(options.files, ELLE_DIR, cases.get("incompatible-order") ?? [], possible, longest);
  }
  const result = resultMap(prohibited, reportable, cases);
  const beyond = newerElleFindings("list-append", models, cases, newer, MAX_CASES_SHOWN);
  return beyond.length > 0 ? { ...result, "beyond-maelstrom": beyond } : result;
}

function findTxnAnomalies(
  txns: readonly Txn[],
  possible: readonly Txn[],
  sorted: Map<unknown, unknown[][]>,
  allWriters: ReturnType<typeof writeIndex>,
  { cases, newer }: { cases: ListAppendCases; newer: ListAppendCases },
): void {
  abortedReads(txns, cases);
  intermediateReads(txns, cases);
  internalInconsistencies(txns, cases, newer);
  futureReads(txns, newer);
  // Elle computes dirty updates over every txn's reads, without the single-append shortcut.
  dirtyUpdates(versionOrder(sortedValues(txns, false)), allWriters, cases);
  duplicateElements(possible, cases);
  incompatibleOrders(sorted, cases);
  lostUpdates(possible, cases);
}

/**
 * Builds the dependency graph (realtime if a reportable anomaly needs it, else process if one does) and explains its
 * cycles.
 */
function findCycleAnomalies(
  history: readonly Op[],
  txns: readonly Txn[],
  possible: readonly Txn[],
  order: VersionOrder,
  reportable: Set<string>,
  cases: ListAppendCases,
  { files, cycleSearchSteps: stepsPerComponent }: ListAppendOptions,
): void {
  const { realtime, process } = additionalGraphs(reportable);
  const ctx: ExplainContext = {
    order,
    writers: writeIndex(possible),
    readers: readIndex(possible),
    invokeIndex: invokeIndices(history, txns),
  };
  const graph = new DependencyGraph(graphSize(txns, realtime));
  linkDependencies(graph, possible, ctx);
  if (process) linkProcess(graph, txns);
  if (realtime) linkRealtime(graph, txns);
  if (isEmptyTransactionGraph(graph, txns, realtime)) {
    const explanation = "no txn depends on any other, so there is nothing to check";
    cases.set("empty-transaction-graph", [{ explanation }]);
  }
  const cycleCases = new Map<string, ReturnType<typeof cycleCase>[]>();
  const specs = elleCycleSpecs(process, realtime);
  const implied = (type: string) => MAELSTROM_ELLE.implied([type]);
  const search = findElleCycles(graph, { txns, specs, implied, order: WW_FIRST, stepsPerComponent });
  if (search.timeouts.length > 0) cases.set("cycle-search-timeout", timeoutCases(search.timeouts));
  for (const cycle of search.cycles) {
    const found = cycleCase(cycle, ctx);
    cycleCases.set(cycle.type, [...(cycleCases.get(cycle.type) ?? []), found]);
  }
  for (const [type, list] of cycleCases) cases.set(type, list);
  if (files) addCycleFiles(files, ELLE_DIR, new Map([...cycleCases].filter(([type]) => reportable.has(type))));
}

/**
 * Elle's result-map: prohibited anomalies make it invalid, unknown-type ones unknown; `not`/`also-not` over everything
 * found.
 */
function resultMap(prohibited: Set<string>, reportable: Set<string>, cases: ListAppendCases): CheckResult {
  const found = [...cases.keys()].sort();
  const shown = found.filter((type) => reportable.has(type));
  if (shown.length === 0) return { "valid?": true };
  const bad = shown.some((type) => prohibited.has(type));
  const { not, alsoNot } = MAELSTROM_ELLE.boundary(found);
  return {
    "valid?": bad ? false : "unknown",
    "anomaly-types": shown,
    anomalies: Object.fromEntries(shown.map((type) => [type, cases.get(type)!.slice(0, MAX_CASES_SHOWN)])),
    "anomaly-counts": Object.fromEntries(shown.map((type) => [type, cases.get(type)!.length])),
    not,
    "also-not": alsoNot,
  };
}
