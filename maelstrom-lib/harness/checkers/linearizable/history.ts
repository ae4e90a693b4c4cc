/**
 * From a Jepsen history to the per-key problems the linearizability search solves.
 *
 * Jepsen's `independent` checker (jepsen/independent.clj) splits a history of `[key, value]`
 * tuples into one subhistory per key. Knossos then prepares each subhistory
 * (knossos/history.clj and wgl.clj): invocations take the value their completion reports,
 * failed ops are dropped (they did not happen), an invocation with an :info completion or
 * none at all is a crashed op that may take effect at any time after it began, and ops are
 * numbered so that ok ops come first in invocation order and crashed ones after them.
 */
import type { Op } from "../../contracts/types.ts";

/** A cas-register operation kind (Knossos' model.clj `cas-register`). */
export enum OpKind {
  Read = 0,
  Write = 1,
  Cas = 2,
}

/** One op of one key, with both ends (the completion may be missing for crashed ops). */
export interface KeyOp {
  invoke: Op;
  /** The ok or info completion; undefined when the op never completed. */
  completion: Op | undefined;
  kind: OpKind;
  /**
   * Read: the value read (undefined for a read of nil, which Knossos lets match anything). Write: the value. Cas: from.
   */
  a: unknown;
  /** Cas: to. */
  b: unknown;
  /** True for ok ops; false for crashed (:info or never completed) ops. */
  ok: boolean;
}

/**
 * One key's problem: ops numbered ok-first (ids 0…okCount-1 in invocation order, then the
 * crashed ones), and the events the search walks: calls and ok returns in history order.
 */
export interface KeyHistory {
  key: unknown;
  ops: KeyOp[];
  okCount: number;
  /** Event list: op id for a call, ~op id (negative) for an ok return, in history order. */
  events: number[];
}

/** A history op's `[key, value]` tuple, if it has one (Jepsen's `independent/tuple?`). */
function tupleOf(op: Op): [unknown, unknown] | undefined {
  return Array.isArray(op.value) && op.value.length === 2 ? (op.value as [unknown, unknown]) : undefined;
}

/** Canonical form of a key or value for comparisons (Clojure `=` on parsed JSON). */
export function canonical(value: unknown): string {
  return value === undefined ? "null" : JSON.stringify(value);
}

/**
 * Splits a history into subhistories by tuple key (client ops only), keeping history order; each
 * op's `[key value]` tuple becomes its bare value, as Jepsen's `independent/subhistory` gives it.
 */
export function splitByKey(history: readonly Op[]): Map<string, { key: unknown; ops: Op[] }> {
  const byKey = new Map<string, { key: unknown; ops: Op[] }>();
  const openKey = new Map<unknown, string>();
  for (const op of history) {
    if (op.process === "nemesis") continue;
    let name: string;
    if (op.type === "invoke") {
      const tuple = tupleOf(op);
      if (!tuple) continue;
      name = canonical(tuple[0]);
      openKey.set(op.process, name);
      if (!byKey.has(name)) byKey.set(name, { key: tuple[0], ops: [] });
    } else {
      // A completion belongs to the key its invocation named, whatever its value says.
      const open = openKey.get(op.process);
      if (open === undefined) continue;
      openKey.delete(op.process);
      name = open;
    }
    const tuple = tupleOf(op);
    byKey.get(name)!.ops.push(tuple ? { ...op, value: tuple[1] } : op);
  }
  return byKey;
}

/** Pairs one key's invocations with their completions and prepares them as Knossos does. */
export function prepareKey(key: unknown, subhistory: readonly Op[]): KeyHistory {
  const open = new Map<unknown, KeyOp>();
  const pairs: KeyOp[] = [];
  const failed = new Set<KeyOp>();
  const positions = new Map<KeyOp, [number, number]>();
  subhistory.forEach((op, position) => {
    if (op.type === "invoke") {
      const keyOp: KeyOp = {
        invoke: op,
        completion: undefined,
        kind: OpKind.Read,
        a: undefined,
        b: undefined,
        ok: false,
      };
      open.set(op.process, keyOp);
      pairs.push(keyOp);
      positions.set(keyOp, [position, -1]);
      return;
    }
    const keyOp = open.get(op.process);
    if (!keyOp) return;
    open.delete(op.process);
    keyOp.completion = op;
    keyOp.ok = op.type === "ok";
    positions.get(keyOp)![1] = position;
    if (op.type === "fail") failed.add(keyOp);
  });
  const kept = pairs.filter((keyOp) => !failed.has(keyOp) && describeValue(keyOp));
  const ok = kept.filter((keyOp) => keyOp.ok);
  const crashed = kept.filter((keyOp) => !keyOp.ok);
  const ops = [...ok, ...crashed];
  return { key, ops, okCount: ok.length, events: eventOrder(ops, positions, subhistory.length) };
}

/** Fills kind, a and b from the op's f and (bare) values; false for an op the model cannot read. */
function describeValue(keyOp: KeyOp): boolean {
  const source = keyOp.ok ? keyOp.completion! : keyOp.invoke;
  const value = source.value ?? keyOp.invoke.value;
  switch (keyOp.invoke.f) {
    case "read":
      keyOp.kind = OpKind.Read;
      keyOp.a = value === null ? undefined : value;
      // A crashed read constrains nothing and changes nothing: Knossos can always place it last.
      return keyOp.ok;
    case "write":
      keyOp.kind = OpKind.Write;
      keyOp.a = value;
      return true;
    case "cas":
      if (!Array.isArray(value) || value.length !== 2) return false;
      keyOp.kind = OpKind.Cas;
      [keyOp.a, keyOp.b] = value as [unknown, unknown];
      return true;
    default:
      return false;
  }
}

/** Calls and ok returns in history order; crashed ops have a call only (their return is "never"). */
function eventOrder(ops: readonly KeyOp[], positions: Map<KeyOp, [number, number]>, length: number): number[] {
  // Each subhistory position holds at most one event: a call as id + 1, a return as ~id (< 0), 0 for none.
  const slots = new Int32Array(length);
  ops.forEach((keyOp, id) => {
    const [call, ret] = positions.get(keyOp)!;
    slots[call] = id + 1;
    if (keyOp.ok) slots[ret] = ~id;
  });
  const events: number[] = [];
  for (const slot of slots) if (slot !== 0) events.push(slot > 0 ? slot - 1 : slot);
  return events;
}
