/**
 * The faults a run's nemesis injected, as bands the plots and the timeline draw: one band per
 * injected fault, with its kind, the nodes it really hit and a label saying what it did.
 *
 * Jepsen records each nemesis op as an :info invocation followed by an :info completion, and
 * its perf plots pair them by the :perf sets of nemesis/combined.clj (start-partition →
 * stop-partition, kill → start, pause → resume). util.clj's nemesis-intervals shades two
 * intervals per fault, invocation to invocation and completion to completion, and a stop ends
 * every start of its kind still open; a band here is their union, from the injecting op's
 * invocation to the undoing op's completion. One rule Jepsen's plots lack: a fault that
 * releases another (a kill releases a pause) ends that fault's band once it has hit every node
 * the band still held (a killed process is not paused; its restart runs free).
 *
 * Which ops start and stop which fault, its colour and the words of its label come from the
 * fault's descriptor (nemesis/faults/): "n0 | n1 n2 (majority)" for a partition, "killed n1 n3
 * (minority); n2 not running" for a kill.
 */
import { faultNamed, faultOfOp, registeredFaults } from "../nemesis/faults/index.ts";
import type { Op } from "../contracts/types.ts";
import { nanosToSeconds } from "../contracts/history.ts";

/** One fault window. */
export interface FaultBand {
  /** The fault's name (nemesis/faults/). */
  kind: string;
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

/** A fault's fill and the darker ink of its text and outlines (bands only ever have a registered kind). */
export function faultStyle(kind: string): { fill: string; ink: string } {
  const fault = faultNamed(kind);
  if (!fault) throw new Error(`no fault named ${JSON.stringify(kind)} is registered`);
  return fault.band;
}

/** An HTML key for the fault kinds: a swatch of each kind's colour before its name. */
export function faultKey(kinds: readonly string[]): string {
  const style = (kind: string) => `background:${faultStyle(kind).fill};border-color:${faultStyle(kind).ink}`;
  return kinds.map((kind) => `<span class="fault-key" style="${style(kind)}"></span> ${kind}`).join(", ");
}

/** Where the next band of the same kind starts: a narrow band's label may run on until there, in its lane. */
export function nextStartOfKind(bands: readonly FaultBand[], band: FaultBand): number | undefined {
  return bands.find((other) => other.kind === band.kind && other.start > band.start)?.start;
}

/**
 * The kinds present in `bands`, one lane each, in registration order (Jepsen's perf plots give each nemesis a strip).
 */
export function faultLanes(bands: readonly FaultBand[]): string[] {
  return registeredFaults()
    .map((fault) => fault.name)
    .filter((kind) => bands.some((band) => band.kind === kind));
}

/** Collects fault bands from history ops fed in order (client ops are ignored). */
export class FaultCollector {
  private readonly bands: FaultBand[] = [];
  private pendingInvoke: Op | undefined;
  /** Open effective bands → their nodes not released since. */
  private readonly stillHeld = new Map<FaultBand, Set<string>>();

  /** `nodeIds` (from test.json) lets a partition label name nodes no grudge mentions. */
  constructor(private readonly nodeIds: readonly string[] = []) {}

  add(op: Op): void {
    const faultOp = op.process === "nemesis" ? faultOfOp(op.f) : undefined;
    if (faultOp === undefined) return;
    const invoke = this.pendingInvoke;
    if (invoke === undefined || invoke.f !== op.f) {
      this.pendingInvoke = op; // the invocation; its completion comes next
      return;
    }
    this.pendingInvoke = undefined;
    const { fault, injects } = faultOp;
    const timeSec = nanosToSeconds(op.time);
    if (!injects) return this.endAll(fault.name, timeSec);
    const { label, nodes, effective } = fault.describe(invoke.value, op.value, this.nodeIds);
    const start = nanosToSeconds(invoke.time);
    const band: FaultBand = { kind: fault.name, label, start, end: undefined, nodes, effective };
    this.bands.push(band);
    if (band.effective) this.stillHeld.set(band, new Set(band.nodes));
    if (fault.releases) this.release(fault.releases, band.nodes, timeSec);
  }

  result(): FaultBand[] {
    return this.bands.map((band) => ({ ...band, nodes: [...band.nodes] }));
  }

  /** A stop ends every open band of its kind (Jepsen's nemesis-intervals). */
  private endAll(kind: string, atSec: number): void {
    for (const band of this.bands) {
      if (band.kind !== kind || band.end !== undefined) continue;
      band.end = atSec;
      this.stillHeld.delete(band);
    }
  }

  /** `hit` no longer held by the open bands of `kinds`; a band that holds no node any more ends. */
  private release(kinds: readonly string[], hit: readonly string[], atSec: number): void {
    for (const [band, nodes] of this.stillHeld) {
      if (!kinds.includes(band.kind)) continue;
      for (const node of hit) nodes.delete(node);
      if (nodes.size > 0) continue;
      band.end = atSec;
      this.stillHeld.delete(band);
    }
  }
}

/** The bands of a whole history (for tests and one-off callers; the report streams). */
export function faultBands(history: Iterable<Op>, nodeIds: readonly string[] = []): FaultBand[] {
  const collector = new FaultCollector(nodeIds);
  for (const op of history) collector.add(op);
  return collector.result();
}
