/**
 * An Elle-style checker for read/write-register transactions (the txn-rw-register workload),
 * on the Elle core it shares with list-append (checkers/elle/): infer dependencies from unique
 * write values and the inferred version order, report G1a, G1b, internal inconsistencies, lost
 * updates, cyclic versions and the dependency cycles Elle's cycle search finds (G0, G1c,
 * G-single, G-nonadjacent, G2-item and their -process / -realtime variants), and judge them
 * with Elle's model tables against the requested consistency models. Result shape follows
 * Maelstrom's wrapper around Elle (`workload/txn_rw_register.clj`): `valid?`,
 * `anomaly-types`, `anomalies`, `not`, `also-not`.
 *
 * The verdict is Elle 0.1.6's rw-register as Maelstrom 0.2.3 runs it (`:wfr-keys?`, its
 * explainer order, its model tables). Listed under `beyond-maelstrom`
 * (checkers/beyond-maelstrom.ts): a fuller reading (every version ordered, a cycle of ww
 * dependencies named G0 as Adya does, garbage reads and dirty updates reported), and what Elle
 * 0.2.7 would add (elle/newer-elle.ts: -item cycles, nil-read internals).
 */
import type { BeyondMaelstromFinding, Op } from "../../contracts/types.ts";
import { ELLE_UNKNOWN_ANOMALY_TYPES, MAELSTROM_ELLE } from "./consistency-models.ts";
import {
  additionalGraphs,
  elleCycleSpecs,
  type ExplainerOrder,
  type FoundCycle,
  findElleCycles,
  graphSize,
  isEmptyTransactionGraph,
  linkProcess,
  linkRealtime,
  timeoutCases,
  WR_FIRST,
  WW_FIRST,
} from "./cycles.ts";
import { DependencyGraph, Rel } from "./graph.ts";
import { newerElleFindings } from "./newer-elle.ts";
import {
  type AnomalyCase,
  type CaseMap,
  findCyclicVersions,
  inferVersions,
  internalInconsistencies,
  linkVersionOrder,
  linkWriteReads,
  type VersionInference,
} from "./rw-versions.ts";
import { collectTxns, indexWrites, type Txn, txnName, txnSummary, typeSanityError, type WriteRef } from "./txns.ts";

/** At most this many cases of one anomaly type are kept in the result (the count is kept too). */
const MAX_CASES_SHOWN = 16;

/** Options of the check: the models the history must satisfy (Maelstrom's `--consistency-models`). */
export interface RwRegisterCheckOptions {
  consistencyModels: readonly string[];
  /** Edges the cycle search may examine per strongly connected component (DEFAULT_CYCLE_SEARCH_STEPS). */
  cycleSearchSteps?: number;
}

/** Why a history could not be analyzed (Elle's type sanity, duplicate writes, an unknown model). */
export type RwRegisterUnanalysable = { "valid?": "unknown"; error: string };

/** Elle's result map as Maelstrom's txn-rw-register wrapper reports it. */
export type RwRegisterAnalysis = {
  "valid?": boolean | "unknown";
  "consistency-models": string[];
  "txn-count": number;
  "anomaly-types": string[];
  anomalies: Record<string, AnomalyCase[]>;
  "allowed-anomaly-types"?: string[];
  "allowed-anomalies"?: Record<string, AnomalyCase[]>;
  "anomaly-counts": Record<string, number>;
  not: string[];
  "also-not": string[];
  "beyond-maelstrom"?: BeyondMaelstromFinding[];
};

export type RwRegisterResult = RwRegisterUnanalysable | RwRegisterAnalysis;

/** The analysis in a result; throws with the reason when the history could not be analyzed. */
export function analysisOf(result: RwRegisterResult): RwRegisterAnalysis {
  if ("error" in result) throw new Error(`the rw-register history was not analyzed: ${result.error}`);
  return result;
}

/** How one analysis reads the history: which version orders it infers, and how it names a cycle's edges. */
interface Reading {
  inference: VersionInference;
  naming: ExplainerOrder;
}

/** Elle's rw-register as Maelstrom runs it: `:wfr-keys?`, and the wr explainer asked before the ww one. */
const MAELSTROM: Reading = { inference: "external", naming: WR_FIRST };
/** Ours: every version ordered, and a cycle whose every edge is a ww dependency named G0, as Adya does. */
const FULLER: Reading = { inference: "every-version", naming: WW_FIRST };

/**
 * What only the fuller reading reports (elle/rw-versions.ts). Elle's rw-register looks for
 * neither (elle/rw_register.clj `check`): a read of a value nobody wrote just has no writer,
 * and an overwrite of an aborted value shows only as the G1a of the read before it.
 */
const NOT_IN_ELLE = ["garbage-read", "dirty-update"];

/** Checks a txn-rw-register history; pure, and linear apart from the cycle searches. */
export function checkRwRegister(history: readonly Op[], options: RwRegisterCheckOptions): RwRegisterResult {
  const models = options.consistencyModels;
  const modelError = MAELSTROM_ELLE.unknownModelError(models);
  if (modelError) return { "valid?": "unknown", error: modelError };
  const sanity = typeSanityError(history);
  if (sanity) return { "valid?": "unknown", error: sanity };
  const txns = collectTxns(history);
  const { writes, error } = indexWrites(txns);
  if (error) return { "valid?": "unknown", error };

  const prohibited = MAELSTROM_ELLE.prohibited(models);
  const graphs = additionalGraphs(new Set([...prohibited, ...ELLE_UNKNOWN_ANOMALY_TYPES]));
  const maelstrom = findAnomalies(txns, writes, graphs, MAELSTROM, options.cycleSearchSteps);
  // What only a newer Elle looks for (elle/newer-elle.ts), kept apart from Maelstrom's verdict.
  const newer: CaseMap = new Map();
  internalInconsistencies(txns, maelstrom, newer);
  const fuller = findAnomalies(txns, writes, graphs, FULLER, options.cycleSearchSteps);
  const result = resultMap(models, prohibited, maelstrom, txns.length);
  const beyond = [
    ...beyondMaelstromFindings(models, prohibited, maelstrom, fuller),
    ...newerElleFindings("rw-register", models, maelstrom, newer, MAX_CASES_SHOWN),
  ];
  return beyond.length > 0 ? { ...result, "beyond-maelstrom": beyond } : result;
}

/** Every anomaly case of the history as `reading` sees it, cycles from Elle's search over the graphs asked for. */
function findAnomalies(
  txns: readonly Txn[],
  writes: Map<unknown, Map<unknown, WriteRef>>,
  graphs: ReturnType<typeof additionalGraphs>,
  reading: Reading,
  stepsPerComponent: number | undefined,
): CaseMap {
  const cases: CaseMap = new Map();
  const graph = new DependencyGraph(graphSize(txns, graphs.realtime));
  const versions = inferVersions(txns, cases, reading.inference);
  findCyclicVersions(versions.order, cases);
  const facts = { ...versions, writes, cases, inference: reading.inference };
  linkWriteReads(graph, facts);
  linkVersionOrder(graph, facts);
  if (graphs.process) linkProcess(graph, txns);
  if (graphs.realtime) linkRealtime(graph, txns);
  // As Elle, on the combined graph: realtime or process order alone is something to check.
  if (isEmptyTransactionGraph(graph, txns, graphs.realtime)) {
    const explanation = "no txn depends on another, by data, process or real time, so there is nothing to check";
    cases.set("empty-transaction-graph", [{ explanation }]);
  }
  const explain = edgeExplainer(writes, versions.order);
  const specs = elleCycleSpecs(graphs.process, graphs.realtime);
  const implied = (type: string) => MAELSTROM_ELLE.implied([type]);
  const search = findElleCycles(graph, { txns, specs, implied, order: reading.naming, stepsPerComponent });
  if (search.timeouts.length > 0) cases.set("cycle-search-timeout", timeoutCases(search.timeouts));
  for (const cycle of search.cycles) {
    cases.set(cycle.type, [...(cases.get(cycle.type) ?? []), describe(cycle, explain)]);
  }
  return cases;
}

/** Says why one edge of a cycle exists: relationship, key, values. */
type EdgeExplainer = (from: Txn, to: Txn, rel: number) => { step: Record<string, unknown>; text: string };

/** A found cycle as a result case: the txns, each step's data, and one sentence. */
function describe({ type, steps }: FoundCycle, explain: EdgeExplainer): AnomalyCase {
  const explained = steps.map((step, i) => explain(step.txn, steps[(i + 1) % steps.length]!.txn, step.rel));
  const names = [...steps.map((step) => txnName(step.txn)), txnName(steps[0]!.txn)].join(" → ");
  return {
    cycle: steps.map((step) => txnSummary(step.txn)),
    steps: explained.map((e) => e.step),
    explanation: `${type} cycle ${names}: ${explained.map((e) => e.text).join("; ")}`,
  };
}

/** Why Maelstrom does not report an anomaly type the fuller reading found. */
function whyMaelstromMisses(type: string): string {
  if (NOT_IN_ELLE.includes(type)) return "Elle's rw-register, which Maelstrom runs, does not look for it";
  return (
    "seen by ordering every intermediate write and naming a cycle of ww dependencies G0 (Maelstrom orders only " +
    "each txn's " +
    "external read and final write, and names an edge that is also wr by the read, so it misses it: Maelstrom " +
    "issue #56)"
  );
}

/**
 * Anomaly types the fuller reading finds that the models prohibit and Maelstrom's reading
 * does not report, for instance the interleaved uncommitted writes of Maelstrom issue #56
 * (a G0). A garbage read counts under every model: no model lets a txn read a value nobody wrote.
 */
function beyondMaelstromFindings(
  models: readonly string[],
  prohibited: ReadonlySet<string>,
  maelstrom: CaseMap,
  fuller: CaseMap,
): BeyondMaelstromFinding[] {
  const counted = new Set([...prohibited, "garbage-read"]);
  const extra = [...fuller.keys()].filter((type) => counted.has(type) && !maelstrom.has(type)).sort();
  return extra.map((type) => {
    const cases = fuller.get(type)!;
    return {
      check: `rw-register ${type}, intermediate versions ordered`,
      description:
        `${type}, which ${models.join(", ")} ` + `prohibits, ${whyMaelstromMisses(type)}. ${cases[0]!.explanation}`,
      details: { count: cases.length, cases: cases.slice(0, MAX_CASES_SHOWN) },
    };
  });
}

/**
 * Elle's result map with Maelstrom's reading of it: anomalies the models prohibit, plus an
 * empty graph, make the run invalid. Maelstrom's wrapper (workload/txn_rw_register.clj
 * `checker`) drops `cycle-search-timeout` and so says valid after a search that gave up;
 * here it stays listed and makes the run unknown, unless something else already makes it
 * invalid: a checker that stopped looking does not say valid. Anomalies found but allowed are
 * listed under `allowed-anomaly-types` so a reader still sees them. `anomaly-counts` counts
 * every case found; the cycle search finds at most one cycle per type and component.
 */
function resultMap(
  models: readonly string[],
  prohibited: ReadonlySet<string>,
  cases: CaseMap,
  txnCount: number,
): RwRegisterAnalysis {
  const reportable = new Set([...prohibited, ...ELLE_UNKNOWN_ANOMALY_TYPES]);
  const found = [...cases.keys()].sort();
  const reported = found.filter((type) => reportable.has(type));
  const allowed = found.filter((type) => !reportable.has(type));
  const { not, alsoNot } = MAELSTROM_ELLE.boundary(found);
  const shown = (types: string[]) =>
    Object.fromEntries(types.map((type) => [type, cases.get(type)!.slice(0, MAX_CASES_SHOWN)]));
  const counts = Object.fromEntries(found.map((type) => [type, cases.get(type)!.length]));
  return {
    "valid?": validity(reported),
    "consistency-models": [...models],
    "txn-count": txnCount,
    "anomaly-types": reported,
    anomalies: shown(reported),
    ...(allowed.length > 0 ? { "allowed-anomaly-types": allowed, "allowed-anomalies": shown(allowed) } : {}),
    "anomaly-counts": counts,
    not,
    "also-not": alsoNot,
  };
}

/** Invalid when a reported anomaly is not the search's timeout; unknown when only the timeout is. */
function validity(reported: readonly string[]): boolean | "unknown" {
  if (reported.some((type) => type !== "cycle-search-timeout")) return false;
  return reported.length === 0 ? true : "unknown";
}

/** Explains an edge of a cycle by finding the key and values that justify it. */
function edgeExplainer(
  writes: Map<unknown, Map<unknown, WriteRef>>,
  order: Map<unknown, Map<unknown, Set<unknown>>>,
): EdgeExplainer {
  const show = JSON.stringify;
  const follows = (key: unknown, before: unknown, after: unknown) =>
    before === null ? writes.get(key)?.has(after) === true : order.get(key)?.get(before)?.has(after) === true;
  const writerOf = (key: unknown, value: unknown): Txn | undefined => writes.get(key)?.get(value)?.txn;
  return (from, to, rel) => {
    const a = txnName(from);
    const b = txnName(to);
    if (rel === Rel.realtime)
      return { step: { type: "realtime" }, text: `${a} completed before ${b} began (realtime)` };
    if (rel === Rel.wr) {
      for (const [f, key, value] of to.mops) {
        if (f === "r" && value !== null && writerOf(key, value) === from) {
          return {
            step: { type: "wr", key, value },
            text: `${b} read key ${show(key)} = ${show(value)}, written by ${a} (wr)`,
          };
        }
      }
    }
    for (const [f, key, before] of from.mops) {
      if ((rel === Rel.ww && f !== "w") || (rel === Rel.rw && f !== "r")) continue;
      for (const [g, otherKey, after] of to.mops) {
        if (g === "w" && otherKey === key && follows(key, before, after)) {
          const verb = rel === Rel.ww ? "wrote" : "read";
          const tag = rel === Rel.ww ? "ww" : "rw";
          return {
            step: { type: tag, key, value: before, "value'": after },
            text: `${a} ${verb} key ${show(key)} = ${show(before)}, which ${b} overwrote with ${show(after)} (${tag})`,
          };
        }
      }
    }
    return { step: { type: "unexplained" }, text: `${a} precedes ${b}` };
  };
}
