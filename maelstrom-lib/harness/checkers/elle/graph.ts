/**
 * A dependency graph between transactions whose edges carry relationship bits (ww, wr, rw,
 * realtime), with the two searches the cycle finder needs: strongly connected components
 * over a subset of relationships, and a shortest path inside one component.
 * Vertices are dense integers; everything is iterative so 20 000-transaction histories do
 * not hit the call-stack limit.
 */

/** Relationship bits, combinable into masks (process: Elle's process order). */
export const Rel = { ww: 1, wr: 2, rw: 4, realtime: 8, process: 16 } as const;
export type RelName = keyof typeof Rel;

/** Directed graph over vertices 0 … size-1, one edge per ordered pair holding all its relationships. */
export class DependencyGraph {
  private readonly targets: number[][];
  private readonly rels: number[][];
  /** from * size + to → position of the edge in targets[from]. */
  private readonly edgeAt = new Map<number, number>();
  private edgeCount = 0;

  constructor(readonly size: number) {
    this.targets = Array.from({ length: size }, () => []);
    this.rels = Array.from({ length: size }, () => []);
  }

  /** Adds `rel` to the edge from → to (self-loops are ignored: a txn does not depend on itself). */
  link(from: number, to: number, rel: number): void {
    if (from === to) return;
    const id = from * this.size + to;
    const at = this.edgeAt.get(id);
    if (at !== undefined) {
      this.rels[from]![at]! |= rel;
      return;
    }
    this.edgeAt.set(id, this.targets[from]!.length);
    this.targets[from]!.push(to);
    this.rels[from]!.push(rel);
    this.edgeCount++;
  }

  /** Number of distinct ordered pairs linked. */
  get edges(): number {
    return this.edgeCount;
  }

  /** The relationship bits of from → to (0 if none). */
  relsBetween(from: number, to: number): number {
    const at = this.edgeAt.get(from * this.size + to);
    return at === undefined ? 0 : this.rels[from]![at]!;
  }

  /** Calls `visit(to, rels)` for each out-edge of `from` having any bit of `mask`. */
  forEachOut(from: number, mask: number, visit: (to: number, rels: number) => void): void {
    const targets = this.targets[from]!;
    const rels = this.rels[from]!;
    for (let i = 0; i < targets.length; i++) if ((rels[i]! & mask) !== 0) visit(targets[i]!, rels[i]!);
  }

  /**
   * Strongly connected components of the subgraph with edges in `mask` (Tarjan, iterative).
   * Returns the component id of every vertex and the members of each component with ≥ 2 vertices.
   */
  components(mask: number): { componentOf: Int32Array; nontrivial: number[][] } {
    const n = this.size;
    const index = new Int32Array(n).fill(-1);
    const low = new Int32Array(n);
    const onStack = new Uint8Array(n);
    const componentOf = new Int32Array(n).fill(-1);
    const stack: number[] = [];
    const nontrivial: number[][] = [];
    let nextIndex = 0;
    let nextComponent = 0;
    // Explicit DFS frames: vertex and the position of the next out-edge to look at.
    const frameVertex: number[] = [];
    const frameEdge: number[] = [];
    for (let root = 0; root < n; root++) {
      if (index[root] !== -1) continue;
      frameVertex.push(root);
      frameEdge.push(0);
      index[root] = low[root] = nextIndex++;
      stack.push(root);
      onStack[root] = 1;
      while (frameVertex.length > 0) {
        const top = frameVertex.length - 1;
        const v = frameVertex[top]!;
        const targets = this.targets[v]!;
        const rels = this.rels[v]!;
        let descended = false;
        while (frameEdge[top]! < targets.length) {
          const i = frameEdge[top]!++;
          if ((rels[i]! & mask) === 0) continue;
          const w = targets[i]!;
          if (index[w] === -1) {
            index[w] = low[w] = nextIndex++;
            stack.push(w);
            onStack[w] = 1;
            frameVertex.push(w);
            frameEdge.push(0);
            descended = true;
            break;
          }
          if (onStack[w]) low[v] = Math.min(low[v]!, index[w]!);
        }
        if (descended) continue;
        frameVertex.pop();
        frameEdge.pop();
        if (frameVertex.length > 0) {
          const parent = frameVertex[frameVertex.length - 1]!;
          low[parent] = Math.min(low[parent]!, low[v]!);
        }
        if (low[v] === index[v]) {
          const members: number[] = [];
          let w: number;
          do {
            w = stack.pop()!;
            onStack[w] = 0;
            componentOf[w] = nextComponent;
            members.push(w);
          } while (w !== v);
          if (members.length > 1) nontrivial.push(members);
          nextComponent++;
        }
      }
    }
    return { componentOf, nontrivial };
  }

  /**
   * A shortest path from → to over edges in `mask`, staying inside component `component`
   * of `componentOf`. Returns the vertices from `from` to `to` inclusive, or undefined.
   */
  shortestPath(
    from: number,
    to: number,
    mask: number,
    componentOf: Int32Array,
    component: number,
  ): number[] | undefined {
    if (from === to) return [from];
    const previous = new Map<number, number>([[from, -1]]);
    let frontier = [from];
    while (frontier.length > 0) {
      const next: number[] = [];
      for (const v of frontier) {
        const targets = this.targets[v]!;
        const rels = this.rels[v]!;
        for (let i = 0; i < targets.length; i++) {
          const w = targets[i]!;
          if ((rels[i]! & mask) === 0 || componentOf[w] !== component || previous.has(w)) continue;
          previous.set(w, v);
          if (w === to) return unwind(previous, to);
          next.push(w);
        }
      }
      frontier = next;
    }
    return undefined;
  }
}

function unwind(previous: Map<number, number>, to: number): number[] {
  const path: number[] = [];
  for (let v = to; v !== -1; v = previous.get(v)!) path.push(v);
  return path.reverse();
}
