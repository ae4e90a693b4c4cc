/**
 * The report of a key that is not linearizable, in Knossos' shape (knossos/wgl.clj
 * `invalid-analysis`, knossos/analysis.clj): `op` (the ok op no configuration could
 * linearize), `previous-ok` (the ok completion just before it in the history), and
 * `final-paths` (from each configuration that got furthest, the concurrent ops in every order
 * followed by that op, each path stopping where the model refuses). Plus what Knossos does
 * not give: a sentence that says what went wrong.
 */
import type { Op } from "../../contracts/types.ts";
import { canonical, OpKind, type KeyHistory, type KeyOp } from "./history.ts";
import { inconsistencyMessage, INCONSISTENT, renderState, step, type CompiledModel } from "./model.ts";
import type { Configuration } from "./search.ts";
import { nanosToSeconds } from "../../contracts/history.ts";

/** Knossos enumerates every subset and order of the concurrent ops; Jepsen keeps 10 of the paths. */
const MAX_FINAL_PATHS = 10;
/** And consider at most this many concurrent ops per configuration. */
const MAX_CONCURRENT_IN_PATHS = 5;

/** One step of a final path: the op and the model after it (Knossos' `{:op :model}`). */
export interface PathStep {
  op: Op;
  model: { value: unknown } | { msg: string };
}

export interface InvalidKeyReport {
  op: Op;
  "previous-ok": Op | null;
  "final-paths": PathStep[][];
  /** The register values the furthest configurations ended in. */
  "last-states": unknown[];
  /** The plain-words account of the failure. */
  explanation: string;
}

/** Builds the report for a key whose search failed at ok op `failed`. */
export function invalidAnalysis(
  history: KeyHistory,
  model: CompiledModel,
  failed: number,
  furthest: readonly Configuration[],
): InvalidKeyReport {
  const failedOp = history.ops[failed]!;
  const concurrent = concurrentAt(history, failedOp);
  const paths = new Map<string, PathStep[]>();
  for (const config of furthest) {
    if (paths.size >= MAX_FINAL_PATHS) break;
    const pending = concurrent
      .filter((id) => !config.linearized(id) && id !== failed)
      .slice(0, MAX_CONCURRENT_IN_PATHS);
    const prefix: PathStep[] =
      config.lastOp >= 0
        ? [{ op: completed(history.ops[config.lastOp]!), model: renderState(model, config.state) }]
        : [];
    extendPaths(history, model, config.state, prefix, pending, failed, paths);
  }
  const lastStates = [...new Set(furthest.map((config) => config.state))].map((state) => model.values[state]);
  return {
    op: failedOp.completion!,
    "previous-ok": previousOk(history, failedOp),
    "final-paths": [...paths.values()],
    "last-states": lastStates,
    explanation: explain(history, failedOp, lastStates),
  };
}

/** Every order of every subset of `pending`, then the failed op; each path ends where the model refuses. */
function extendPaths(
  history: KeyHistory,
  model: CompiledModel,
  state: number,
  path: PathStep[],
  pending: number[],
  failed: number,
  paths: Map<string, PathStep[]>,
): void {
  if (paths.size >= MAX_FINAL_PATHS) return;
  const last = attempt(history, model, state, failed);
  if (last.state === INCONSISTENT) {
    const full = [...path, last.step];
    paths.set(JSON.stringify(full.map((s) => [s.op.index, s.model])), full);
  }
  pending.forEach((id, i) => {
    const next = attempt(history, model, state, id);
    const rest = pending.filter((_, j) => j !== i);
    // Knossos' path ends at the refusing op; only the failed op's refusal is reported
    if (next.state === INCONSISTENT) return;
    extendPaths(history, model, next.state, [...path, next.step], rest, failed, paths);
  });
}

function attempt(
  history: KeyHistory,
  model: CompiledModel,
  state: number,
  id: number,
): { state: number; step: PathStep } {
  const op = history.ops[id]!;
  const after = step(model, state, id);
  const rendered =
    after === INCONSISTENT ? { msg: inconsistencyMessage(op, model.values[state]) } : renderState(model, after);
  return { state: after, step: { op: completed(op), model: rendered } };
}

/** An op as the report shows it: its completion when it has one, else its invocation. */
function completed(op: KeyOp): Op {
  return op.completion ?? op.invoke;
}

/** Ops (ids) invoked before the failed op completed and not completed before it was invoked. */
function concurrentAt(history: KeyHistory, failedOp: KeyOp): number[] {
  const start = failedOp.invoke.index;
  const end = failedOp.completion!.index;
  const ids: number[] = [];
  history.ops.forEach((op, id) => {
    const finished = op.ok ? op.completion!.index : Infinity;
    if (op.invoke.index < end && finished > start) ids.push(id);
  });
  return ids;
}

/** The ok completion just before the failed op's completion in this key's history. */
function previousOk(history: KeyHistory, failedOp: KeyOp): Op | null {
  let best: Op | null = null;
  for (const op of history.ops) {
    const done = op.ok ? op.completion! : undefined;
    if (done && done.index < failedOp.completion!.index && (!best || done.index > best.index)) best = done;
  }
  return best;
}

/** What the op did, in words ("read 4", "cas 1→3"). */
export function describeOp(op: KeyOp): string {
  if (op.kind === OpKind.Read) return `read ${show(op.a)}`;
  if (op.kind === OpKind.Write) return `write ${show(op.a)}`;
  return `cas ${show(op.a)}→${show(op.b)}`;
}

function show(value: unknown): string {
  return value === undefined || value === null ? "nil" : canonical(value);
}

function seconds(op: Op | undefined): string {
  return op ? nanosToSeconds(op.time).toFixed(3) : "never";
}

function list(values: string[]): string {
  if (values.length <= 1) return values[0] ?? "";
  return `${values.slice(0, -1).join(", ")} and ${values[values.length - 1]}`;
}

/** The value an op leaves in the register, if it writes one. */
function written(op: KeyOp): unknown {
  return op.kind === OpKind.Write ? op.a : op.b;
}

/** "cas 2→4 by process 4 at 0.286–0.286 s" */
function whoWhen(op: KeyOp): string {
  return (
    `${describeOp(op)} by process ${String(op.invoke.process)} ` +
    `at ${seconds(op.invoke)}–${seconds(op.ok ? op.completion : undefined)} s`
  );
}

/**
 * The plain-words account of why the failed op cannot be placed: no write of the value it
 * needs could precede it; or every such write was followed, strictly in real time, by an
 * acknowledged write of something else before the failed op began; or, failing a story that
 * simple, the states the search could reach.
 */
function explain(history: KeyHistory, failedOp: KeyOp, lastStates: unknown[]): string {
  const needed = show(failedOp.a);
  const end = failedOp.completion!.index;
  const writers = history.ops.filter((op) => op.kind !== OpKind.Read && op.invoke.index < end);
  const values = [...new Set(writers.map((op) => show(written(op))))];
  const states = lastStates.map(show);
  const head = `key ${show(history.key)}: ${whoWhen(failedOp)} cannot be linearized`;
  const stateWords =
    states.length === 1
      ? `the last linearized state was ${states[0]}`
      : `the last linearized states were ${list(states)}`;
  if (needed !== "nil" && !values.includes(needed)) {
    const others =
      values.length === 0
        ? "no write or cas had begun by then"
        : `the only writes that could precede it wrote ${list(values)}`;
    return `${head}: it needs the register to hold ${needed}, but ${others}; ${stateWords}.`;
  }
  // A definite story only: every write of the needed value finished before another value was
  // written, and that write finished before the failed op began.
  const ofNeeded = writers.filter((op) => show(written(op)) === needed);
  const lastOfNeeded = ofNeeded.every((op) => op.ok)
    ? ofNeeded.reduce<KeyOp | undefined>(
        (last, op) => (!last || op.completion!.index > last.completion!.index ? op : last),
        undefined,
      )
    : undefined;
  const overwrite =
    lastOfNeeded &&
    writers.find(
      (op) =>
        op.ok &&
        show(written(op)) !== needed &&
        op.invoke.index > lastOfNeeded.completion!.index &&
        op.completion!.index < failedOp.invoke.index,
    );
  if (lastOfNeeded && overwrite) {
    return (
      `${head}: it needs ${needed}, but the last write of ${needed} (${whoWhen(lastOfNeeded)}) was ` +
      `overwritten by ${whoWhen(overwrite)} before it began; ${stateWords}.`
    );
  }
  return `${head}: no order of the ops before it leaves ${needed} in the register when it takes effect; ${stateWords}.`;
}
