/**
 * List-append anomalies visible without the dependency graph (Elle's elle/list_append.clj and
 * elle/txn.clj): aborted reads (G1a), intermediate reads (G1b), reads inconsistent with the
 * txn's own earlier reads and appends (internal), reads of an element the txn appends later
 * (future-read, which only Elle 0.2 looks for), and committed txns that read the same state of
 * a key and both appended to it (lost-update).
 */
import { lastOf, mopsOf } from "./list-append-history.ts";
import { type ListAppendCases, pushCase, show } from "./list-append-versions.ts";
import { type Txn, txnName, txnSummary } from "./txns.ts";

/** G1a: an ok read containing an element appended only by a failed txn. */
export function abortedReads(txns: readonly Txn[], cases: ListAppendCases): void {
  const failed = new Map<unknown, Map<unknown, Txn>>();
  for (const txn of txns) {
    if (txn.status !== "fail") continue;
    for (const [f, key, value] of mopsOf(txn))
      if (f === "append") failed.set(key, (failed.get(key) ?? new Map()).set(value, txn));
  }
  if (failed.size === 0) return;
  for (const txn of txns) {
    if (txn.status !== "ok") continue;
    for (const mop of mopsOf(txn)) {
      if (mop[0] !== "r" || !mop[2]) continue;
      for (const element of mop[2]) {
        const writer = failed.get(mop[1])?.get(element);
        if (!writer) continue;
        pushCase(cases, "G1a", {
          op: txnSummary(txn),
          mop,
          writer: txnSummary(writer),
          element,
          explanation:
            `${txnName(txn)} read key ${show(mop[1])} = ${show(mop[2])}, which holds ${show(element)}, ` +
            `appended by ${txnName(writer)}, which aborted`,
        });
      }
    }
  }
}

/** G1b: an ok read whose last element another txn appended and then appended past within itself. */
export function intermediateReads(txns: readonly Txn[], cases: ListAppendCases): void {
  const intermediate = new Map<unknown, Map<unknown, Txn>>();
  for (const txn of txns) {
    const lastAppend = new Map<unknown, unknown>();
    for (const [f, key, value] of mopsOf(txn)) {
      if (f !== "append") continue;
      if (lastAppend.has(key))
        intermediate.set(key, (intermediate.get(key) ?? new Map()).set(lastAppend.get(key), txn));
      lastAppend.set(key, value);
    }
  }
  if (intermediate.size === 0) return;
  for (const txn of txns) {
    if (txn.status !== "ok") continue;
    for (const mop of mopsOf(txn)) {
      if (mop[0] !== "r") continue;
      const element = lastOf(mop[2]);
      const writer = intermediate.get(mop[1])?.get(element);
      if (!writer || writer === txn) continue;
      pushCase(cases, "G1b", {
        op: txnSummary(txn),
        mop,
        writer: txnSummary(writer),
        element,
        explanation:
          `${txnName(txn)} read key ${show(mop[1])} = ${show(mop[2])}, ending in ${show(element)}, an ` +
          `intermediate state: ${txnName(writer)} appended more to that key in the same txn`,
      });
    }
  }
}

/** What a txn knows of a key: a full list, a suffix after an unknown prefix, or a nil read. */
type KeyState = { prefixKnown: boolean; list: unknown[] } | "nil";

/**
 * Elle's op-int-case: the first read that disagrees with what the txn's earlier reads and
 * appends of that key say. After a nil read Elle 0.1.6 compares nothing (`(and s …)`), while
 * Elle 0.2 compares the next read with nil (`comparesNil`); an append after it starts a list.
 */
function internalCase(txn: Txn, comparesNil: boolean): Record<string, unknown> | undefined {
  const expected = new Map<unknown, KeyState>();
  for (const mop of mopsOf(txn)) {
    const [f, key, value] = mop;
    const state = expected.get(key);
    if (f === "append") {
      const before = state === "nil" ? { prefixKnown: true, list: [] } : state;
      expected.set(key, { prefixKnown: before?.prefixKnown ?? false, list: [...(before?.list ?? []), value] });
      continue;
    }
    if (state !== undefined && disagrees(state, value, comparesNil)) {
      return { op: txnSummary(txn), mop, expected: shownState(state) };
    }
    expected.set(key, value === null ? "nil" : { prefixKnown: true, list: [...value] });
  }
  return undefined;
}

function shownState(state: KeyState): unknown {
  if (state === "nil") return null;
  return state.prefixKnown ? state.list : ["...", ...state.list];
}

function disagrees(state: KeyState, value: readonly unknown[] | null, comparesNil: boolean): boolean {
  if (state === "nil") return comparesNil && value !== null;
  const read = value ?? [];
  const { prefixKnown, list } = state;
  if (prefixKnown) return !(list.length === read.length && list.every((e, i) => e === read[i]));
  return !(read.length >= list.length && list.every((e, i) => e === read[read.length - list.length + i]));
}

/**
 * internal: per ok txn, the first read inconsistent with its own earlier reads and appends,
 * as Elle 0.1.6 sees it; `newer` gets the txns only Elle 0.2, comparing nil reads, flags.
 */
export function internalInconsistencies(txns: readonly Txn[], cases: ListAppendCases, newer: ListAppendCases): void {
  for (const txn of txns) {
    if (txn.status !== "ok") continue;
    const seenByOld = internalCase(txn, false);
    const found = seenByOld ?? internalCase(txn, true);
    if (!found) continue;
    const [, key, value] = found.mop as [string, unknown, unknown];
    pushCase(seenByOld ? cases : newer, "internal", {
      ...found,
      explanation:
        `${txnName(txn)} read key ${show(key)} = ${show(value)}, ` +
        `but its own earlier reads and appends say it should be ${show(found.expected)}`,
    });
  }
}

/** future-read (Elle 0.2's op-future-read-case): an ok txn read an element it appends only later. */
export function futureReads(txns: readonly Txn[], cases: ListAppendCases): void {
  for (const txn of txns) {
    if (txn.status !== "ok") continue;
    const readBy = new Map<unknown, Map<unknown, readonly unknown[]>>();
    for (const mop of mopsOf(txn)) {
      const [f, key, value] = mop;
      if (f === "r") {
        const elements = readBy.get(key) ?? new Map();
        for (const element of value ?? []) if (!elements.has(element)) elements.set(element, mop);
        readBy.set(key, elements);
        continue;
      }
      const read = readBy.get(key)?.get(value);
      if (!read) continue;
      pushCase(cases, "future-read", {
        op: txnSummary(txn),
        mop: read,
        element: value,
        explanation: `${txnName(txn)} read ${show(value)} in key ${show(key)} before appending it itself`,
      });
      break;
    }
  }
}

/** lost-update (elle/txn.clj lost-update-cases): ok txns that read one state of a key and then appended to it. */
export function lostUpdates(txns: readonly Txn[], cases: ListAppendCases): void {
  const byRead = new Map<unknown, Map<string, { value: unknown; txns: Txn[] }>>();
  for (const txn of txns) {
    if (txn.status !== "ok") continue;
    const firstRead = new Map<unknown, unknown>();
    const wrote = new Set<unknown>();
    for (const [f, key, value] of mopsOf(txn)) {
      if (f === "append" && !wrote.has(key)) {
        if (!firstRead.has(key)) continue;
        wrote.add(key);
        const groups = byRead.get(key) ?? new Map();
        const read = firstRead.get(key);
        const group = groups.get(show(read)) ?? { value: read, txns: [] };
        group.txns.push(txn);
        byRead.set(key, groups.set(show(read), group));
      } else if (!firstRead.has(key)) {
        firstRead.set(key, value);
      }
    }
  }
  for (const [key, groups] of byRead) {
    for (const { value, txns: group } of groups.values()) {
      if (group.length < 2) continue;
      pushCase(cases, "lost-update", {
        key,
        value,
        txns: group.map(txnSummary),
        explanation:
          `${group.map(txnName).join(", ")} all read key ${show(key)} = ${show(value)} and then ` +
          `appended to it: all but one of those updates is lost`,
      });
    }
  }
}
