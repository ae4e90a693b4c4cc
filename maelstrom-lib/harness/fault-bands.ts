/**
 * What each fault hit, for the report: the history's nemesis ops turned into bands, one per
 * injected fault, from the invocation of the op that injected it to the completion of the op
 * that undid it, labelled with the nodes it hit (read from the completions' values, as
 * nemesis.ts and db-faults.ts record them). Jepsen's perf plots pair the same ops
 * (combined.clj's :perf :start/:stop sets): start-partition/stop-partition, kill/start,
 * pause/resume.
 */
import { byNodeNumber } from "./db-faults.ts";
import type { Op } from "./types.ts";

export type FaultKind = "partition" | "kill" | "pause";

export interface FaultBand {
  kind: FaultKind;
  /** "n0 | n1 n2", "nothing was cut", "killed n1 n3", "paused n2". */
  label: string;
  /** Invocation of the op that injected the fault, ns since the run started. */
  startNs: number;
  /** Completion of the op that undid it; undefined when the run ended first. */
  endNs: number | undefined;
  /** The nodes it hit, in node order. */
  nodes: string[];
}

/** Which :f injects and which undoes each kind. */
const OPS: Record<string, { kind: FaultKind; injects: boolean }> = {
  "start-partition": { kind: "partition", injects: true },
  "stop-partition": { kind: "partition", injects: false },
  kill: { kind: "kill", injects: true },
  start: { kind: "kill", injects: false },
  pause: { kind: "pause", injects: true },
  resume: { kind: "pause", injects: false },
};

/**
 * The bands of a history, in the order the faults were injected. A kill of every node a pause
 * still holds ends that pause too (a killed process is not paused; its restart runs on).
 */
export function faultBands(history: readonly Op[]): FaultBand[] {
  const bands: FaultBand[] = [];
  const invocations = new Map<string, Op>();
  /** Open pause bands → their nodes not killed since. */
  const stillPaused = new Map<FaultBand, Set<string>>();
  for (const op of history) {
    if (op.process !== "nemesis" || !(op.f in OPS)) continue;
    const invocation = invocations.get(op.f);
    if (!invocation) {
      invocations.set(op.f, op); // each nemesis op is an :info pair: this one is the invocation
      continue;
    }
    invocations.delete(op.f);
    const { kind, injects } = OPS[op.f]!;
    if (injects) {
      const band: FaultBand = { kind, startNs: invocation.time, endNs: undefined, ...hit(kind, op.value) };
      bands.push(band);
      if (kind === "pause" && band.nodes.length > 0) stillPaused.set(band, new Set(band.nodes));
      if (kind === "kill") endPausesOf(band.nodes, op.time, stillPaused);
    } else {
      for (const band of bands) {
        if (band.kind !== kind || band.endNs !== undefined) continue;
        band.endNs = op.time;
        stillPaused.delete(band);
      }
    }
  }
  return bands;
}

function endPausesOf(killed: readonly string[], atNs: number, stillPaused: Map<FaultBand, Set<string>>): void {
  for (const [band, nodes] of stillPaused) {
    for (const node of killed) nodes.delete(node);
    if (nodes.size > 0) continue;
    band.endNs = atNs;
    stillPaused.delete(band);
  }
}

/** The label and nodes of one injecting op's completion value. */
function hit(kind: FaultKind, value: unknown): { label: string; nodes: string[] } {
  if (kind === "partition") {
    const grudge = Array.isArray(value) && value[0] === "isolated" ? (value[1] as Record<string, string[]>) : {};
    return partitionHit(grudge);
  }
  const results = (value ?? {}) as Record<string, string>;
  const done = kind === "kill" ? "killed" : "paused";
  const nodes = Object.keys(results).filter((id) => results[id] === done).sort(byNodeNumber);
  return { label: `${done} ${nodes.length > 0 ? nodes.join(" ") : "no node"}`, nodes };
}

/**
 * A grudge (dest → the sources it drops) as its components, "n0 | n1 n2", when it cuts the
 * nodes into groups that drop exactly each other (Jepsen's complete-grudge); otherwise (the
 * majorities ring) each node with what it is cut from.
 */
function partitionHit(grudge: Record<string, string[]>): { label: string; nodes: string[] } {
  const nodes = [...new Set([...Object.keys(grudge), ...Object.values(grudge).flat()])].sort(byNodeNumber);
  if (nodes.length === 0) return { label: "nothing was cut", nodes };
  const dropsOf = (node: string) => [...(grudge[node] ?? [])].sort(byNodeNumber).join(" ");
  const groups = new Map<string, string[]>();
  for (const node of nodes) groups.set(dropsOf(node), [...(groups.get(dropsOf(node)) ?? []), node]);
  const components = [...groups.values()];
  const complete = components.every((group) => {
    const others = nodes.filter((node) => !group.includes(node)).join(" ");
    return dropsOf(group[0]!) === others;
  });
  const label = complete
    ? components.map((group) => group.join(" ")).join(" | ")
    : nodes.filter((node) => grudge[node]?.length).map((node) => `${node} cut from ${dropsOf(node)}`).join("; ");
  return { label, nodes };
}
