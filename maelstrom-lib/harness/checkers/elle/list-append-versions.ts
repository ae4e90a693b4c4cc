/**
 * What list-append reads say about version order (Elle's elle/list_append.clj): every read
 * of a key is a prefix of the key's final list, so the longest read orders every append it
 * contains. From that order come the ww, wr and rw dependencies, and the anomalies of the
 * order itself: reads that are not prefixes of one another (incompatible-order), elements
 * read twice (duplicate-elements), and committed appends on top of aborted ones (dirty-update).
 */
import { type DependencyGraph, Rel } from "./graph.ts";
import { lastOf, mopsOf } from "./list-append-history.ts";
import { type Txn, txnName, txnSummary } from "./txns.ts";

/** One anomaly instance: Elle's fields plus a sentence. */
export type ListAppendCase = Record<string, unknown> & { explanation: string };
/** Cases by anomaly type. */
export type ListAppendCases = Map<string, ListAppendCase[]>;

export function pushCase(cases: ListAppendCases, type: string, anomaly: ListAppendCase): void {
  const list = cases.get(type);
  if (list) list.push(anomaly);
  else cases.set(type, [anomaly]);
}

export const show = (value: unknown): string => JSON.stringify(value);

/** Stands for the initial (nil, empty) state of a key in read and append indexes. */
export const INIT = Symbol("initial state");
type Element = unknown;

/** Per key, an element → something map. */
type PerKey<V> = Map<unknown, Map<Element, V>>;

function perKey<V>(map: PerKey<V>, key: unknown): Map<Element, V> {
  let inner = map.get(key);
  if (!inner) map.set(key, (inner = new Map()));
  return inner;
}

/**
 * Elle's sorted-values: per key, the distinct non-empty lists read, shortest first. A key
 * appended exactly once (across these txns) is known to have been [element], whatever was read.
 */
export function sortedValues(txns: readonly Txn[], singleAppends: boolean): Map<unknown, unknown[][]> {
  const reads = new Map<unknown, Map<string, unknown[]>>();
  const appendCount = new Map<unknown, { count: number; element: Element }>();
  for (const txn of txns) {
    for (const [f, key, value] of mopsOf(txn)) {
      if (f === "r") {
        if (value && value.length > 0) perKey(reads as PerKey<unknown[]>, key).set(JSON.stringify(value), value);
      } else {
        const seen = appendCount.get(key);
        appendCount.set(key, { count: (seen?.count ?? 0) + 1, element: value });
      }
    }
  }
  const sorted = new Map<unknown, unknown[][]>();
  for (const [key, lists] of reads)
    sorted.set(
      key,
      [...lists.values()].sort((a, b) => a.length - b.length),
    );
  if (singleAppends) for (const [key, { count, element }] of appendCount) if (count === 1) sorted.set(key, [[element]]);
  return sorted;
}

function isPrefix(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length <= b.length && a.every((element, i) => element === b[i]);
}

/** Keys whose reads, sorted by length, are not each a prefix of the next (Elle reports the first such pair). */
export function incompatibleOrders(sorted: Map<unknown, unknown[][]>, cases: ListAppendCases): void {
  for (const [key, values] of sorted) {
    for (let i = 0; i + 1 < values.length; i++) {
      const [a, b] = [values[i]!, values[i + 1]!];
      if (isPrefix(a, b)) continue;
      pushCase(cases, "incompatible-order", {
        key,
        values: [a, b],
        explanation:
          `key ${show(key)} was read as ${show(a)} and as ${show(b)}; neither list extends the other, ` +
          `so no single order of appends explains both`,
      });
      break;
    }
  }
}

/** Reads that contain an element more than once (each element is appended once). */
export function duplicateElements(txns: readonly Txn[], cases: ListAppendCases): void {
  for (const txn of txns) {
    for (const mop of mopsOf(txn)) {
      if (mop[0] !== "r" || !mop[2]) continue;
      const counts = new Map<Element, number>();
      for (const element of mop[2]) counts.set(element, (counts.get(element) ?? 0) + 1);
      const duplicates = [...counts].filter(([, n]) => n > 1);
      if (duplicates.length === 0) continue;
      pushCase(cases, "duplicate-elements", {
        op: txnSummary(txn),
        mop,
        duplicates: Object.fromEntries(duplicates.map(([element, n]) => [String(element), n])),
        explanation:
          `${txnName(txn)} read key ${show(mop[1])} = ${show(mop[2])}, which ` +
          `holds ${duplicates.map(([e, n]) => `${show(e)} ${n} times`).join(", ")}; every element is appended once`,
      });
    }
  }
}

/**
 * Per key, the version order (Elle's append-index: the distinct elements of the longest read) and each element's
 * position.
 */
export interface VersionOrder {
  values: Map<unknown, Element[]>;
  position: PerKey<number>;
}

export function versionOrder(sorted: Map<unknown, unknown[][]>): VersionOrder {
  const values = new Map<unknown, Element[]>();
  const position: PerKey<number> = new Map();
  for (const [key, lists] of sorted) {
    const order = [...new Set(lists[lists.length - 1])];
    values.set(key, order);
    const positions = perKey(position, key);
    order.forEach((element, i) => positions.set(element, i));
  }
  return { values, position };
}

/** Per key, who appended each element (Elle's write-index). */
export function writeIndex(txns: readonly Txn[]): PerKey<Txn> {
  const index: PerKey<Txn> = new Map();
  for (const txn of txns)
    for (const [f, key, value] of mopsOf(txn)) if (f === "append") perKey(index, key).set(value, txn);
  return index;
}

/** Per key, who read a state ending in each element (INIT for nil and []); info txns' nil reads say nothing. */
export function readIndex(txns: readonly Txn[]): PerKey<Txn[]> {
  const index: PerKey<Txn[]> = new Map();
  for (const txn of txns) {
    for (const [f, key, value] of mopsOf(txn)) {
      if (f !== "r" || (txn.status === "info" && value === null)) continue;
      const last = value && value.length > 0 ? lastOf(value) : INIT;
      const readers = perKey(index, key);
      const list = readers.get(last);
      if (list) list.push(txn);
      else readers.set(last, [txn]);
    }
  }
  return index;
}

/**
 * The element appended just before `element` on `key`; an append never read follows the last element read (or INIT).
 */
export function previousElement(order: VersionOrder, key: unknown, element: Element): Element | typeof INIT {
  const values = order.values.get(key) ?? [];
  const at = order.position.get(key)?.get(element);
  if (at === undefined) return values.length > 0 ? values[values.length - 1] : INIT;
  return at > 0 ? values[at - 1] : INIT;
}

/** Everything the dependency linking and the edge explanations need. */
export interface Indexes {
  order: VersionOrder;
  writers: PerKey<Txn>;
  readers: PerKey<Txn[]>;
}

/** Elle's ww, wr and rw graphs over the committed and indeterminate txns. */
export function linkDependencies(
  graph: DependencyGraph,
  txns: readonly Txn[],
  { order, writers, readers }: Indexes,
): void {
  for (const txn of txns) {
    for (const [f, key, value] of mopsOf(txn)) {
      if (f === "r") {
        const writer = value && value.length > 0 ? writers.get(key)?.get(lastOf(value)) : undefined;
        if (writer && writer !== txn) graph.link(writer.id, txn.id, Rel.wr);
        continue;
      }
      const previous = previousElement(order, key, value);
      if (previous !== INIT) {
        const writer = writers.get(key)?.get(previous);
        if (writer && writer !== txn) graph.link(writer.id, txn.id, Rel.ww);
      }
      for (const reader of readers.get(key)?.get(previous) ?? [])
        if (reader !== txn) graph.link(reader.id, txn.id, Rel.rw);
    }
  }
}

/**
 * Elle's dirty-update: walking each key's version order, a committed append directly on top
 * of an aborted one (indeterminate appends in between are skipped over, as Elle does).
 */
export function dirtyUpdates(order: VersionOrder, writers: PerKey<Txn>, cases: ListAppendCases): void {
  for (const [key, values] of order.values) {
    let previous: Txn | undefined; // undefined: the initial state, which is committed
    let versions: Element[] = [];
    for (const element of values) {
      const writer = writers.get(key)?.get(element);
      if (!writer) continue; // garbage elements are rejected before the analysis
      const before = previous?.status ?? "ok";
      if (writer.status === "info") {
        versions.push(element);
        continue;
      }
      if (before === "fail" && writer.status === "ok") {
        pushCase(cases, "dirty-update", {
          key,
          values: [...versions, element],
          txns: [txnSummary(previous!), "...", txnSummary(writer)],
          explanation:
            `${txnName(writer)} appended ${show(element)} to key ${show(key)} on top ` +
            `of ${show(versions[0])}, appended by ${txnName(previous!)}, which aborted`,
        });
      }
      if (before === "fail" && writer.status === "fail") {
        versions.push(element);
        continue;
      }
      previous = writer;
      versions = [element];
    }
  }
}

/** A read element no txn ever appended to that key (Elle's dirty-update asserts on it and the check fails). */
export function garbageReadError(txns: readonly Txn[], writers: PerKey<Txn>): string | undefined {
  for (const txn of txns) {
    if (txn.status !== "ok") continue;
    for (const [f, key, value] of mopsOf(txn)) {
      if (f !== "r" || !value) continue;
      const missing = value.find((element) => !writers.get(key)?.has(element));
      if (missing !== undefined)
        return (
          `${txnName(txn)} read key ${show(key)} = ${show(value)}, but no txn ever appended ${show(missing)} ` +
          `to key ${show(key)}`
        );
    }
  }
  return undefined;
}
