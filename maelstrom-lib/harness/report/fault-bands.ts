/**
 * The faults a run's nemesis injected, as bands the plots and the timeline draw: one band
 * per fault window, with its kind, the nodes it hit and a label saying what it did
 * ("n0 n1 | n2 n3 n4 (majority)", or "nothing was cut" when the grudge was empty, as
 * minority-third's is on fewer than 4 nodes). Fed the history's nemesis ops, which Jepsen
 * records as :info invocation / :info completion pairs; a fault holds from the completion of
 * its start op to the completion of its stop op.
 */
import type { Op } from "../types.ts";

/** One fault window. */
export interface FaultBand {
  /** "partition", and later fault kinds ("kill", "pause") under their own names. */
  kind: string;
  /** What the fault did, in words. */
  label: string;
  /** Seconds since the start of the run. */
  start: number;
  /** Undefined when the run ended with the fault still in place. */
  end: number | undefined;
  /** The nodes the fault affected (a partition: every node that lost a link). */
  nodes: string[];
  /** False when the fault changed nothing (an empty grudge). */
  effective: boolean;
}

/** Start op → its kind and the op that ends it (Jepsen's partition, kill and pause packages). */
const FAULT_OPS: Record<string, { kind: string; stop: string }> = {
  "start-partition": { kind: "partition", stop: "stop-partition" },
  kill: { kind: "kill", stop: "start" },
  pause: { kind: "pause", stop: "resume" },
};

const NS_PER_SEC = 1e9;

/** Collects fault bands from history ops fed in order (client ops are ignored). */
export class FaultCollector {
  private readonly bands: FaultBand[] = [];
  /** Faults in place, by the op that ends them. */
  private readonly openByStop = new Map<string, FaultBand>();
  private pendingInvoke: Op | undefined;

  /** `nodeIds` (from test.json) lets a partition label name nodes no grudge mentions. */
  constructor(private readonly nodeIds: readonly string[] = []) {}

  add(op: Op): void {
    if (op.process !== "nemesis") return;
    if (this.pendingInvoke === undefined || this.pendingInvoke.f !== op.f) {
      this.pendingInvoke = op; // Jepsen's nemesis invocation; the completion comes next
      return;
    }
    const invoke = this.pendingInvoke;
    this.pendingInvoke = undefined;
    const timeSec = op.time / NS_PER_SEC;
    const start = FAULT_OPS[op.f];
    if (start) {
      if (this.openByStop.has(start.stop)) return; // already in place: Jepsen adds to the grudge
      const band = { kind: start.kind, start: timeSec, end: undefined, ...describe(start.kind, invoke.value, op.value, this.nodeIds) };
      this.bands.push(band);
      this.openByStop.set(start.stop, band);
      return;
    }
    const ended = this.openByStop.get(op.f);
    if (ended) ended.end = timeSec;
    this.openByStop.delete(op.f);
  }

  result(): FaultBand[] {
    return this.bands.map((band) => ({ ...band, nodes: [...band.nodes] }));
  }
}

function describe(kind: string, invokeValue: unknown, completionValue: unknown, nodeIds: readonly string[]): Pick<FaultBand, "label" | "nodes" | "effective"> {
  if (kind === "partition") return describePartition(invokeValue, completionValue, nodeIds);
  const nodes = nodesIn(completionValue).length ? nodesIn(completionValue) : nodesIn(invokeValue);
  const verb = kind === "kill" ? "killed" : kind === "pause" ? "paused" : kind;
  return { label: nodes.length ? `${verb} ${nodes.join(" ")}` : `${verb} nothing`, nodes, effective: nodes.length > 0 };
}

/** Node ids named by a nemesis value: a list of ids, or a map keyed by id. */
function nodesIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === "string").sort();
  if (typeof value === "object" && value !== null) return Object.keys(value).sort();
  return [];
}

/** The partition's grudge (dest → sources it drops), from a completion like ["isolated", {...}]. */
function grudgeIn(value: unknown): Record<string, string[]> {
  const grudge = Array.isArray(value) ? value[1] : value;
  return typeof grudge === "object" && grudge !== null && !Array.isArray(grudge) ? (grudge as Record<string, string[]>) : {};
}

function describePartition(invokeValue: unknown, completionValue: unknown, nodeIds: readonly string[]): Pick<FaultBand, "label" | "nodes" | "effective"> {
  const grudge = grudgeIn(completionValue);
  // What was cut comes first, so a narrow band's cut-short label still says it; the kind follows.
  const partitionKind = typeof invokeValue === "string" ? ` (${invokeValue})` : "";
  const cut = Object.entries(grudge).filter(([, sources]) => sources.length > 0);
  if (cut.length === 0) return { label: `nothing was cut${partitionKind}`, nodes: [], effective: false };
  const nodes = [...new Set([...nodeIds, ...cut.flatMap(([dest, sources]) => [dest, ...sources])])].sort(compareIds);
  const groups = partitionLabel(nodes, new Map(cut.map(([dest, sources]) => [dest, new Set(sources)])));
  return { label: groups + partitionKind, nodes: nodes.filter((node) => isCut(node, grudge)), effective: true };
}

function isCut(node: string, grudge: Record<string, string[]>): boolean {
  return (grudge[node]?.length ?? 0) > 0 || Object.values(grudge).some((sources) => sources.includes(node));
}

/**
 * "n0 | n1 n2" when the grudge splits the nodes into groups that each see only themselves;
 * otherwise (majorities-ring, where every node sees a different majority, or a one-way cut)
 * whom each cut node no longer hears.
 */
export function partitionLabel(nodes: readonly string[], grudge: ReadonlyMap<string, ReadonlySet<string>>): string {
  const sees = (node: string) => nodes.filter((other) => !grudge.get(node)?.has(other));
  const groups = new Map<string, string[]>();
  for (const node of nodes) groups.set(sees(node).join(" "), sees(node));
  const isSplit = [...groups.values()].every((group) => group.every((member) => sees(member).join(" ") === group.join(" ")));
  if (isSplit) return [...groups.values()].map((group) => group.join(" ")).join(" | ");
  return nodes
    .filter((node) => grudge.get(node)?.size)
    .map((node) => `${node} hears nothing from ${[...grudge.get(node)!].sort(compareIds).join(" ")}`)
    .join("; ");
}

/** n2 before n10. */
function compareIds(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}
