/**
 * The partition fault (Maelstrom 0.2.3's only one): start cuts the network by a random grudge
 * of one of four kinds, stop heals it (nemesis.ts PartitionFault). Its band names the groups
 * that could not talk ("n0 | n1 n2 (majority)"), or whom each cut node stopped hearing when the
 * grudge is no clean split, or says that nothing was cut.
 */
import { byNodeNumber } from "../../primitives/node-order.ts";
import { PARTITION_OPS, PartitionFault, type FaultDescription, type PackageSpec } from "../nemesis.ts";
import type { FaultDescriptor } from "./descriptor.ts";

/** Jepsen's partition package, on its own schedule. */
const PARTITION_PACKAGE: PackageSpec = { name: "partition", rngStream: 0x6e656d31 };

/** The partition fault, as --nemesis, the run and the report know it. */
const partition: FaultDescriptor = {
  name: "partition",
  help: "cuts the network into groups, then heals it; Maelstrom 0.2.3's only fault",
  pkg: PARTITION_PACKAGE,
  scheduleOrder: 10,
  ops: PARTITION_OPS,
  band: { fill: "#E9DCA0", ink: "#7a6a1e" },
  create: ({ network, nodeIds, rng }) => new PartitionFault(network, nodeIds, rng),
  describe: (invokeValue, completionValue, nodeIds) =>
    describePartition(completionValue, nodeIds, typeof invokeValue === "string" ? invokeValue : ""),
  describeStop: () => "healed the network",
};

export default partition;

/** The partition's grudge (dest → sources it drops), from a completion like ["isolated", {...}]. */
function grudgeIn(value: unknown): Record<string, unknown> {
  const grudge: unknown = Array.isArray(value) ? value[1] : value;
  return typeof grudge === "object" && grudge !== null && !Array.isArray(grudge) ? { ...grudge } : {};
}

/**
 * The band of one partition: its groups, the nodes that lost a link, and the kind (`how`) after
 * them; for the events table, which nodes were cut off from which.
 */
function describePartition(completionValue: unknown, nodeIds: readonly string[], how: string): FaultDescription {
  const suffix = how ? ` (${how})` : "";
  const cut = Object.entries(grudgeIn(completionValue)).flatMap(([dest, sources]) =>
    Array.isArray(sources) && sources.length > 0 ? [[dest, sources.map(String)] as const] : [],
  );
  if (cut.length === 0) return { label: `nothing was cut${suffix}`, nodes: [], effective: false };
  const hit = new Set(cut.flatMap(([dest, sources]) => [dest, ...sources]));
  const nodes = [...new Set([...nodeIds, ...hit])].sort(byNodeNumber);
  const grudge = new Map(cut.map(([dest, sources]) => [dest, new Set(sources)]));
  const label = partitionLabel(nodes, grudge) + suffix;
  const event = cutSentence(nodes, grudge) + suffix;
  return { label, event, nodes: nodes.filter((node) => hit.has(node)), effective: true };
}

/**
 * "cut n0 off from n1 n2" for two groups (the smaller first), "cut the network into a | b | c"
 * for more, or whom each node stopped hearing when the grudge is no clean split.
 */
function cutSentence(nodes: readonly string[], grudge: ReadonlyMap<string, ReadonlySet<string>>): string {
  const groups = partitionGroups(nodes, grudge);
  if (!groups) return `cut: ${partitionLabel(nodes, grudge)}`;
  if (groups.length !== 2) return `cut the network into ${groups.map((group) => group.join(" ")).join(" | ")}`;
  const [smaller, larger] = [...groups].sort((a, b) => a.length - b.length);
  return `cut ${smaller!.join(" ")} off from ${larger!.join(" ")}`;
}

/** The groups the grudge splits the nodes into, each seeing only itself; undefined when it is no clean split. */
function partitionGroups(
  nodes: readonly string[],
  grudge: ReadonlyMap<string, ReadonlySet<string>>,
): string[][] | undefined {
  const sees = (node: string) => nodes.filter((other) => !grudge.get(node)?.has(other));
  const groups = new Map<string, string[]>();
  for (const node of nodes) groups.set(sees(node).join(" "), sees(node));
  const seesOnlyItself = (group: string[]) => group.every((member) => sees(member).join(" ") === group.join(" "));
  return [...groups.values()].every(seesOnlyItself) ? [...groups.values()] : undefined;
}

/**
 * "n0 | n1 n2" when the grudge splits the nodes into groups that each see only themselves;
 * otherwise (majorities-ring, where every node sees a different majority, or a one-way cut)
 * whom each cut node no longer hears.
 */
export function partitionLabel(nodes: readonly string[], grudge: ReadonlyMap<string, ReadonlySet<string>>): string {
  const groups = partitionGroups(nodes, grudge);
  if (groups) return groups.map((group) => group.join(" ")).join(" | ");
  return nodes
    .filter((node) => grudge.get(node)?.size)
    .map((node) => `${node} hears nothing from ${[...(grudge.get(node) ?? [])].sort(byNodeNumber).join(" ")}`)
    .join("; ");
}
