/**
 * An Elle-style checker for read/write-register transactions (the txn-rw-register workload):
 * infer dependencies from unique write values and the inferred version order, then report
 * G0, G1a, G1b, G1c, dirty updates, internal inconsistencies, lost updates, cyclic versions
 * (and G-single / G2-item and real-time cycles for the stronger models), judged against the
 * requested consistency models. Result shape follows Maelstrom's wrapper around Elle
 * (`workload/txn_rw_register.clj`): `valid?`, `anomaly-types`, `anomalies`, `not`, `also-not`.
 * The verdict uses Elle's version inference; what only a fuller inference finds is listed
 * under `beyond-maelstrom` (checkers/beyond-maelstrom.ts).
 */
import type { BeyondMaelstromFinding, Op } from "../types.ts";
import {
  type AnomalyType,
  anomaliesProhibitedBy,
  impossibleModels,
  KNOWN_MODELS,
  needsRealtime,
  UNKNOWN_ANOMALY_TYPES,
} from "./elle/consistency-models.ts";
import { type EdgeExplainer, findCycles, graphSize, linkRealtime } from "./elle/cycles.ts";
import { DependencyGraph, Rel } from "./elle/graph.ts";
import {
  type AnomalyCase,
  type CaseMap,
  findCyclicVersions,
  inferVersions,
  linkVersionOrder,
  linkWriteReads,
  type VersionInference,
} from "./elle/rw-versions.ts";
import { collectTxns, indexWrites, type Txn, txnName, typeSanityError, type WriteRef } from "./elle/txns.ts";

/** At most this many cases of one anomaly type are kept in the result (the count is kept too). */
const MAX_CASES_SHOWN = 16;

/** Options of the check: the models the history must satisfy (Maelstrom's `--consistency-models`). */
export interface RwRegisterCheckOptions {
  consistencyModels: readonly string[];
}

/** Why a history could not be analysed (Elle's type sanity, duplicate writes, an unknown model). */
export type RwRegisterUnanalysable = { "valid?": "unknown"; error: string };

/** Elle's result map as Maelstrom's txn-rw-register wrapper reports it. */
export type RwRegisterAnalysis = {
  "valid?": boolean;
  "consistency-models": string[];
  "txn-count": number;
  "anomaly-types": AnomalyType[];
  anomalies: Partial<Record<AnomalyType, AnomalyCase[]>>;
  "allowed-anomaly-types"?: AnomalyType[];
  "allowed-anomalies"?: Partial<Record<AnomalyType, AnomalyCase[]>>;
  "anomaly-counts": Partial<Record<AnomalyType, number>>;
  not: string[];
  "also-not": string[];
  "beyond-maelstrom"?: BeyondMaelstromFinding[];
};

export type RwRegisterResult = RwRegisterUnanalysable | RwRegisterAnalysis;

/** The analysis in a result; throws with the reason when the history could not be analysed. */
export function analysisOf(result: RwRegisterResult): RwRegisterAnalysis {
  if ("error" in result) throw new Error(`the rw-register history was not analysed: ${result.error}`);
  return result;
}

/** Checks a txn-rw-register history; pure, and linear apart from the cycle searches. */
export function checkRwRegister(history: readonly Op[], options: RwRegisterCheckOptions): RwRegisterResult {
  const models = options.consistencyModels;
  const unknownModel = models.find((model) => !KNOWN_MODELS.includes(model));
  if (unknownModel !== undefined) {
    return { "valid?": "unknown", error: `unknown consistency model ${JSON.stringify(unknownModel)}; known: ${KNOWN_MODELS.join(", ")}` };
  }
  const sanity = typeSanityError(history);
  if (sanity) return { "valid?": "unknown", error: sanity };
  const txns = collectTxns(history);
  const { writes, error } = indexWrites(txns);
  if (error) return { "valid?": "unknown", error };

  const realtime = needsRealtime(models);
  const maelstrom = findAnomalies(txns, writes, realtime, "external");
  const everyVersion = findAnomalies(txns, writes, realtime, "every-version");
  const result = resultMap(models, maelstrom, txns.length);
  const beyond = beyondMaelstromFindings(models, maelstrom, everyVersion);
  return beyond.length > 0 ? { ...result, "beyond-maelstrom": beyond } : result;
}

/** Every anomaly case of the history, with versions ordered as `inference` says. */
function findAnomalies(txns: readonly Txn[], writes: Map<unknown, Map<unknown, WriteRef>>, realtime: boolean, inference: VersionInference): CaseMap {
  const cases: CaseMap = new Map();
  const graph = new DependencyGraph(graphSize(txns, realtime));
  const { order, reads } = inferVersions(txns, cases, inference);
  findCyclicVersions(order, cases);
  linkWriteReads(graph, reads, writes, cases);
  linkVersionOrder(graph, order, reads, writes, cases);
  if (graph.edges === 0) {
    cases.set("empty-transaction-graph", [{ explanation: "no committed txn observed another txn's writes, so there is nothing to check" }]);
  }
  if (realtime) linkRealtime(graph, txns);
  findCycles(graph, txns, realtime, edgeExplainer(writes, order), cases);
  return cases;
}

/** The anomalies the models prohibit, plus those Maelstrom's wrapper counts as invalid. */
function prohibitedBy(models: readonly string[]): Set<AnomalyType> {
  const prohibited = new Set<AnomalyType>(UNKNOWN_ANOMALY_TYPES);
  for (const model of models) for (const anomaly of anomaliesProhibitedBy(model)) prohibited.add(anomaly);
  return prohibited;
}

/**
 * Prohibited anomaly types that only ordering every version reveals: Maelstrom's Elle orders a
 * txn's external read before its final write and nothing else, so it misses, for instance, the
 * interleaved uncommitted writes of Maelstrom issue #56 (a G0).
 */
function beyondMaelstromFindings(models: readonly string[], maelstrom: CaseMap, everyVersion: CaseMap): BeyondMaelstromFinding[] {
  const prohibited = prohibitedBy(models);
  const extra = [...everyVersion.keys()].filter((type) => prohibited.has(type) && !maelstrom.has(type)).sort();
  return extra.map((type) => {
    const cases = everyVersion.get(type)!;
    return {
      check: `rw-register ${type}, intermediate versions ordered`,
      description:
        `${type}, which ${models.join(", ")} prohibits, seen by ordering every intermediate write (Maelstrom orders only each txn's ` +
        `external read and final write, and misses it: Maelstrom issue #56). ${cases[0]!.explanation}`,
      details: { count: cases.length, cases: cases.slice(0, MAX_CASES_SHOWN) },
    };
  });
}

/**
 * Elle's result map with Maelstrom's reading of it: anomalies the models prohibit, plus the
 * "unknown" ones (an empty graph), make the run invalid. Anomalies found but allowed are
 * listed under `allowed-anomaly-types` so a reader still sees them. `anomaly-counts` counts
 * every case found, except that cycle searches stop after 16 cycles per type.
 */
function resultMap(models: readonly string[], cases: CaseMap, txnCount: number): RwRegisterAnalysis {
  const prohibited = prohibitedBy(models);
  const found = [...cases.keys()].sort();
  const reportable = found.filter((type) => prohibited.has(type));
  const allowed = found.filter((type) => !prohibited.has(type));
  const { not, alsoNot } = impossibleModels(found);
  const shown = (types: AnomalyType[]) => Object.fromEntries(types.map((type) => [type, cases.get(type)!.slice(0, MAX_CASES_SHOWN)]));
  const counts = Object.fromEntries(found.map((type) => [type, cases.get(type)!.length]));
  return {
    "valid?": reportable.length === 0,
    "consistency-models": [...models],
    "txn-count": txnCount,
    "anomaly-types": reportable,
    anomalies: shown(reportable),
    ...(allowed.length > 0 ? { "allowed-anomaly-types": allowed, "allowed-anomalies": shown(allowed) } : {}),
    "anomaly-counts": counts,
    not,
    "also-not": alsoNot,
  };
}

/** Explains an edge of a cycle by finding the key and values that justify it. */
function edgeExplainer(writes: Map<unknown, Map<unknown, WriteRef>>, order: Map<unknown, Map<unknown, Set<unknown>>>): EdgeExplainer {
  const show = JSON.stringify;
  const follows = (key: unknown, before: unknown, after: unknown) =>
    before === null ? writes.get(key)?.has(after) === true : order.get(key)?.get(before)?.has(after) === true;
  const writerOf = (key: unknown, value: unknown): Txn | undefined => writes.get(key)?.get(value)?.txn;
  return (from, to, rel) => {
    const a = txnName(from);
    const b = txnName(to);
    if (rel === Rel.realtime) return { step: { type: "realtime" }, text: `${a} completed before ${b} began (realtime)` };
    if (rel === Rel.wr) {
      for (const [f, key, value] of to.mops) {
        if (f === "r" && value !== null && writerOf(key, value) === from) {
          return { step: { type: "wr", key, value }, text: `${b} read key ${show(key)} = ${show(value)}, written by ${a} (wr)` };
        }
      }
    }
    for (const [f, key, before] of from.mops) {
      if ((rel === Rel.ww && f !== "w") || (rel === Rel.rw && f !== "r")) continue;
      for (const [g, otherKey, after] of to.mops) {
        if (g === "w" && otherKey === key && follows(key, before, after)) {
          const verb = rel === Rel.ww ? "wrote" : "read";
          const tag = rel === Rel.ww ? "ww" : "rw";
          return { step: { type: tag, key, value: before, "value'": after }, text: `${a} ${verb} key ${show(key)} = ${show(before)}, which ${b} overwrote with ${show(after)} (${tag})` };
        }
      }
    }
    return { step: { type: "unexplained" }, text: `${a} precedes ${b}` };
  };
}
