/**
 * The kill and pause faults: Jepsen's db package (nemesis/combined.clj `db-nodes`,
 * `node-specs`, `db-nemesis`, `db-generators`) on node processes, as Maelstrom's later pull
 * request (#102) wires it to its db. A kill picks a node spec at random, turns it into target
 * nodes and SIGKILLs them; its stop is `start` on every node, which launches a fresh process
 * (that gets `init` again, its memory lost) for each killed one. A pause SIGSTOPs its targets;
 * its stop is `resume` on every node (SIGCONT). Ops are recorded with Jepsen's :f names, the
 * node spec as the invocation's value and node → result as the completion's (db-nemesis's
 * `c/on-nodes` map). Their descriptors are faults/kill.ts and faults/pause.ts.
 */
import type { Fault, FaultDescription, FaultOp, PackageSpec } from "./nemesis.ts";
import { majority, minorityThird } from "./nemesis.ts";
import { byNodeNumber } from "../primitives/node-order.ts";
import type { Rng } from "../primitives/rng.ts";

/** Jepsen's db package (kill and pause mixed on one schedule). */
export const DB_PACKAGE: PackageSpec = { name: "db", rngStream: 0x6e656d32 };

/** The kill fault's history ops: a kill, undone by a start of every node. */
export const KILL_OPS = { start: "kill", stop: "start" } as const;

/** The pause fault's history ops: a pause, undone by a resume of every node. */
export const PAUSE_OPS = { start: "pause", stop: "resume" } as const;

/**
 * Jepsen's node specs (`node-specs`; our db has no primaries): null is "a random non-empty
 * subset", the rest as named.
 */
export type NodeSpec = null | "one" | "minority-third" | "minority" | "majority" | "all";

export const NODE_SPECS: readonly NodeSpec[] = [null, "one", "minority-third", "minority", "majority", "all"];

/** The nodes a spec picks (`db-nodes`): minority-third and minority may pick none. */
export function dbNodes(spec: NodeSpec, nodes: readonly string[], rng: Rng): string[] {
  switch (spec) {
    case null:
      return rng.shuffle(nodes).slice(0, rng.int(0, nodes.length) + 1); // random-nonempty-subset
    case "one":
      return [rng.pick(nodes)];
    case "minority-third":
      return rng.shuffle(nodes).slice(0, minorityThird(nodes.length));
    case "minority":
      return rng.shuffle(nodes).slice(0, majority(nodes.length) - 1);
    case "majority":
      return rng.shuffle(nodes).slice(0, majority(nodes.length));
    case "all":
      return [...nodes];
  }
}

/** What the run does to one node for the nemesis; each returns that node's result for the history. */
export interface NodeControl {
  /** SIGKILL; messages to the node are dropped until it is started again. */
  kill(id: string): "killed" | "not-running";
  /** A fresh process and a new init, for a killed node; the others are left alone. */
  start(id: string): "started" | "already-running" | "start-failed";
  /** SIGSTOP, for a node that is up (a killed one, or one still in its init, is left alone). */
  pause(id: string): "paused" | "not-running";
  /** SIGCONT, for a paused node. */
  resume(id: string): "resumed" | "not-paused";
}

/** One of the db package's two faults: its :f names and what it does to a node. */
interface NodeFaultKind {
  ops: typeof KILL_OPS | typeof PAUSE_OPS;
  inject(control: NodeControl, id: string): string;
  undo(control: NodeControl, id: string): string;
  /** Undone at teardown too (a paused process is resumed; killed ones stay dead). */
  clearAtTeardown: boolean;
}

const KILL: NodeFaultKind = {
  ops: KILL_OPS,
  inject: (control, id) => control.kill(id),
  undo: (control, id) => control.start(id),
  clearAtTeardown: false,
};

const PAUSE: NodeFaultKind = {
  ops: PAUSE_OPS,
  inject: (control, id) => control.pause(id),
  undo: (control, id) => control.resume(id),
  clearAtTeardown: true,
};

/** A kill or pause fault: start hits the nodes of a random node spec, stop undoes it on :all. */
export class NodeFault implements Fault {
  private constructor(
    private readonly kind: NodeFaultKind,
    private readonly control: NodeControl,
    private readonly nodeIds: readonly string[],
    private readonly rng: Rng,
  ) {}

  static kill(control: NodeControl, nodeIds: readonly string[], rng: Rng): NodeFault {
    return new NodeFault(KILL, control, nodeIds, rng);
  }

  static pause(control: NodeControl, nodeIds: readonly string[], rng: Rng): NodeFault {
    return new NodeFault(PAUSE, control, nodeIds, rng);
  }

  start(): FaultOp {
    const spec = this.rng.pick(NODE_SPECS);
    const targets = dbNodes(spec, this.nodeIds, this.rng);
    return { f: this.kind.ops.start, value: spec, apply: () => this.onNodes(targets, this.kind.inject) };
  }

  stop(): FaultOp {
    return { f: this.kind.ops.stop, value: "all", apply: () => this.onNodes(this.nodeIds, this.kind.undo) };
  }

  clear(): void {
    if (this.kind.clearAtTeardown) for (const id of this.nodeIds) this.kind.undo(this.control, id);
  }

  /** Jepsen's `c/on-nodes`: node → result, here in node order. */
  private onNodes(nodes: readonly string[], act: (control: NodeControl, id: string) => string): Record<string, string> {
    const results: Record<string, string> = {};
    for (const id of [...nodes].sort(byNodeNumber)) results[id] = act(this.control, id);
    return results;
  }
}

/**
 * A kill's or pause's band: the nodes whose result in the completion's node → result map is
 * `done` were hit ("killed n1 n3 (minority)"), and the others are named with why they were
 * skipped ("; n2 not running"). What it did comes first, so a narrow band's cut-short label
 * still says it; how its nodes were chosen (the node spec) follows.
 */
export function describeNodeFault(
  done: "killed" | "paused",
  invokeValue: unknown,
  completionValue: unknown,
): FaultDescription {
  const spec = invokeValue ?? "random subset";
  const how = typeof spec === "string" ? spec : "";
  const isMap = typeof completionValue === "object" && completionValue !== null;
  const results: Record<string, unknown> = isMap ? { ...completionValue } : {};
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

/**
 * What a kill's or pause's stop did, for the events table: "restarted n1 n3", "resumed n2", or
 * "nobody needed restarting" when every node's result was the routine no-op (`idle`:
 * already-running, not-paused); any other result is named ("; n2 start failed").
 */
export function describeNodeUndo(done: "started" | "resumed", idle: string, completionValue: unknown): string {
  const isMap = typeof completionValue === "object" && completionValue !== null;
  const results: Record<string, unknown> = isMap ? { ...completionValue } : {};
  const ids = Object.keys(results).sort(byNodeNumber);
  const hit = ids.filter((id) => results[id] === done);
  const odd = ids.filter((id) => results[id] !== done && results[id] !== idle);
  const [verb, needed] = done === "started" ? ["restarted", "restarting"] : ["resumed", "resuming"];
  const what = hit.length ? `${verb} ${hit.join(" ")}` : `nobody needed ${needed}`;
  const notes = odd.map((id) => `${id} ${String(results[id]).replaceAll("-", " ")}`);
  return [what, ...notes].join("; ");
}

/**
 * Each node's nemesis pauses, [from, to] in ms (to is Infinity while one lasts): enough to tell
 * whether a reply to a client that has gone was made late by a pause.
 */
export class PauseLog {
  private readonly windows = new Map<string, { fromMs: number; toMs: number }[]>();

  paused(id: string, atMs: number): void {
    this.windows.set(id, [...(this.windows.get(id) ?? []), { fromMs: atMs, toMs: Infinity }]);
  }

  resumed(id: string, atMs: number): void {
    const last = this.windows.get(id)?.at(-1);
    if (last && last.toMs === Infinity) last.toMs = atMs;
  }

  /** True when `id` was paused at some moment from `fromMs` to `toMs`. */
  pausedDuring(id: string, fromMs: number, toMs: number): boolean {
    return (this.windows.get(id) ?? []).some((w) => w.fromMs <= toMs && w.toMs >= fromMs);
  }
}
