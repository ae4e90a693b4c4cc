/**
 * Per-key version orders for the kafka checker (Jepsen's `version-orders`).
 *
 * Every `[offset, msg]` the history proves existed goes into its key's log: those of ok sends,
 * of info sends whose message some ok poll returned, and of all polls. Offsets are kept
 * sparse (a sorted list of the offsets seen), not as a vector indexed by offset as Jepsen
 * does, so a node that hands out offsets like 2^40 costs nothing (Maelstrom issue #51).
 * Indices are the dense positions of the seen offsets.
 */
import type { OpView, ValueKey } from "./history.ts";
import { valueKey } from "./history.ts";

/** One key's log as observed: offsets in order and the messages seen at each. */
export interface KeyOrder {
  /** Distinct observed offsets, ascending; index i of the version order is offsets[i]. */
  offsets: number[];
  /** Messages seen per observed offset (more than one is an inconsistency). */
  valuesAt: Map<number, Map<ValueKey, unknown>>;
  /** The representative message per index (the first seen at that offset). */
  byIndex: unknown[];
  /** Index of each representative message (its last index, if it appears more than once). */
  indexOfValue: Map<ValueKey, number>;
}

/** Version orders and the offset conflicts found while building them. */
export interface VersionOrders {
  orders: Map<string, KeyOrder>;
  inconsistentOffsets: Record<string, unknown>[];
  duplicates: Record<string, unknown>[];
}

function record(logs: Map<string, Map<number, Map<ValueKey, unknown>>>, key: string, offset: number, value: unknown) {
  let log = logs.get(key);
  if (!log) logs.set(key, (log = new Map()));
  let values = log.get(offset);
  if (!values) log.set(offset, (values = new Map()));
  const id = valueKey(value);
  if (!values.has(id)) values.set(id, value);
}

/**
 * Builds the version order of every key. `mustHaveCommitted` says whether a send's effects
 * are proven (ok, or info with a message some ok poll returned).
 */
export function versionOrders(views: readonly OpView[], mustHaveCommitted: (view: OpView) => boolean): VersionOrders {
  const logs = new Map<string, Map<number, Map<ValueKey, unknown>>>();
  for (const view of views) {
    for (const [key, pairs] of view.polls) for (const [offset, value] of pairs) record(logs, key, offset, value);
    if (view.sends.length === 0 || !mustHaveCommitted(view)) continue;
    for (const send of view.sends) if (send.offset !== undefined) record(logs, send.key, send.offset, send.value);
  }
  const orders = new Map<string, KeyOrder>();
  const inconsistentOffsets: Record<string, unknown>[] = [];
  const duplicates: Record<string, unknown>[] = [];
  for (const [key, log] of logs) {
    const offsets = [...log.keys()].sort((a, b) => a - b);
    const byIndex: unknown[] = [];
    const indexOfValue = new Map<ValueKey, number>();
    const offsetsOfValue = new Map<ValueKey, { value: unknown; offsets: number[] }>();
    offsets.forEach((offset, index) => {
      const values = log.get(offset)!;
      const [firstId, firstValue] = values.entries().next().value!;
      byIndex.push(firstValue);
      indexOfValue.set(firstId, index);
      if (values.size > 1) inconsistentOffsets.push({ key, offset, index, values: [...values.values()] });
      for (const [id, value] of values) {
        const seen = offsetsOfValue.get(id);
        if (seen) seen.offsets.push(offset);
        else offsetsOfValue.set(id, { value, offsets: [offset] });
      }
    });
    for (const { value, offsets: at } of offsetsOfValue.values()) {
      if (at.length > 1) duplicates.push({ key, value, count: at.length, offsets: at });
    }
    orders.set(key, { offsets, valuesAt: log, byIndex, indexOfValue });
  }
  return { orders, inconsistentOffsets, duplicates };
}

/**
 * For lost-write analysis: each message's earliest index, and for each index the messages
 * whose last appearance is there (Jepsen's `log->value->first-index` / `last-index->values`).
 */
export function firstAndLastIndices(order: KeyOrder): {
  firstIndex: Map<ValueKey, number>;
  lastIndex: Map<ValueKey, number>;
} {
  const firstIndex = new Map<ValueKey, number>();
  const lastIndex = new Map<ValueKey, number>();
  order.offsets.forEach((offset, index) => {
    for (const id of order.valuesAt.get(offset)!.keys()) {
      if (!firstIndex.has(id)) firstIndex.set(id, index);
      lastIndex.set(id, index);
    }
  });
  return { firstIndex, lastIndex };
}

/** The representative messages strictly between two indices, at most `limit` of them. */
export function valuesBetween(order: KeyOrder | undefined, fromIndex: number, toIndex: number, limit = 32): unknown[] {
  if (!order) return [];
  const out: unknown[] = [];
  for (let i = fromIndex + 1; i < toIndex && out.length < limit; i++) out.push(order.byIndex[i]);
  return out;
}
