/**
 * The faults a run's nemesis injected, as bands the plots and the timeline draw: one band per
 * injected fault, with its kind, the nodes it really hit and a label saying what it did.
 *
 * Jepsen records each nemesis op as an :info invocation followed by an :info completion, and
 * its perf plots pair them by the :perf sets of nemesis/combined.clj (start-partition →
 * stop-partition, kill → start, pause → resume). util.clj's nemesis-intervals shades two
 * intervals per fault, invocation to invocation and completion to completion, and a stop ends
 * every start of its kind still open; a band here is their union, from the injecting op's
 * invocation to the undoing op's completion. One rule Jepsen's plots lack: a kill of every node
 * a pause still holds ends that pause (a killed process is not paused; its restart runs free).
 *
 * Labels: a partition names its groups from its grudge ("n0 | n1 n2 (majority)"), or whom each
 * cut node stops hearing ("n0 hears nothing from n1 n2; …") when it is no clean split, or
 * "nothing was cut (minority-third)" for an empty grudge. A kill or pause names the nodes its
 * completion's node → result map (db-faults.ts, Jepsen's c/on-nodes) says it killed or paused,
 * "killed n1 n3 (minority)", and the nodes it skipped ("; n2 not running").
 */
import { byNodeNumber } from "../nemesis/db-faults.ts";
import type { Op } from "../contracts/types.ts";
import { nanosToSeconds } from "../contracts/history.ts";

export type FaultKind = "partition" | "kill" | "pause";

/** One fault window. */
export interface FaultBand {
  kind: FaultKind;
  /** What the fault did, in words. */
  label: string;
  /** Invocation of the op that injected it, seconds since the start of the run. */
  start: number;
  /** Completion of the op that undid it; undefined when the run ended with the fault in place. */
  end: number | undefined;
  /** The nodes it hit, in node order (a partition: every node that lost a link). */
  nodes: string[];
  /** False when the fault changed nothing (an empty grudge; nobody killed or paused). */
  effective: boolean;
}

/** Each :f that injects or undoes a fault (combined.clj's :perf sets). */
const FAULT_OPS: Record<string, { kind: FaultKind; injects: boolean }> = {
  "start-partition": { kind: "partition", injects: true },
  "stop-partition": { kind: "partition", injects: false },
  kill: { kind: "kill", injects: true },
  start: { kind: "kill", injects: false },
  pause: { kind: "pause", injects: true },
  resume: { kind: "pause", injects: false },
};

/** Every fault kind in the order the report draws their lanes. */
export const FAULT_KINDS: readonly FaultKind[] = ["partition", "kill", "pause"];

/** Each kind's fill (Jepsen's perf-plot colours, combined.clj's :perf) and a darker ink for its text and outlines. */
export const FAULT_STYLE: Record<FaultKind, { fill: string; ink: string }> = {
  partition: { fill: "#E9DCA0", ink: "#7a6a1e" },
  kill: { fill: "#E9A4A0", ink: "#a3322b" },
  pause: { fill: "#A0B1E9", ink: "#2f4fa8" },
};

/** An HTML key for the fault kinds: a swatch of each kind's colour before its name. */
export function faultKey(kinds: readonly FaultKind[]): string {
  const style = (kind: FaultKind) => `background:${FAULT_STYLE[kind].fill};border-color:${FAULT_STYLE[kind].ink}`;
  return kinds.map((kind) => `<span class="fault-key" style="${style(kind)}"></span> ${kind}`).join(", ");
}

/** Where the next band of the same kind starts: a narrow band's label may run on until there, in its lane. */
export function nextStartOfKind(bands: readonly FaultBand[], band: FaultBand): number | undefined {
  return bands.find((other) => other.kind === band.kind && other.start > band.start)?.start;
}

/** The kinds present in `bands`, one lane each (Jepsen's perf plots give each nemesis its own strip). */
export function faultLanes(bands: readonly FaultBand[]): FaultKind[] {
  return FAULT_KINDS.filter((kind) => bands.some((band) => band.kind === kind));
}


/** Collects fault bands from history ops fed in order (client ops are ignored). */
export class FaultCollector {
  private readonly bands: FaultBand[] = [];
  private pendingInvoke: Op | undefined;
  /** Open pause bands → their nodes not killed since. */
  private readonly stillPaused = new Map<FaultBand, Set<string>>();

  /** `nodeIds` (from test.json) lets a partition label name nodes no grudge mentions. */
  constructor(private readonly nodeIds: readonly string[] = []) {}

  add(op: Op): void {
    if (op.process !== "nemesis" || !(op.f in FAULT_OPS)) return;
    const invoke = this.pendingInvoke;
    if (invoke === undefined || invoke.f !== op.f) {
      this.pendingInvoke = op; // the invocation; its completion comes next
      return;
    }
    this.pendingInvoke = undefined;
    const { kind, injects } = FAULT_OPS[op.f]!;
    const timeSec = nanosToSeconds(op.time);
    if (!injects) return this.endAll(kind, timeSec);
    const band: FaultBand = { kind, start: nanosToSeconds(invoke.time), end: undefined, ...describe(kind, invoke.value, op.value, this.nodeIds) };
    this.bands.push(band);
    if (kind === "pause" && band.effective) this.stillPaused.set(band, new Set(band.nodes));
    if (kind === "kill") this.endPausesOf(band.nodes, timeSec);
  }

  result(): FaultBand[] {
    return this.bands.map((band) => ({ ...band, nodes: [...band.nodes] }));
  }

  /** A stop ends every open band of its kind (Jepsen's nemesis-intervals). */
  private endAll(kind: FaultKind, atSec: number): void {
    for (const band of this.bands) {
      if (band.kind !== kind || band.end !== undefined) continue;
      band.end = atSec;
      this.stillPaused.delete(band);
    }
  }

  private endPausesOf(killed: readonly string[], atSec: number): void {
    for (const [band, nodes] of this.stillPaused) {
      for (const node of killed) nodes.delete(node);
      if (nodes.size > 0) continue;
      band.end = atSec;
      this.stillPaused.delete(band);
    }
  }
}

/** The bands of a whole history (for tests and one-off callers; the report streams). */
export function faultBands(history: Iterable<Op>, nodeIds: readonly string[] = []): FaultBand[] {
  const collector = new FaultCollector(nodeIds);
  for (const op of history) collector.add(op);
  return collector.result();
}

type Description = Pick<FaultBand, "label" | "nodes" | "effective">;

function describe(kind: FaultKind, invokeValue: unknown, completionValue: unknown, nodeIds: readonly string[]): Description {
  // What it did comes first, so a narrow band's cut-short label still says it; how it was chosen follows.
  const spec = kind === "partition" ? invokeValue : (invokeValue ?? "random subset");
  const how = typeof spec === "string" ? spec : "";
  if (kind === "partition") return describePartition(completionValue, nodeIds, how);
  return describeNodeFault(kind === "kill" ? "killed" : "paused", completionValue, how);
}

/** A kill's or pause's node → result map: the nodes whose result is `done` were hit. */
function describeNodeFault(done: "killed" | "paused", completionValue: unknown, how: string): Description {
  const results = typeof completionValue === "object" && completionValue !== null ? (completionValue as Record<string, unknown>) : {};
  const ids = Object.keys(results).sort(byNodeNumber);
  const nodes = ids.filter((id) => results[id] === done);
  const skippedBy = new Map<string, string[]>();
  for (const id of ids.filter((id) => results[id] !== done)) {
    const why = String(results[id]).replaceAll("-", " ");
    skippedBy.set(why, [...(skippedBy.get(why) ?? []), id]);
  }
  const skipped = [...skippedBy].map(([why, skippedIds]) => `${skippedIds.join(" ")} ${why}`);
  const note = [how, ...skipped].filter(Boolean).join("; ");
  const what = nodes.length ? `${done} ${nodes.join(" ")}` : `nobody was ${done}`;
  return { label: note ? `${what} (${note})` : what, nodes, effective: nodes.length > 0 };
}

/** The partition's grudge (dest → sources it drops), from a completion like ["isolated", {...}]. */
function grudgeIn(value: unknown): Record<string, string[]> {
  const grudge = Array.isArray(value) ? value[1] : value;
  return typeof grudge === "object" && grudge !== null && !Array.isArray(grudge) ? (grudge as Record<string, string[]>) : {};
}

function describePartition(completionValue: unknown, nodeIds: readonly string[], how: string): Description {
  const suffix = how ? ` (${how})` : "";
  const cut = Object.entries(grudgeIn(completionValue)).filter(([, sources]) => sources.length > 0);
  if (cut.length === 0) return { label: `nothing was cut${suffix}`, nodes: [], effective: false };
  const hit = new Set(cut.flatMap(([dest, sources]) => [dest, ...sources]));
  const nodes = [...new Set([...nodeIds, ...hit])].sort(byNodeNumber);
  const groups = partitionLabel(nodes, new Map(cut.map(([dest, sources]) => [dest, new Set(sources)])));
  return { label: groups + suffix, nodes: nodes.filter((node) => hit.has(node)), effective: true };
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
    .map((node) => `${node} hears nothing from ${[...grudge.get(node)!].sort(byNodeNumber).join(" ")}`)
    .join("; ");
}
