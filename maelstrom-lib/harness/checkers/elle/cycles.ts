/**
 * Cycle anomalies in the transaction dependency graph, classified as Adya and Elle do:
 * G0 (write cycle: ww only), G1c (ww + wr, at least one wr), G-single (exactly one rw),
 * G2-item (two or more rw), and their -realtime variants when real-time edges take part.
 *
 * Real-time order (T1 completed before T2 was invoked) would need a quadratic number of edges;
 * instead each completion gets a barrier vertex, barriers are chained in completion order, and
 * a txn hangs off the last barrier before its invocation. A path through barriers is one
 * realtime step.
 */
import type { AnomalyType } from "./consistency-models.ts";
import { DependencyGraph, Rel } from "./graph.ts";
import type { AnomalyCase, CaseMap } from "./rw-versions.ts";
import { type Txn, txnName, txnSummary } from "./txns.ts";

/** Says why one edge of a cycle exists: relationship, key, values. */
export type EdgeExplainer = (from: Txn, to: Txn, rel: number) => { step: Record<string, unknown>; text: string };

interface CycleSearch {
  type: AnomalyType;
  /** The relationships the first edge of the cycle may use. */
  first: number;
  /** The relationships the rest of the cycle may use. */
  rest: number;
}

const DATA_SEARCHES: readonly CycleSearch[] = [
  { type: "G0", first: Rel.ww, rest: Rel.ww },
  { type: "G1c", first: Rel.wr, rest: Rel.ww | Rel.wr },
  { type: "G-single", first: Rel.rw, rest: Rel.ww | Rel.wr },
  { type: "G2-item", first: Rel.rw, rest: Rel.ww | Rel.wr | Rel.rw },
];

const REALTIME_SEARCHES: readonly CycleSearch[] = [
  { type: "G0-realtime", first: Rel.realtime, rest: Rel.ww | Rel.realtime },
  { type: "G1c-realtime", first: Rel.wr, rest: Rel.ww | Rel.wr | Rel.realtime },
  { type: "G-single-realtime", first: Rel.rw, rest: Rel.ww | Rel.wr | Rel.realtime },
  { type: "G2-item-realtime", first: Rel.rw, rest: Rel.ww | Rel.wr | Rel.rw | Rel.realtime },
];

/** Cycle searches are bounded: this many candidate first edges per component and search type. */
const MAX_ATTEMPTS_PER_COMPONENT = 64;
/** At most this many cycles reported per anomaly type (each component yields one). */
const MAX_CYCLES_PER_TYPE = 16;

/** Which relationship a step is shown as when an edge holds several: the least damning first. */
const STEP_PREFERENCE = [Rel.ww, Rel.wr, Rel.realtime, Rel.rw];

/** Vertices needed for `txns` plus their real-time barriers. */
export function graphSize(txns: readonly Txn[], realtime: boolean): number {
  return txns.length + (realtime ? txns.filter((txn) => txn.status === "ok").length : 0);
}

/** Adds real-time edges through barrier vertices numbered from txns.length. */
export function linkRealtime(graph: DependencyGraph, txns: readonly Txn[]): void {
  const completed = txns.filter((txn) => txn.status === "ok").sort((a, b) => a.completeTimeNs - b.completeTimeNs);
  const barrierOf = (i: number) => txns.length + i;
  completed.forEach((txn, i) => {
    graph.link(txn.id, barrierOf(i), Rel.realtime);
    if (i > 0) graph.link(barrierOf(i - 1), barrierOf(i), Rel.realtime);
  });
  for (const txn of txns) {
    if (txn.status === "fail") continue;
    // The last completion strictly before this invocation.
    let lo = 0;
    let hi = completed.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (completed[mid]!.completeTimeNs < txn.invokeTimeNs) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) graph.link(barrierOf(lo - 1), txn.id, Rel.realtime);
  }
}

function stepRel(rels: number, allowed: number): number {
  return STEP_PREFERENCE.find((rel) => (rels & allowed & rel) !== 0)!;
}

/** Collapses barrier runs into realtime steps: the cycle as [txn, rel to next txn] pairs. */
function collapse(graph: DependencyGraph, txns: readonly Txn[], vertices: number[], first: number, rest: number): { txn: Txn; rel: number }[] {
  const steps: { txn: Txn; rel: number }[] = [];
  for (let i = 0; i + 1 < vertices.length; i++) {
    const from = vertices[i]!;
    const rel = stepRel(graph.relsBetween(from, vertices[i + 1]!), i === 0 ? first : rest);
    if (from < txns.length) steps.push({ txn: txns[from]!, rel });
  }
  return steps;
}

function classify(steps: { rel: number }[]): AnomalyType {
  const count = (rel: number) => steps.filter((step) => step.rel === rel).length;
  const rw = count(Rel.rw);
  const base = rw === 0 ? (count(Rel.wr) === 0 ? "G0" : "G1c") : rw === 1 ? "G-single" : "G2-item";
  return (count(Rel.realtime) > 0 ? `${base}-realtime` : base) as AnomalyType;
}

function describe(type: AnomalyType, steps: { txn: Txn; rel: number }[], explain: EdgeExplainer): AnomalyCase {
  const explained = steps.map((step, i) => explain(step.txn, steps[(i + 1) % steps.length]!.txn, step.rel));
  const names = [...steps.map((step) => txnName(step.txn)), txnName(steps[0]!.txn)].join(" → ");
  return {
    cycle: steps.map((step) => txnSummary(step.txn)),
    steps: explained.map((e) => e.step),
    explanation: `${type} cycle ${names}: ${explained.map((e) => e.text).join("; ")}`,
  };
}

/** Finds one cycle of `search`'s type in each strongly connected component where one exists. */
function runSearch(graph: DependencyGraph, txns: readonly Txn[], search: CycleSearch, explain: EdgeExplainer, cases: CaseMap): void {
  const { componentOf, nontrivial } = graph.components(search.first | search.rest);
  let reported = 0;
  for (const members of nontrivial) {
    if (reported >= MAX_CYCLES_PER_TYPE) return;
    const component = componentOf[members[0]!]!;
    let attempts = 0;
    let found: AnomalyCase | undefined;
    for (const start of members) {
      if (found || attempts >= MAX_ATTEMPTS_PER_COMPONENT) break;
      if (start >= txns.length) continue;
      graph.forEachOut(start, search.first, (next) => {
        if (found || attempts >= MAX_ATTEMPTS_PER_COMPONENT || componentOf[next] !== component) return;
        attempts++;
        const back = graph.shortestPath(next, start, search.rest, componentOf, component);
        if (!back) return;
        const steps = collapse(graph, txns, [start, ...back], search.first, search.rest);
        if (classify(steps) === search.type) found = describe(search.type, steps, explain);
      });
    }
    if (found) {
      const list = cases.get(search.type) ?? [];
      list.push(found);
      cases.set(search.type, list);
      reported++;
    }
  }
}

/** Searches every cycle type (the realtime ones only when asked), adding cases to `cases`. */
export function findCycles(graph: DependencyGraph, txns: readonly Txn[], realtime: boolean, explain: EdgeExplainer, cases: CaseMap): void {
  for (const search of realtime ? [...DATA_SEARCHES, ...REALTIME_SEARCHES] : DATA_SEARCHES) runSearch(graph, txns, search, explain, cases);
}
