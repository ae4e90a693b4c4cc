/**
 * Elle's cycle search as elle/txn.clj specifies it, shared by the rw-register and list-append
 * checkers: every cycle type of cycle-anomaly-specs (G0, G1c, G-single, G-nonadjacent,
 * G2-item and their -process and -realtime variants), searched per strongly connected
 * component in order of severity, skipping types an earlier find already implies. Each edge
 * counts as the relationship the checker's explainers name it by (Elle asks its explainers in
 * the order the analyzers were combined and takes the first answer), so a cycle's class is
 * what its explanation says.
 *
 * The search is complete: every txn that can start and end a cycle of a type is tried, until
 * the component's budget of examined edges is spent. Then it reports Elle's
 * `cycle-search-timeout` (the result is unknown, not valid) with Elle's fallback cycle, as
 * elle/txn.clj `cycle-cases-in-scc` does when its timer fires. Elle gives each component
 * 1000 ms, and 0.2 then proves such cycles exist by other means (cycle-exists); trying
 * every start with a cheap end check finds the G-single of Elle's `unfindable-g-single` test
 * (a 30 000-txn component) in well under a second.
 *
 * Real-time order (T1 completed before T2 was invoked) would need a quadratic number of edges;
 * instead each completion gets a barrier vertex, barriers are chained in completion order, and
 * a txn hangs off the last barrier before its invocation. A path through barriers is one
 * realtime step.
 */
import { type DependencyGraph, Rel } from "./graph.ts";
import type { Txn } from "./txns.ts";

/** Vertices needed for `txns` plus their real-time barriers. */
export function graphSize(txns: readonly Txn[], realtime: boolean): number {
  return txns.length + (realtime ? txns.filter((txn) => txn.status === "ok").length : 0);
}

/**
 * Adds real-time edges through barrier vertices numbered from txns.length. As Elle's
 * realtime-graph (elle/core.clj), every txn invoked after a completion hangs off it, failed
 * ones too; only ok txns complete into the order, so a failed txn never leads anywhere.
 */
export function linkRealtime(graph: DependencyGraph, txns: readonly Txn[]): void {
  const completed = txns.filter((txn) => txn.status === "ok").sort((a, b) => a.completeTimeNs - b.completeTimeNs);
  const barrierOf = (i: number) => txns.length + i;
  completed.forEach((txn, i) => {
    graph.link(txn.id, barrierOf(i), Rel.realtime);
    if (i > 0) graph.link(barrierOf(i - 1), barrierOf(i), Rel.realtime);
  });
  for (const txn of txns) {
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

/**
 * Elle's empty-transaction-graph test (elle/core.clj `check-`), made on the combined graph:
 * data dependencies plus whatever process and realtime edges were added. Barrier vertices give
 * a realtime graph edges even for a lone txn, so there a realtime pair is looked for directly.
 */
export function isEmptyTransactionGraph(graph: DependencyGraph, txns: readonly Txn[], realtime: boolean): boolean {
  if (!realtime) return graph.edges === 0;
  return !hasRealtimePair(txns) && !hasTxnEdges(graph, txns);
}

/** Does some ok txn complete before another txn, of any outcome, is invoked? */
function hasRealtimePair(txns: readonly Txn[]): boolean {
  let firstCompletion = Infinity;
  for (const t of txns) if (t.status === "ok") firstCompletion = Math.min(firstCompletion, t.completeTimeNs);
  return txns.some((t) => t.invokeTimeNs > firstCompletion);
}

/** Any edge between two txns (not through a realtime barrier)? */
function hasTxnEdges(graph: DependencyGraph, txns: readonly Txn[]): boolean {
  let any = false;
  for (const txn of txns) graph.forEachOut(txn.id, ~0, (to) => (any ||= to < txns.length));
  return any;
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
  return {
    ...spec,
    type: `${spec.type}-${name}`,
    first: spec.first | (spec.rw === "nonadjacent" ? extra : 0),
    rest: spec.rest | extra,
    needs: spec.needs | extra,
  };
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

/**
 * How much searching one strongly connected component may cost, in edges examined over all
 * its cycle types: Elle gives each component a time budget instead (1000 ms, its
 * `:cycle-search-timeout`), and gives up the same way when it is spent.
 */
export const DEFAULT_CYCLE_SEARCH_STEPS = 20_000_000;

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
    encode: ({ rwCount, lastRw, adjacent, seen }: PathState) =>
      ((rwCount * 2 + lastRw) * 2 + adjacent) * seenStates + seen,
    decode: (state: number): PathState => ({
      seen: state % seenStates,
      adjacent: Math.floor(state / seenStates) % 2,
      lastRw: Math.floor(state / seenStates / 2) % 2,
      rwCount: Math.floor(state / seenStates / 4),
    }),
  };
}

/** The state after taking an edge named `rel`, or undefined when the spec forbids it there. */
function advance(
  spec: ElleCycleSpec,
  at: PathState,
  rel: number,
  isFirst: boolean,
  seenBit: number,
): PathState | undefined {
  if ((rel & (isFirst ? spec.first : spec.rest)) === 0) return undefined;
  const isRw = rel === Rel.rw ? 1 : 0;
  if (
    isRw &&
    (spec.rw === "none" ||
      (spec.rw === "single" && at.rwCount >= 1) ||
      (spec.rw === "nonadjacent" && (at.lastRw || isFirst)))
  )
    return undefined;
  return {
    rwCount: Math.min(2, at.rwCount + isRw),
    lastRw: isRw,
    adjacent: at.adjacent | (isRw & at.lastRw),
    seen: at.seen | seenBit,
  };
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
  budget: { steps: number },
): number[] | undefined {
  const codec = stateCodec(spec);
  const key = (vertex: number, state: number) => vertex * codec.count + state;
  const previous = new Map<number, number>();
  const initial = codec.encode({ rwCount: 0, lastRw: 0, adjacent: 0, seen: 0 });
  previous.set(key(start, initial), -1);
  let frontier: number[] = [key(start, initial)];
  let isFirst = true;
  while (frontier.length > 0 && budget.steps > 0) {
    const next: number[] = [];
    for (const here of frontier) {
      const vertex = Math.floor(here / codec.count);
      const at = codec.decode(here % codec.count);
      let closedAt: number | undefined;
      graph.forEachOut(vertex, isFirst ? spec.first : spec.rest, (to, rels) => {
        budget.steps--;
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
function cycleSteps(
  graph: DependencyGraph,
  txns: readonly Txn[],
  vertices: readonly number[],
  order: ExplainerOrder,
): { txn: Txn; rel: number }[] {
  const steps: { txn: Txn; rel: number }[] = [];
  for (let i = 0; i + 1 < vertices.length; i++) {
    const from = vertices[i]!;
    if (from < txns.length)
      steps.push({ txn: txns[from]!, rel: namedRel(graph.relsBetween(from, vertices[i + 1]!), order) });
  }
  return steps;
}

/** Why a component's search stopped early: Elle's `cycle-search-timeout` case. */
export type CycleSearchTimeout = {
  /** The cycle type being searched when the budget ran out. */
  "anomaly-spec-type": string;
  /** Types searched to the end in that component without a find. */
  "does-not-contain": string[];
  /** Txns in the component. */
  "scc-size": number;
};

/** Cycles found, and the components whose search ran out of budget. */
export interface CycleSearchResult {
  cycles: FoundCycle[];
  timeouts: CycleSearchTimeout[];
}

/** What the search needs besides the graph: the txns, the types, how edges are named. */
export interface CycleSearchInput {
  txns: readonly Txn[];
  specs: readonly ElleCycleSpec[];
  /** The anomalies a found type implies (a type implied by a find is not searched for again there). */
  implied: (type: string) => Set<string>;
  order: ExplainerOrder;
  /** Edges each component may examine (DEFAULT_CYCLE_SEARCH_STEPS). */
  stepsPerComponent?: number;
}

/**
 * Finds, in each strongly connected component, one cycle of every Elle type (most severe
 * first; a type implied by one already found there is skipped, as Elle 0.2 does). Every
 * candidate start is tried, so the search finds a cycle whenever one exists, unless the
 * component's budget runs out first: then, as Elle does on a timeout, it records why, adds a
 * fallback cycle so the component still shows one, and stops searching that component.
 */
export function findElleCycles(graph: DependencyGraph, input: CycleSearchInput): CycleSearchResult {
  const all = input.specs.reduce((mask, spec) => mask | spec.first | spec.rest, 0);
  // A cycle of a spec lies inside one component of the graph cut down to the spec's relationships
  // (Elle's cycle-exists pruning): a spec whose subgraph has no such component there is skipped.
  const byMask = new Map<number, Int32Array>();
  const subComponents = (mask: number) => {
    let sub = byMask.get(mask);
    if (!sub) byMask.set(mask, (sub = cyclicComponents(graph, mask)));
    return sub;
  };
  const closable = new Map<ElleCycleSpec, Uint8Array>();
  const closableFor = (spec: ElleCycleSpec, sub: Int32Array) => {
    let ends = closable.get(spec);
    if (!ends) closable.set(spec, (ends = closingEnds(graph, spec, sub, input.order)));
    return ends;
  };
  const result: CycleSearchResult = { cycles: [], timeouts: [] };
  for (const members of graph.components(all).nontrivial) {
    const budget = { steps: input.stepsPerComponent ?? DEFAULT_CYCLE_SEARCH_STEPS };
    const redundant = new Set<string>();
    const searched: string[] = [];
    for (const spec of input.specs) {
      if (redundant.has(spec.type)) continue;
      const sub = subComponents(spec.first | spec.rest);
      const found = searchComponent(graph, input, spec, members, { sub, ends: closableFor(spec, sub) }, budget);
      if (budget.steps <= 0 && !found) {
        const sccSize = members.filter((v) => v < input.txns.length).length;
        const timeout = { "anomaly-spec-type": spec.type, "does-not-contain": [...searched], "scc-size": sccSize };
        result.timeouts.push(timeout);
        const fallback = fallbackCycle(graph, input, members);
        if (fallback) result.cycles.push(fallback);
        break;
      }
      if (!found) {
        searched.push(spec.type);
        continue;
      }
      result.cycles.push(found);
      for (const type of input.implied(spec.type)) redundant.add(type);
    }
  }
  return result;
}

/** Tries every start in `members` that could begin and end a cycle of `spec`, shortest cycle first from each. */
function searchComponent(
  graph: DependencyGraph,
  input: CycleSearchInput,
  spec: ElleCycleSpec,
  members: readonly number[],
  { sub, ends }: { sub: Int32Array; ends: Uint8Array },
  budget: { steps: number },
): FoundCycle | undefined {
  const { txns, order } = input;
  for (const start of members) {
    if (budget.steps <= 0) return undefined;
    if (start >= txns.length || sub[start]! < 0 || ends[start] === 0) continue;
    const inComponent = (v: number) => sub[v] === sub[start];
    let hasFirst = false;
    graph.forEachOut(start, spec.first, (to, rels) => {
      hasFirst ||= inComponent(to) && (namedRel(rels, order) & spec.first) !== 0;
    });
    if (!hasFirst) continue;
    const vertices = searchFrom(graph, start, spec, order, inComponent, budget);
    if (!vertices) continue;
    const steps = cycleSteps(graph, txns, vertices, order);
    if (elleCycleType(steps.map((s) => s.rel)) === spec.type) return { type: spec.type, steps };
  }
  return undefined;
}

/**
 * Vertices a cycle of `spec` can come back to: those with an in-edge named by one of the
 * spec's later relationships, from inside their component of the spec's subgraph. A start
 * without one cannot close a cycle, however far a search from it spreads.
 */
function closingEnds(graph: DependencyGraph, spec: ElleCycleSpec, sub: Int32Array, order: ExplainerOrder): Uint8Array {
  const ends = new Uint8Array(graph.size);
  for (let from = 0; from < graph.size; from++) {
    if (sub[from]! < 0) continue;
    graph.forEachOut(from, spec.rest, (to, rels) => {
      if (sub[to] === sub[from] && (namedRel(rels, order) & spec.rest) !== 0) ends[to] = 1;
    });
  }
  return ends;
}

/** Elle's `cycle-search-timeout` anomaly cases for a search's timeouts, each saying what was left unsearched. */
export function timeoutCases(
  timeouts: readonly CycleSearchTimeout[],
): (CycleSearchTimeout & { explanation: string })[] {
  return timeouts.map((timeout) => {
    const ruledOut = timeout["does-not-contain"];
    const before = ruledOut.length > 0 ? `; it had found no ${ruledOut.join(", ")} there` : "";
    return {
      ...timeout,
      explanation:
        `the cycle search gave up on a strongly connected component of ${timeout["scc-size"]} txns while looking for ` +
        `${timeout["anomaly-spec-type"]}${before}, so whether the rest are there is unknown`,
    };
  });
}

/**
 * Elle's cycle-cases-in-scc-fallback: some cycle of the component, from the first of these
 * ever larger sets of relationships that has one there, named as its steps say.
 */
const FALLBACK_MASKS = [
  Rel.ww,
  Rel.ww | Rel.realtime | Rel.process,
  Rel.ww | Rel.wr,
  Rel.ww | Rel.wr | Rel.realtime | Rel.process,
  Rel.ww | Rel.wr | Rel.rw,
  Rel.ww | Rel.wr | Rel.rw | Rel.realtime | Rel.process,
];

function fallbackCycle(
  graph: DependencyGraph,
  { txns, order }: CycleSearchInput,
  members: readonly number[],
): FoundCycle | undefined {
  for (const mask of FALLBACK_MASKS) {
    const sub = cyclicComponents(graph, mask);
    const start = members.find((v) => v < txns.length && sub[v]! >= 0);
    if (start === undefined) continue;
    let next: number | undefined;
    graph.forEachOut(start, mask, (to) => (next ??= sub[to] === sub[start] ? to : undefined));
    const path = graph.shortestPath(next!, start, mask, sub, sub[start]!)!;
    const steps = cycleSteps(graph, txns, [start, ...path], order);
    return { type: elleCycleType(steps.map((s) => s.rel)), steps };
  }
  return undefined;
}

/** Component ids of the subgraph over `mask`, -1 for vertices on no cycle of it. */
function cyclicComponents(graph: DependencyGraph, mask: number): Int32Array {
  const { componentOf, nontrivial } = graph.components(mask);
  const out = new Int32Array(graph.size).fill(-1);
  for (const members of nontrivial) for (const v of members) out[v] = componentOf[v]!;
  return out;
}
