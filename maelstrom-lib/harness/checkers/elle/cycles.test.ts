/**
 * The cycle search on its own: against a plain reference on random graphs with large
 * strongly connected components (every G0, G1c and G-single the reference proves is found),
 * and what it says when its budget runs out (Elle's cycle-search-timeout, never a silent miss).
 */
import { describe, expect, test } from "bun:test";
import { Rng } from "../../primitives/rng.ts";
import {
  type CycleSearchResult,
  elleCycleSpecs,
  elleCycleType,
  findElleCycles,
  namedRel,
  WR_FIRST,
  WW_FIRST,
} from "./cycles.ts";
import { MAELSTROM_ELLE } from "./consistency-models.ts";
import { DependencyGraph, Rel } from "./graph.ts";
import type { Txn } from "./txns.ts";

const txnsOf = (count: number): Txn[] =>
  Array.from({ length: count }, (_, id) => ({
    id,
    status: "ok",
    mops: [],
    index: id,
    process: id,
    invokeTimeNs: 0,
    completeTimeNs: 1,
  }));

function search(graph: DependencyGraph, txns: Txn[], order = WW_FIRST, stepsPerComponent?: number): CycleSearchResult {
  const specs = elleCycleSpecs(false, false);
  const implied = (type: string) => MAELSTROM_ELLE.implied([type]);
  return findElleCycles(graph, { txns, specs, implied, order, stepsPerComponent });
}

/** Is there a path from `from` to `to` over edges whose name is one of `names`? */
function reaches(graph: DependencyGraph, from: number, to: number, names: number, order: readonly number[]): boolean {
  const seen = new Set([from]);
  const queue = [from];
  while (queue.length > 0) {
    const v = queue.shift()!;
    if (v === to) return true;
    graph.forEachOut(v, ~0, (w, rels) => {
      if ((namedRel(rels, order) & names) !== 0 && !seen.has(w)) seen.add(w) && queue.push(w);
    });
  }
  return false;
}

/** Per component of the whole graph, which of G0, G1c, G-single some cycle there has, by brute force over edges. */
function referenceTypes(graph: DependencyGraph, order: readonly number[]): Map<number, Set<string>> {
  const { componentOf } = graph.components(~0);
  const types = new Map<number, Set<string>>();
  const add = (v: number, type: string) => {
    const component = componentOf[v]!;
    types.set(component, new Set([...(types.get(component) ?? []), type]));
  };
  const data = Rel.ww | Rel.wr;
  for (let u = 0; u < graph.size; u++) {
    graph.forEachOut(u, ~0, (v, rels) => {
      const name = namedRel(rels, order);
      if (name === Rel.ww && reaches(graph, v, u, Rel.ww, order)) add(u, "G0");
      if (name === Rel.wr && reaches(graph, v, u, data, order)) add(u, "G1c");
      if (name === Rel.rw && reaches(graph, v, u, data, order)) add(u, "G-single");
    });
  }
  return types;
}

/** A sparse random graph: each edge one relationship, now and then two (named by the explainer order). */
function randomGraph(rng: Rng, size: number): DependencyGraph {
  const graph = new DependencyGraph(size);
  const rels = [Rel.ww, Rel.ww, Rel.wr, Rel.rw, Rel.rw];
  for (let i = 0; i < size * 1.6; i++) {
    const rel = rng.pick(rels) | (rng.chance(0.1) ? rng.pick(rels) : 0);
    graph.link(rng.int(0, size), rng.int(0, size), rel);
  }
  return graph;
}

describe("cycle search against a brute-force reference", () => {
  test("finds every G0, G1c and G-single in random graphs of 200-400 txns, components of over 150", () => {
    const rng = new Rng(25);
    let largest = 0;
    const seen = { G0: 0, G1c: 0, "G-single": 0 };
    for (let round = 0; round < 100; round++) {
      const size = rng.int(200, 400);
      const graph = randomGraph(rng, size);
      const txns = txnsOf(size);
      const order = rng.chance(0.5) ? WW_FIRST : WR_FIRST;
      const { componentOf, nontrivial } = graph.components(~0);
      largest = Math.max(largest, ...nontrivial.map((members) => members.length));
      const result = search(graph, txns, order);
      expect(result.timeouts).toEqual([]);
      const found = new Map<number, Set<string>>();
      for (const cycle of result.cycles) {
        const ids = cycle.steps.map((step) => step.txn.id);
        // Every step is an edge of the graph, named as the explainers name it, and the cycle is its type.
        ids.forEach((id, i) => {
          const rels = graph.relsBetween(id, ids[(i + 1) % ids.length]!);
          expect(namedRel(rels, order)).toBe(cycle.steps[i]!.rel);
        });
        expect(elleCycleType(cycle.steps.map((step) => step.rel))).toBe(cycle.type);
        const component = componentOf[ids[0]!]!;
        found.set(component, new Set([...(found.get(component) ?? []), cycle.type]));
      }
      for (const [component, types] of referenceTypes(graph, order)) {
        const shown = found.get(component) ?? new Set();
        // G0 implies G1c, so a component with a G0 is not searched for G1c (as Elle does).
        const expected = [...types].filter((type) => !(type === "G1c" && types.has("G0")));
        for (const type of expected) expect(`${round}: ${type} ${shown.has(type)}`).toBe(`${round}: ${type} true`);
        for (const type of expected) seen[type as keyof typeof seen]++;
      }
    }
    expect(largest).toBeGreaterThan(150);
    for (const count of Object.values(seen)) expect(count).toBeGreaterThan(20);
  });
});

describe("a search that runs out of budget says so", () => {
  // A ww chain 0 → … → 9 closed by one rw edge 9 → 0: a G-single, and nothing else.
  const chain = () => {
    const graph = new DependencyGraph(10);
    for (let i = 0; i < 9; i++) graph.link(i, i + 1, Rel.ww);
    graph.link(9, 0, Rel.rw);
    return graph;
  };

  test("with budget the G-single is found, and nothing is left unsearched", () => {
    const result = search(chain(), txnsOf(10));
    expect(result.cycles.map((cycle) => cycle.type)).toEqual(["G-single"]);
    expect(result.timeouts).toEqual([]);
  });

  test("without, it reports Elle's cycle-search-timeout: what it sought, what it ruled out, the component", () => {
    const result = search(chain(), txnsOf(10), WW_FIRST, 5);
    const [timeout] = result.timeouts;
    expect(timeout).toEqual({ "anomaly-spec-type": "G-single", "does-not-contain": ["G0", "G1c"], "scc-size": 10 });
    // Elle's fallback: some cycle of the component, named by its steps.
    expect(result.cycles.map((cycle) => cycle.type)).toEqual(["G-single"]);
    expect(result.cycles[0]!.steps).toHaveLength(10);
  });
});
