/**
 * The longest partial linearizations of a key that is not linearizable, as data for the
 * report to draw (Porcupine's visualization.go draws the same: each partial linearization as a
 * chain of linearization points, and the ops that could have come next, in red). For each
 * partial linearization: its last steps with the register after each, and every op that could
 * have been linearized next with what the model said to it. And the window of ops worth
 * drawing around the failure: every drawn op a partial linearization contains is among its
 * shown steps, or listed in its `earlier`, so the picture never shows a placed op as unplaced.
 */
import { describeOp } from "./analysis.ts";
import type { KeyHistory, KeyOp } from "./history.ts";
import { INCONSISTENT, inconsistencyMessage, NIL_STATE, renderState, step, type CompiledModel } from "./model.ts";
import type { PartialLinearization } from "./search.ts";

/** The last steps of each partial linearization the report shows. */
const STEPS_SHOWN = 24;
/** The last steps of each partial linearization that decide the window drawn. */
const STEPS_SETTING_WINDOW = 12;
/** Crashed ops that could have come next: the most recently invoked few (a partition leaves dozens). */
const CRASHED_NEXT_SHOWN = 4;
/** Ok ops drawn for context just before and just after the window's span. */
const NEIGHBOURS = 3;
/** Most ops drawn around the failure (the window's own ops and the shown steps may add a few). */
const WINDOW_OPS_MAX = 60;

/** An op as the report names it. */
export interface OpMention {
  /** History index of its completion (its invocation when it never completed), as timeline.html's anchors. */
  index: number;
  process: unknown;
  /** What it did: "read 1", "cas 2→4". */
  op: string;
}

/** One step of a partial linearization: the op and the register after it. */
export interface LinearizationStep extends OpMention {
  model: { value: unknown };
}

/** An op that could have come next, and what the model said: the register after it, or why not. */
export interface NextAttempt extends OpMention {
  model: { value: unknown } | { msg: string };
}

/** One partial linearization as results.json holds it. */
export interface PartialReport {
  /** How many ops it linearized in all. */
  length: number;
  /** Its last steps, from the first that is in the window (at most STEPS_SHOWN). */
  steps: LinearizationStep[];
  /** Drawn ops it linearized before its shown steps (history indices). */
  earlier: number[];
  /** The register after its last step. */
  model: { value: unknown };
  /** Ops that could have come next; the first is the one whose reply came before any could be placed. */
  next: NextAttempt[];
  /** Crashed ops that could also have come next but are not listed. */
  "next-not-shown"?: number;
}

/** What a bad key's result gets: the partial linearizations, longest first, and the ops to draw. */
export interface PartialsReport {
  "partial-linearizations": PartialReport[];
  /** History indices of the ops the picture draws, in invocation order. */
  "window-ops": number[];
}

/** Builds the report of the partial linearizations `partials` of a key whose search failed at ok op `failed`. */
export function describePartials(
  history: KeyHistory,
  model: CompiledModel,
  failed: number,
  partials: readonly PartialLinearization[],
): PartialsReport {
  const nexts = partials.map((partial) => nextCandidates(history, partial));
  const core = new Set<number>([failed]);
  partials.forEach((partial, i) => {
    for (const id of nexts[i]!.shown) core.add(id);
    for (const id of partial.ops.slice(-STEPS_SETTING_WINDOW)) core.add(id);
  });
  const drawn = windowAround(history, core, failed);
  const shownFrom = partials.map((partial) => {
    const first = partial.ops.findIndex((id) => drawn.has(id));
    return Math.max(first < 0 ? partial.ops.length : first, partial.ops.length - STEPS_SHOWN);
  });
  // Ops placed among the shown steps are drawn too, wherever they lie in time.
  partials.forEach((partial, i) => {
    for (const id of partial.ops.slice(shownFrom[i])) drawn.add(id);
  });
  const mention = (id: number): OpMention => mentionOf(history.ops[id]!);
  const reports = partials.map((partial, i): PartialReport => {
    const states = replay(model, partial.ops);
    const from = shownFrom[i]!;
    const shown = new Set(partial.ops.slice(from));
    const next = nexts[i]!;
    return {
      length: partial.ops.length,
      steps: partial.ops.slice(from).map((id, j) => ({ ...mention(id), model: renderState(model, states[from + j]!) })),
      earlier: partial.ops.filter((id) => drawn.has(id) && !shown.has(id)).map((id) => mention(id).index),
      model: renderState(model, partial.state),
      next: next.shown.map((id) => ({ ...mention(id), model: attempt(history, model, partial.state, id) })),
      ...(next.notShown > 0 ? { "next-not-shown": next.notShown } : {}),
    };
  });
  const windowOps = [...drawn].sort((a, b) => history.ops[a]!.invoke.index - history.ops[b]!.invoke.index);
  return { "partial-linearizations": reports, "window-ops": windowOps.map((id) => mention(id).index) };
}

/** The index, process and words of an op. */
function mentionOf(op: KeyOp): OpMention {
  return { index: (op.completion ?? op.invoke).index, process: op.invoke.process, op: describeOp(op) };
}

/** The register after each op of `ops`, from the register's start (the search found them consistent). */
function replay(model: CompiledModel, ops: readonly number[]): number[] {
  let state = NIL_STATE;
  return ops.map((id) => {
    state = step(model, state, id);
    return state;
  });
}

function attempt(history: KeyHistory, model: CompiledModel, state: number, id: number): NextAttempt["model"] {
  const after = step(model, state, id);
  return after === INCONSISTENT
    ? { msg: inconsistencyMessage(history.ops[id]!, model.values[state]) }
    : renderState(model, after);
}

/**
 * The ops that could have been linearized after `partial`: every op not in it invoked before
 * the reply of `blocked` (whose reply came first of all the ops left). Blocked first, then the
 * ok ops, then the most recent crashed ones.
 */
function nextCandidates(history: KeyHistory, partial: PartialLinearization): { shown: number[]; notShown: number } {
  const placed = new Set(partial.ops);
  const deadline = history.ops[partial.blocked]!.completion!.index;
  const ok: number[] = [];
  const crashed: number[] = [];
  history.ops.forEach((op, id) => {
    if (placed.has(id) || id === partial.blocked || op.invoke.index >= deadline) return;
    (op.ok ? ok : crashed).push(id);
  });
  const byInvoke = (a: number, b: number) => history.ops[a]!.invoke.index - history.ops[b]!.invoke.index;
  const recentCrashed = crashed.sort(byInvoke).slice(-CRASHED_NEXT_SHOWN);
  return {
    shown: [partial.blocked, ...ok.sort(byInvoke), ...recentCrashed],
    notShown: crashed.length - recentCrashed.length,
  };
}

/**
 * The ops to draw: the `core` ops, every ok op overlapping their span of the history, and for
 * context the few ok ops invoked just before and just after it (linear.svg draws neighbours too);
 * past WINDOW_OPS_MAX, the ones invoked nearest the failed op.
 */
function windowAround(history: KeyHistory, core: ReadonlySet<number>, failed: number): Set<number> {
  const ends = (op: KeyOp) => (op.ok ? op.completion!.index : op.invoke.index);
  const coreOps = [...core].map((id) => history.ops[id]!);
  const from = Math.min(...coreOps.map((op) => op.invoke.index));
  const to = Math.max(...coreOps.map(ends));
  const others = history.ops.map((op, id) => ({ op, id })).filter(({ op, id }) => op.ok && !core.has(id));
  const overlapping = others.filter(({ op }) => op.invoke.index <= to && ends(op) >= from);
  const before = others.filter(({ op }) => ends(op) < from).slice(-NEIGHBOURS);
  const after = others.filter(({ op }) => op.invoke.index > to).slice(0, NEIGHBOURS);
  const centre = history.ops[failed]!.invoke.index;
  const nearest = [...overlapping, ...before, ...after]
    .sort((a, b) => Math.abs(a.op.invoke.index - centre) - Math.abs(b.op.invoke.index - centre))
    .slice(0, Math.max(0, WINDOW_OPS_MAX - core.size));
  return new Set([...core, ...nearest.map(({ id }) => id)]);
}
