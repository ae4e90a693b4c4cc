/**
 * Knossos' cas-register model (knossos/model.clj `cas-register`), compiled for the search:
 * values are interned to small integers so a model state is one number. State 0 is nil, the
 * register before any write. A read of nil (a crashed read, or a reply of null) matches any
 * state, as in Knossos; a cas applies only when the register holds `from`.
 */
import { canonical, OpKind, type KeyOp } from "./history.ts";

/** The register before any write (Knossos' `(cas-register)` starts at nil). */
export const NIL_STATE = 0;
/** What `step` returns for an op the state does not allow (Knossos' `inconsistent`). */
export const INCONSISTENT = -1;
/** Operand of a read of nil: matches every state. */
const ANY = -2;

/** One key's ops as flat arrays, for a fast step function. */
export interface CompiledModel {
  kind: Uint8Array;
  a: Int32Array;
  b: Int32Array;
  /** The register's value for a state number (index 0 is nil). */
  values: unknown[];
}

/** Interns every value the ops mention (by canonical JSON, as Clojure `=` compares them). */
export function compile(ops: readonly KeyOp[]): CompiledModel {
  const ids = new Map<string, number>([["null", NIL_STATE]]);
  const values: unknown[] = [null];
  const intern = (value: unknown): number => {
    const name = canonical(value);
    let id = ids.get(name);
    if (id === undefined) {
      id = values.length;
      ids.set(name, id);
      values.push(value);
    }
    return id;
  };
  const kind = new Uint8Array(ops.length);
  const a = new Int32Array(ops.length);
  const b = new Int32Array(ops.length);
  ops.forEach((op, i) => {
    kind[i] = op.kind;
    a[i] = op.kind === OpKind.Read && op.a === undefined ? ANY : intern(op.a);
    b[i] = op.kind === OpKind.Cas ? intern(op.b) : 0;
  });
  return { kind, a, b, values };
}

/** True for op `i` if it never changes the state, wherever it is placed: a read, or a cas from x to x. */
export function isReadOnly(model: CompiledModel, i: number): boolean {
  return model.kind[i] === OpKind.Read || (model.kind[i] === OpKind.Cas && model.a[i] === model.b[i]);
}

/** The state after op `i` from `state`, or INCONSISTENT. */
export function step(model: CompiledModel, state: number, i: number): number {
  switch (model.kind[i]) {
    case OpKind.Read: {
      const read = model.a[i]!;
      return read === ANY || read === state ? state : INCONSISTENT;
    }
    case OpKind.Write:
      return model.a[i]!;
    default:
      return model.a[i] === state ? model.b[i]! : INCONSISTENT;
  }
}

/** The model as Knossos prints it: `{value: v}`. */
export function renderState(model: CompiledModel, state: number): { value: unknown } {
  return { value: model.values[state] };
}

/** Knossos' message for an op the state does not allow. */
export function inconsistencyMessage(op: KeyOp, current: unknown): string {
  const show = (value: unknown) => (value === undefined || value === null ? "nil" : canonical(value));
  if (op.kind === OpKind.Cas) return `can't CAS ${show(current)} from ${show(op.a)} to ${show(op.b)}`;
  return `can't read ${show(op.a)} from register ${show(current)}`;
}
