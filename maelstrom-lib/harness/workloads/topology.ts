/**
 * The neighbour maps the broadcast workload hands each node in its `topology` message,
 * built exactly as Maelstrom's `workload/broadcast.clj` builds them: same neighbours, in the
 * same order, so a solution that depends on the order behaves here as it does there.
 */

/** Node id → its neighbours, in Maelstrom's order. */
export type Topology = Record<string, string[]>;

/** The `--topology` names Maelstrom accepts. */
export const TOPOLOGY_NAMES = ["line", "grid", "tree", "tree2", "tree3", "tree4", "total"] as const;

/** One of the `--topology` names. */
export type TopologyName = (typeof TOPOLOGY_NAMES)[number];

/** Builds the named topology over `nodeIds`; throws on an unknown name, listing the valid ones. */
export function buildTopology(name: string, nodeIds: readonly string[]): Topology {
  switch (name) {
    case "line":
      return lineTopology(nodeIds);
    case "grid":
      return gridTopology(nodeIds);
    case "tree":
    case "tree2":
      return treeTopology(nodeIds, 2);
    case "tree3":
      return treeTopology(nodeIds, 3);
    case "tree4":
      return treeTopology(nodeIds, 4);
    case "total":
      return totalTopology(nodeIds);
    default:
      throw new Error(`unknown topology ${JSON.stringify(name)}; valid: ${TOPOLOGY_NAMES.join(", ")}`);
  }
}

/**
 * A roughly square grid, `side = ceil(sqrt(n))` columns, filled row by row; neighbours are
 * the existing cells below, above, right and left, in that order.
 */
export function gridTopology(nodeIds: readonly string[]): Topology {
  const count = nodeIds.length;
  const side = Math.ceil(Math.sqrt(count));
  // Maelstrom checks the column bounds against `side` and the row only through `index < n`.
  const cell = (row: number, column: number): string | undefined => {
    if (row < 0 || column < 0 || column >= side) return undefined;
    const index = row * side + column;
    return index < count ? nodeIds[index] : undefined;
  };
  const topology: Topology = {};
  nodeIds.forEach((id, index) => {
    const row = Math.floor(index / side);
    const column = index % side;
    const candidates = [cell(row + 1, column), cell(row - 1, column), cell(row, column + 1), cell(row, column - 1)];
    topology[id] = candidates.filter((neighbour): neighbour is string => neighbour !== undefined);
  });
  return topology;
}

/** A chain: the ends see their one neighbour, the others `[left, right]`; fewer than 2 nodes ⇒ `{}`. */
export function lineTopology(nodeIds: readonly string[]): Topology {
  const count = nodeIds.length;
  if (count < 2) return {};
  const topology: Topology = {};
  nodeIds.forEach((id, index) => {
    if (index === 0) topology[id] = [nodeIds[1]!];
    else if (index === count - 1) topology[id] = [nodeIds[count - 2]!];
    else topology[id] = [nodeIds[index - 1]!, nodeIds[index + 1]!];
  });
  return topology;
}

/** Everyone is everyone else's neighbour, in node order. */
export function totalTopology(nodeIds: readonly string[]): Topology {
  const topology: Topology = {};
  for (const id of nodeIds) topology[id] = nodeIds.filter((other) => other !== id);
  return topology;
}

/**
 * A tree with `branching` children per node in heap layout (children of index k are
 * b·k+1 … b·k+b); neighbours are `[parent, ...children]`, the root has only children.
 */
export function treeTopology(nodeIds: readonly string[], branching: number): Topology {
  if (!Number.isInteger(branching) || branching < 1)
    throw new Error(`tree branching must be a positive integer, got ${branching}`);
  const topology: Topology = {};
  nodeIds.forEach((id, index) => {
    const neighbours: string[] = [];
    if (index > 0) neighbours.push(nodeIds[Math.floor((index - 1) / branching)]!);
    for (let child = branching * index + 1; child <= branching * index + branching && child < nodeIds.length; child++) {
      neighbours.push(nodeIds[child]!);
    }
    topology[id] = neighbours;
  });
  return topology;
}
