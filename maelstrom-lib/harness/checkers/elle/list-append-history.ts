/**
 * Txn-list-append histories as Elle's list-append reads them: micro-ops are reads
 * `["r", k, list]` and appends `["append", k, element]`; the executed txn is the node's reply
 * (for ok txns) or the request (info and fail). Also the sanity checks Elle makes before any
 * analysis (verify-mop-types, verify-unique-appends, type sanity): a history that fails them
 * cannot be analyzed, and the result is unknown.
 */
import type { Op } from "../../contracts/types.ts";
import type { Txn } from "./txns.ts";

/** A list-append micro-op as executed. */
export type AppendMop = readonly ["r", unknown, unknown[] | null] | readonly ["append", unknown, unknown];

/** The micro-ops of a txn (collectTxns pairs ops generically; the mop shapes are checked by `historyError`). */
export function mopsOf(txn: Txn): readonly AppendMop[] {
  return txn.mops as unknown as readonly AppendMop[];
}

/** The last element of a read list, or undefined for nil and []. */
export function lastOf(list: readonly unknown[] | null): unknown {
  return list && list.length > 0 ? list[list.length - 1] : undefined;
}

function isMop(mop: unknown): boolean {
  if (!Array.isArray(mop) || mop.length !== 3) return false;
  return mop[0] === "append" || (mop[0] === "r" && (mop[2] === null || Array.isArray(mop[2])));
}

/** Why the history cannot be analyzed, or undefined: bad mops, an element appended twice to a key, mixed key types. */
export function historyError(history: readonly Op[]): string | undefined {
  const appended = new Map<unknown, Set<unknown>>();
  const keyTypes = new Set<string>();
  for (const op of history) {
    if (op.f !== "txn" || op.process === "nemesis" || op.value === null || op.value === undefined) continue;
    if (!Array.isArray(op.value) || !op.value.every(isMop)) {
      return `op ${op.index}: history contained operations other than appends or reads: ${JSON.stringify(op.value)}`;
    }
    for (const [f, key, value] of op.value as AppendMop[]) {
      keyTypes.add(typeof key === "number" && !Number.isInteger(key) ? "float" : typeof key);
      if (op.type !== "invoke" || f !== "append") continue;
      const values = appended.get(key) ?? new Set();
      if (values.has(value))
        return `value ${JSON.stringify(value)} appended to key ${JSON.stringify(key)} multiple times! (op ${op.index})`;
      appended.set(key, values.add(value));
    }
  }
  if (keyTypes.size > 1)
    return `history mixes key types (${[...keyTypes].join(", ")}); keys must be echoed exactly as sent`;
  return undefined;
}

/** For each txn id, the history index of its invocation (Elle's realtime explanations cite it). */
export function invokeIndices(history: readonly Op[], txns: readonly Txn[]): Map<number, number> {
  const invokeOf = new Map<number, number>();
  const pending = new Map<Op["process"], number>();
  for (const op of history) {
    if (op.f !== "txn" || op.process === "nemesis") continue;
    if (op.type === "invoke") pending.set(op.process, op.index);
    else if (pending.has(op.process)) {
      invokeOf.set(op.index, pending.get(op.process)!);
      pending.delete(op.process);
    }
  }
  // A txn that never completed is indexed by its invocation already.
  return new Map(txns.map((txn) => [txn.id, invokeOf.get(txn.index) ?? txn.index]));
}
