/**
 * Elle's cycle search as elle/txn.clj specifies it, shared by the rw-register and list-append
 * checkers: every cycle type of cycle-anomaly-specs (G0, G1c, G-single, G-nonadjacent,
 * G2-item and their -process and -realtime variants), searched per strongly connected
 * component in order of severity, skipping types an earlier find already implies. Each edge
 * counts as the relationship the checker's explainers name it by (Elle asks its explainers in
 * the order the analyzers were combined and takes the first answer), so a cycle's class is
 * what its explanation says.
 *
 * Real-time order (T1 completed before T2 was invoked) would need a quadratic number of edges;
 * instead each completion gets a barrier vertex, barriers are chained in completion order, and
 * a txn hangs off the last barrier before its invocation. A path through barriers is one
 * realtime step.
 */
import { DependencyGraph, Rel } from "./graph.ts";
import type { Txn } from "./txns.ts";

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

/** Links each process's successive ok txns (Elle's process-graph: ok ops only). */
export function linkProcess(graph: DependencyGraph, txns: readonly Txn[]): void {
  const lastOf = new Map<Txn["process"], Txn>();
  for (const txn of [...txns].filter((t) => t.status === "ok").sort((a, b) => a.index - b.index)) {
    const last = lastOf.get(txn.process);
    if (last) graph.link(last.id, txn.id, Rel.process);
    lastOf.set(txn.process, txn);
  }
}

/**
 * The order in which a checker's explainers are asked why one txn precedes another. Elle's
 * list-append explains ww before wr; its rw-register combines the wr analyzer before the
 * ww+rw one (elle/rw_register.clj `graph`), so an edge that is both wr and ww, as every
 * writes-follow-reads ww edge is, is named wr there. Process and realtime come last. Adya
 * calls a cycle of ww dependencies G0 whatever else links its txns, which WW_FIRST gives too.
 */
export type ExplainerOrder = readonly number[];
export const WW_FIRST: ExplainerOrder = [Rel.ww, Rel.wr, Rel.rw, Rel.process, Rel.realtime];
export const WR_FIRST: ExplainerOrder = [Rel.wr, Rel.ww, Rel.rw, Rel.process, Rel.realtime];

/** The relationship an edge's explanation names: the first in `order` the edge has. */
export function namedRel(rels: number, order: ExplainerOrder): number {
  for (const rel of order) if ((rels & rel) !== 0) return rel;
  return 0;
}

/**
 * Elle's additional-graphs: the realtime order when a reportable anomaly needs it (it also
 * catches the process ones), else the process order when one needs that.
 */
export function additionalGraphs(reportable: ReadonlySet<string>): { realtime: boolean; process: boolean } {
  const realtime = [...reportable].some((type) => type.endsWith("-realtime"));
  return { realtime, process: !realtime && [...reportable].some((type) => type.endsWith("-process")) };
}

/** Elle's classification of an explained cycle (elle/txn.clj cycle-explainer), from its step relationships. */
export function elleCycleType(rels: readonly number[]): string {
  const count = (rel: number) => rels.filter((r) => r === rel).length;
  const rw = count(Rel.rw);
  const adjacentRw = rels.some((rel, i) => rel === Rel.rw && rels[(i + 1) % rels.length] === Rel.rw);
  let base = "G0";
  if (rw === 1) base = "G-single";
  else if (rw > 1) base = adjacentRw ? "G2-item" : "G-nonadjacent";
  else if (count(Rel.wr) > 0) base = "G1c";
  const subtype = count(Rel.realtime) > 0 ? "-realtime" : count(Rel.process) > 0 ? "-process" : "";
  return base + subtype;
}

/** How many rw edges a cycle shape takes, and where. */
type RwRule = "none" | "single" | "nonadjacent" | "adjacent";

/** One cycle type's search: what the first edge may be, what the rest may be, and what it must contain. */
export interface ElleCycleSpec {
  type: string;
  first: number;
  rest: number;
  rw: RwRule;
  /** Relationships that must each appear at least once. */
  needs: number;
}

const DATA = Rel.ww | Rel.wr;
const BASE_SPECS: readonly ElleCycleSpec[] = [
  { type: "G0", first: Rel.ww, rest: Rel.ww, rw: "none", needs: 0 },
  { type: "G1c", first: Rel.wr, rest: DATA, rw: "none", needs: 0 },
  { type: "G-single", first: Rel.rw, rest: DATA, rw: "single", needs: 0 },
  { type: "G-nonadjacent", first: DATA, rest: DATA | Rel.rw, rw: "nonadjacent", needs: Rel.rw },
  { type: "G2-item", first: Rel.rw, rest: DATA | Rel.rw, rw: "adjacent", needs: 0 },
];

function variant(spec: ElleCycleSpec, extra: number, name: string): ElleCycleSpec {
  // A G0 variant starts on its extra edge (ww alone cannot reach it first); the others must contain one.
  if (spec.type === "G0") return { ...spec, type: `G0-${name}`, first: extra, rest: Rel.ww | extra };
  return { ...spec, type: `${spec.type}-${name}`, first: spec.first | (spec.rw === "nonadjacent" ? extra : 0), rest: spec.rest | extra, needs: spec.needs | extra };
}

/** The specs to search, most severe first: data cycles, then -process, then -realtime (Elle's severity order). */
export function elleCycleSpecs(process: boolean, realtime: boolean): ElleCycleSpec[] {
  return [
    ...BASE_SPECS,
    ...(process ? BASE_SPECS.map((spec) => variant(spec, Rel.process, "process")) : []),
    ...(realtime ? BASE_SPECS.map((spec) => variant(spec, Rel.realtime, "realtime")) : []),
  ];
}

/** A found cycle: its txns in order and, for each, the relationship to the next (wrapping). */
export interface FoundCycle {
  type: string;
  steps: { txn: Txn; rel: number }[];
}

/** Bounds per component and type: candidate starts, and product states visited in total. */
const MAX_STARTS = 64;
const MAX_STATES = 400_000;

/** A search state: rw edges taken (capped at 2), last edge rw?, two rw adjacent?, needed relationships seen (bits). */
interface PathState {
  rwCount: number;
  lastRw: number;
  adjacent: number;
  seen: number;
}

/** Packs path states into small integers for one spec. */
function stateCodec(spec: ElleCycleSpec) {
  const needBits = [Rel.wr, Rel.rw, Rel.process, Rel.realtime].filter((rel) => (spec.needs & rel) !== 0);
  const seenStates = 1 << needBits.length;
  return {
    count: 3 * 2 * 2 * seenStates,
    allSeen: seenStates - 1,
    seenBit: (rel: number) => needBits.reduce((mask, bit, i) => (bit === rel ? mask | (1 << i) : mask), 0),
    encode: ({ rwCount, lastRw, adjacent, seen }: PathState) => ((rwCount * 2 + lastRw) * 2 + adjacent) * seenStates + seen,
    decode: (state: number): PathState => ({
      seen: state % seenStates,
      adjacent: Math.floor(state / seenStates) % 2,
      lastRw: Math.floor(state / seenStates / 2) % 2,
      rwCount: Math.floor(state / seenStates / 4),
    }),
  };
}

/** The state after taking an edge named `rel`, or undefined when the spec forbids it there. */
function advance(spec: ElleCycleSpec, at: PathState, rel: number, isFirst: boolean, seenBit: number): PathState | undefined {
  if ((rel & (isFirst ? spec.first : spec.rest)) === 0) return undefined;
  const isRw = rel === Rel.rw ? 1 : 0;
  if (isRw && (spec.rw === "none" || (spec.rw === "single" && at.rwCount >= 1) || (spec.rw === "nonadjacent" && (at.lastRw || isFirst)))) return undefined;
  return { rwCount: Math.min(2, at.rwCount + isRw), lastRw: isRw, adjacent: at.adjacent | (isRw & at.lastRw), seen: at.seen | seenBit };
}

/** Does a path in `state` that is back at its start close a cycle of the spec's shape? */
function closes(spec: ElleCycleSpec, { rwCount, lastRw, adjacent, seen }: PathState, allSeen: number): boolean {
  if (seen !== allSeen) return false;
  if (spec.rw === "none") return rwCount === 0;
  if (spec.rw === "single") return rwCount === 1;
  if (spec.rw === "nonadjacent") return rwCount === 2 && adjacent === 0;
  return rwCount === 2 && (adjacent === 1 || (lastRw === 1 && spec.first === Rel.rw));
}

/**
 * Breadth-first search over (vertex, path state) for a shortest cycle of `spec`'s shape
 * through `start`, inside `inComponent`. Returns the vertices (start … start) or undefined.
 */
function searchFrom(
  graph: DependencyGraph,
  start: number,
  spec: ElleCycleSpec,
  order: ExplainerOrder,
  inComponent: (v: number) => boolean,
  budget: { states: number },
): number[] | undefined {
  const codec = stateCodec(spec);
  const key = (vertex: number, state: number) => vertex * codec.count + state;
  const previous = new Map<number, number>();
  const initial = codec.encode({ rwCount: 0, lastRw: 0, adjacent: 0, seen: 0 });
  previous.set(key(start, initial), -1);
  let frontier: number[] = [key(start, initial)];
  let isFirst = true;
  while (frontier.length > 0 && budget.states > 0) {
    const next: number[] = [];
    for (const here of frontier) {
      const vertex = Math.floor(here / codec.count);
      const at = codec.decode(here % codec.count);
      let closedAt: number | undefined;
      graph.forEachOut(vertex, isFirst ? spec.first : spec.rest, (to, rels) => {
        if (closedAt !== undefined || !inComponent(to)) return;
        const rel = namedRel(rels, order);
        const after = advance(spec, at, rel, isFirst, codec.seenBit(rel));
        if (!after) return;
        if (to === start) {
          if (closes(spec, after, codec.allSeen)) closedAt = here;
          return;
        }
        const k = key(to, codec.encode(after));
        if (previous.has(k)) return;
        previous.set(k, here);
        next.push(k);
        budget.states--;
      });
      if (closedAt !== undefined) {
        const path = [start];
        for (let k = closedAt; k !== -1; k = previous.get(k)!) path.push(Math.floor(k / codec.count));
        return path.reverse();
      }
    }
    frontier = next;
    isFirst = false;
  }
  return undefined;
}

/** Turns a vertex cycle into txn steps, folding barrier runs into one realtime step. */
function cycleSteps(graph: DependencyGraph, txns: readonly Txn[], vertices: readonly number[], order: ExplainerOrder): { txn: Txn; rel: number }[] {
  const steps: { txn: Txn; rel: number }[] = [];
  for (let i = 0; i + 1 < vertices.length; i++) {
    const from = vertices[i]!;
    if (from < txns.length) steps.push({ txn: txns[from]!, rel: namedRel(graph.relsBetween(from, vertices[i + 1]!), order) });
  }
  return steps;
}

/**
 * Finds, in each strongly connected component, one cycle of every Elle type (most severe
 * first; a type implied by one already found there is skipped, as Elle does). `implied`
 * gives the anomalies a found type implies; `order` names each edge. Searches are bounded per
 * component and type.
 */
export function findElleCycles(
  graph: DependencyGraph,
  txns: readonly Txn[],
  specs: readonly ElleCycleSpec[],
  implied: (type: string) => Set<string>,
  order: ExplainerOrder,
): FoundCycle[] {
  const all = specs.reduce((mask, spec) => mask | spec.first | spec.rest, 0);
  const { nontrivial } = graph.components(all);
  // A cycle of a spec lies inside one component of the graph cut down to the spec's relationships
  // (Elle's cycle-exists pruning): a spec whose subgraph has no such component there is skipped.
  const byMask = new Map<number, Int32Array>();
  const subComponents = (mask: number) => {
    let sub = byMask.get(mask);
    if (!sub) byMask.set(mask, (sub = cyclicComponents(graph, mask)));
    return sub;
  };
  const found: FoundCycle[] = [];
  for (const members of nontrivial) {
    const redundant = new Set<string>();
    for (const spec of specs) {
      if (redundant.has(spec.type)) continue;
      const sub = subComponents(spec.first | spec.rest);
      const budget = { states: MAX_STATES };
      let starts = 0;
      for (const start of members) {
        if (start >= txns.length || sub[start]! < 0 || starts >= MAX_STARTS || budget.states <= 0) continue;
        const inComponent = (v: number) => sub[v] === sub[start];
        let hasFirst = false;
        graph.forEachOut(start, spec.first, (to, rels) => (hasFirst ||= inComponent(to) && (namedRel(rels, order) & spec.first) !== 0));
        if (!hasFirst) continue;
        starts++;
        const vertices = searchFrom(graph, start, spec, order, inComponent, budget);
        if (!vertices) continue;
        const steps = cycleSteps(graph, txns, vertices, order);
        if (elleCycleType(steps.map((s) => s.rel)) !== spec.type) continue;
        found.push({ type: spec.type, steps });
        for (const type of implied(spec.type)) redundant.add(type);
        break;
      }
    }
  }
  return found;
}

/** Component ids of the subgraph over `mask`, -1 for vertices on no cycle of it. */
function cyclicComponents(graph: DependencyGraph, mask: number): Int32Array {
  const { componentOf, nontrivial } = graph.components(mask);
  const out = new Int32Array(graph.size).fill(-1);
  for (const members of nontrivial) for (const v of members) out[v] = componentOf[v]!;
  return out;
}
