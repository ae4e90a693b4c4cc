/**
 * The partition nemesis (Jepsen's nemesis/combined.clj partition package, as Maelstrom uses
 * it): each start picks one of four partition kinds at random and turns it into a grudge,
 * dest → sources it drops; stop heals everything. Only nodes are ever partitioned.
 */
import type { Rng } from "./rng.ts";

/** The partition kinds Maelstrom's nemesis chooses from. */
export type PartitionKind = "one" | "minority-third" | "majority" | "majorities-ring";

export const PARTITION_KINDS: readonly PartitionKind[] = ["one", "minority-third", "majority", "majorities-ring"];

/** dest → the sources whose messages it drops. */
export type Grudge = Map<string, Set<string>>;

/** A grudge that cuts every link between different components, both ways. */
export function completeGrudge(components: readonly (readonly string[])[]): Grudge {
  const grudge: Grudge = new Map();
  for (const component of components) {
    const others = components.filter((c) => c !== component).flat();
    for (const node of component) grudge.set(node, new Set(others));
  }
  return grudge;
}

/** The smallest number of nodes that is a majority of n. */
function majority(n: number): number {
  return Math.floor(n / 2) + 1;
}

/**
 * Every node sees a majority, but no two see the same one: walk a shuffled ring in windows of
 * a majority; the middle node of each window keeps only that window (Jepsen's
 * majorities-ring-perfect; Jepsen switches to a stochastic variant above 5 nodes, which has the
 * same property and which we do not copy).
 */
export function majoritiesRing(nodes: readonly string[], rng: Rng): Grudge {
  const grudge: Grudge = new Map();
  const n = nodes.length;
  const windowSize = majority(n);
  const ring = rng.shuffle(nodes);
  for (let start = 0; start < n; start++) {
    const window = Array.from({ length: windowSize }, (_, i) => ring[(start + i) % n]!);
    const middle = window[Math.floor(windowSize / 2)]!;
    grudge.set(middle, new Set(nodes.filter((node) => !window.includes(node))));
  }
  return grudge;
}

/** The grudge for one partition of `kind` over `nodes`; empty when the kind cannot split them. */
export function grudgeFor(kind: PartitionKind, nodes: readonly string[], rng: Rng): Grudge {
  const shuffled = rng.shuffle(nodes);
  switch (kind) {
    case "one":
      return nodes.length < 2 ? new Map() : completeGrudge([shuffled.slice(0, 1), shuffled.slice(1)]);
    case "minority-third": {
      const size = Math.floor((nodes.length - 1) / 3);
      return size === 0 ? new Map() : completeGrudge([shuffled.slice(0, size), shuffled.slice(size)]);
    }
    case "majority": {
      const size = Math.floor(nodes.length / 2);
      return size === 0 ? new Map() : completeGrudge([shuffled.slice(0, size), shuffled.slice(size)]);
    }
    case "majorities-ring":
      return nodes.length <= 2 ? new Map() : majoritiesRing(nodes, rng);
  }
}

/** A grudge as JSON (for the history): dest → sorted sources. */
export function grudgeToJson(grudge: Grudge): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [dest, sources] of grudge) if (sources.size > 0) out[dest] = [...sources].sort();
  return out;
}
