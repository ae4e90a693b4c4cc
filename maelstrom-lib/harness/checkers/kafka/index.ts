/**
 * The kafka workload checker (Jepsen's `jepsen.tests.kafka/checker`, as Maelstrom runs it:
 * single micro-op txns, subscription by `assign` only, no ww inference).
 *
 * A pure function of the history. Every pass is linear in the number of polled pairs (plus a
 * sort of each key's distinct offsets), so a 20 s run at rate 1000 checks in well under a
 * second, whatever offsets the node hands out (Maelstrom issues #51, #98).
 */
import { isClientOp, OpPairing } from "../../contracts/history.ts";
import type { Op } from "../../contracts/types.ts";
import type { OpView, ValueKey } from "./history.ts";
import { isDataOp, opRef, valueKey, viewOf } from "./history.ts";
import type { KeyOrder } from "./orders.ts";
import { firstAndLastIndices, valuesBetween, versionOrders } from "./orders.ts";
import { type WorstLag, worstRealtimeLag } from "./lag.ts";

/** Error types that never invalidate a Maelstrom kafka test (Jepsen's `allowed-error-types`). */
export const ALLOWED_ERROR_TYPES: ReadonlySet<string> = new Set([
  "int-send-skip",
  "G0",
  "G0-process",
  "G0-realtime",
  "PL-1-cycle-exists",
  "strong-PL-1-cycle-exists",
]);

/** How many examples each error type keeps in results.json (counts stay exact). */
const MAX_EXAMPLES = 32;

type ErrorList = Record<string, unknown>[];

/** The examples kept of one error type, and how many there were. */
export type CondensedErrors = { count: number; errs: ErrorList };

/** Acknowledged messages never polled, per key, as of the last ok op. */
export type UnseenResult = { time: number; unseen: Record<string, number>; messages: Record<string, unknown[]> };

/** Jepsen's kafka checker result: the fixed keys, then one key per error type found. */
export type KafkaResult = {
  "valid?": boolean;
  "worst-realtime-lag": WorstLag;
  "bad-error-types": string[];
  "error-types": string[];
  "info-txn-causes": unknown[];
  unseen?: UnseenResult;
} & { [errorType: string]: unknown };
type KeyValues = Map<string, Map<ValueKey, unknown>>;

function addValue(into: KeyValues, key: string, value: unknown) {
  let values = into.get(key);
  if (!values) into.set(key, (values = new Map()));
  values.set(valueKey(value), value);
}

/** Everything the individual analyses share, computed once. */
interface Analysis {
  views: OpView[];
  orders: Map<string, KeyOrder>;
  inconsistentOffsets: ErrorList;
  duplicates: ErrorList;
  /** Messages returned by ok polls, per key. */
  okReads: KeyValues;
  /** Messages of failed sends, per key. */
  failedWrites: KeyValues;
  /** The completion that sent each message, per key (last one wins, as Jepsen's writer-of). */
  writerOf: Map<string, Map<ValueKey, Op>>;
  /** One ok poll that returned each message, per key. */
  readerOf: Map<string, Map<ValueKey, Op>>;
  invokeTimeOf: Map<Op, number>;
}

function mustHaveCommitted(okReads: KeyValues, view: OpView): boolean {
  if (view.op.type === "ok") return true;
  if (view.op.type !== "info") return false;
  return view.sends.some((send) => okReads.get(send.key)?.has(valueKey(send.value)) ?? false);
}

function analyzeHistory(history: readonly Op[]): Analysis {
  const views: OpView[] = [];
  const invokeTimeOf = new Map<Op, number>();
  const pairing = new OpPairing();
  for (const op of history) {
    const invocation = pairing.add(op);
    if (!invocation || !isClientOp(op)) continue;
    invokeTimeOf.set(op, invocation.time);
    if (isDataOp(op)) views.push(viewOf(op));
  }
  const okReads: KeyValues = new Map();
  const failedWrites: KeyValues = new Map();
  const writerOf = new Map<string, Map<ValueKey, Op>>();
  const readerOf = new Map<string, Map<ValueKey, Op>>();
  for (const view of views) {
    for (const send of view.sends) {
      let writers = writerOf.get(send.key);
      if (!writers) writerOf.set(send.key, (writers = new Map()));
      writers.set(valueKey(send.value), view.op);
      if (view.op.type === "fail") addValue(failedWrites, send.key, send.value);
    }
    if (view.op.type !== "ok") continue;
    for (const [key, pairs] of view.polls) {
      let readers = readerOf.get(key);
      if (!readers) readerOf.set(key, (readers = new Map()));
      for (const [, value] of pairs) {
        addValue(okReads, key, value);
        if (!readers.has(valueKey(value))) readers.set(valueKey(value), view.op);
      }
    }
  }
  const { orders, inconsistentOffsets, duplicates } = versionOrders(views, (view) => mustHaveCommitted(okReads, view));
  return { views, orders, inconsistentOffsets, duplicates, okReads, failedWrites, writerOf, readerOf, invokeTimeOf };
}

/** G1a: an ok poll returned a message whose send definitely failed. */
function g1aCases(a: Analysis): ErrorList {
  const errors: ErrorList = [];
  for (const view of a.views) {
    if (view.op.type !== "ok") continue;
    for (const [key, pairs] of view.polls) {
      const failed = a.failedWrites.get(key);
      if (!failed) continue;
      for (const [, value] of pairs) {
        if (!failed.has(valueKey(value))) continue;
        const writer = a.writerOf.get(key)?.get(valueKey(value));
        errors.push({ key, value, writer: writer && opRef(writer), reader: opRef(view.op) });
      }
    }
  }
  return errors;
}

/**
 * Lost writes: for each key, the highest index any ok poll reached bounds what must have been
 * read; a committed message at or below it that no ok poll returned was lost.
 */
function lostWriteCases(a: Analysis): ErrorList {
  const errors: ErrorList = [];
  for (const [key, read] of a.okReads) {
    const order = a.orders.get(key);
    if (!order) continue;
    const { firstIndex, lastIndex } = firstAndLastIndices(order);
    let bound = -1;
    for (const id of read.keys()) bound = Math.max(bound, firstIndex.get(id) ?? -1);
    for (const [id, last] of lastIndex) {
      if (last > bound || read.has(id)) continue;
      const writer = a.writerOf.get(key)?.get(id);
      if (!writer || !mustHaveCommitted(a.okReads, viewOf(writer))) continue;
      const maxReadValue = order.byIndex[bound];
      const maxRead = a.readerOf.get(key)?.get(valueKey(maxReadValue));
      errors.push({
        key,
        value: order.valuesAt.get(order.offsets[firstIndex.get(id)!]!)!.get(id),
        index: firstIndex.get(id),
        "max-read-index": bound,
        writer: opRef(writer),
        "max-read": maxRead && opRef(maxRead),
      });
    }
  }
  return errors;
}

/** Unseen: acknowledged sends that no ok poll ever returned, as of the end of the history. */
function unseenResult(a: Analysis): UnseenResult | undefined {
  const unseen: KeyValues = new Map();
  let time = 0;
  for (const view of a.views) {
    if (view.op.type !== "ok") continue;
    time = view.op.time;
    for (const send of view.sends) {
      if (!a.okReads.get(send.key)?.has(valueKey(send.value))) addValue(unseen, send.key, send.value);
    }
  }
  if (unseen.size === 0) return undefined;
  const keys = [...unseen.keys()].sort();
  const compare = (x: unknown, y: unknown) => (typeof x === "number" && typeof y === "number" ? x - y : 0);
  const sortedValues = (key: string) => [...unseen.get(key)!.values()].sort(compare);
  return {
    time,
    unseen: Object.fromEntries(keys.map((key) => [key, unseen.get(key)!.size])),
    messages: Object.fromEntries(keys.map((key) => [key, sortedValues(key).slice(0, MAX_EXAMPLES)])),
  };
}

/** Compares two reads' positions in a key's version order; unknown positions count as adjacent. */
function delta(order: KeyOrder | undefined, from: unknown, to: unknown): { delta: number; i: number; j: number } {
  const i = order?.indexOfValue.get(valueKey(from));
  const j = order?.indexOfValue.get(valueKey(to));
  if (i === undefined || j === undefined || from === undefined || to === undefined) return { delta: 1, i: -1, j: -1 };
  return { delta: j - i, i, j };
}

/** Skips and inversions inside single polls (int-poll-skip, int-nonmonotonic-poll). */
function internalPollCases(a: Analysis): { skip: ErrorList; nonmonotonic: ErrorList } {
  const skip: ErrorList = [];
  const nonmonotonic: ErrorList = [];
  for (const view of a.views) {
    for (const [key, pairs] of view.polls) {
      const order = a.orders.get(key);
      for (let n = 1; n < pairs.length; n++) {
        const values = [pairs[n - 1]![1], pairs[n]![1]];
        const d = delta(order, values[0], values[1]);
        if (d.delta > 1) {
          skip.push({ key, values, delta: d.delta, skipped: valuesBetween(order, d.i, d.j), op: opRef(view.op) });
        } else if (d.delta < 1) {
          nonmonotonic.push({ key, values, delta: d.delta, op: opRef(view.op) });
        }
      }
    }
  }
  return { skip, nonmonotonic };
}

/** Keeps only the per-key entries of keys an ok/info assign still assigns. */
function keepAssigned<T>(last: Map<string, T>, op: Op): Map<string, T> {
  if (op.type === "invoke" || op.type === "fail" || !Array.isArray(op.value)) return last;
  const kept = new Map<string, T>();
  for (const key of op.value) if (typeof key === "string" && last.has(key)) kept.set(key, last.get(key)!);
  return kept;
}

/** Ops grouped by process, in history order, for the per-process passes. */
function byProcess(history: readonly Op[]): Map<number | string, Op[]> {
  const groups = new Map<number | string, Op[]>();
  for (const op of history) {
    if (op.process === "nemesis" || op.type === "invoke") continue;
    const list = groups.get(op.process) ?? [];
    list.push(op);
    groups.set(op.process, list);
  }
  return groups;
}

/** Between successive ok polls of one process: poll-skip and nonmonotonic-poll. */
function externalPollCases(a: Analysis, groups: Map<number | string, Op[]>, viewOfOp: Map<Op, OpView>) {
  const skip: ErrorList = [];
  const nonmonotonic: ErrorList = [];
  for (const ops of groups.values()) {
    let lastReads = new Map<string, { op: Op; value: unknown }>();
    for (const op of ops) {
      if (op.f === "assign" || op.f === "subscribe") {
        lastReads = keepAssigned(lastReads, op);
        continue;
      }
      const view = viewOfOp.get(op);
      if (!view || view.polls.size === 0) continue;
      for (const [key, pairs] of view.polls) {
        const last = lastReads.get(key);
        if (last) {
          const order = a.orders.get(key);
          const d = delta(order, last.value, pairs[0]?.[1]);
          const ops = [opRef(last.op), opRef(op)];
          if (d.delta > 1) skip.push({ key, delta: d.delta, skipped: valuesBetween(order, d.i, d.j), ops });
          else if (d.delta < 1) nonmonotonic.push({ key, values: [last.value, pairs[0]![1]], delta: d.delta, ops });
        }
        // Only an ok poll moves the process on; a failed or crashed one leaves it where it was.
        if (op.type === "ok") lastReads.set(key, { op, value: pairs.length ? pairs[pairs.length - 1]![1] : undefined });
      }
    }
  }
  return { skip, nonmonotonic };
}

/** Successive sends of one process to a key must land at increasing positions. */
function nonmonotonicSendCases(a: Analysis, groups: Map<number | string, Op[]>, viewOfOp: Map<Op, OpView>) {
  const errors: ErrorList = [];
  for (const ops of groups.values()) {
    let lastSends = new Map<string, { op: Op; value: unknown }>();
    for (const op of ops) {
      if (op.type !== "ok" && op.type !== "info") continue;
      if (op.f === "assign" || op.f === "subscribe") {
        lastSends = keepAssigned(lastSends, op);
        continue;
      }
      const view = viewOfOp.get(op);
      if (!view) continue;
      for (const send of view.sends) {
        const last = lastSends.get(send.key);
        if (last) {
          const d = delta(a.orders.get(send.key), last.value, send.value);
          if (d.delta < 1) {
            errors.push({
              key: send.key,
              values: [last.value, send.value],
              delta: d.delta,
              ops: [opRef(last.op), opRef(op)],
            });
          }
        }
        lastSends.set(send.key, { op, value: send.value });
      }
    }
  }
  return errors;
}

/**
 * Cycles over wr and realtime edges. Sends only write and polls only read, so such a cycle
 * exists exactly when an ok poll returned a message before its send was even invoked.
 */
function futureReadCases(a: Analysis): ErrorList {
  const errors: ErrorList = [];
  for (const view of a.views) {
    if (view.op.type !== "ok") continue;
    for (const [key, pairs] of view.polls) {
      for (const [, value] of pairs) {
        const writer = a.writerOf.get(key)?.get(valueKey(value));
        if (!writer || writer === view.op) continue;
        const writerInvoked = a.invokeTimeOf.get(writer) ?? writer.time;
        if (view.op.time < writerInvoked) errors.push({ key, value, writer: opRef(writer), reader: opRef(view.op) });
      }
    }
  }
  return errors;
}

/** The examples kept per error type: most telling first, as Jepsen's `condense-error`. */
function condense(type: string, errors: ErrorList): CondensedErrors {
  const byDelta = (x: Record<string, unknown>, y: Record<string, unknown>) => (x.delta as number) - (y.delta as number);
  let sorted = errors;
  if (type.endsWith("skip")) sorted = [...errors].sort(byDelta).reverse();
  else if (type.includes("nonmonotonic")) sorted = [...errors].sort(byDelta);
  else if (type === "duplicate") sorted = [...errors].sort((x, y) => (y.count as number) - (x.count as number));
  return { count: errors.length, errs: sorted.slice(0, MAX_EXAMPLES) };
}

/** Checks a kafka history; the result has Maelstrom's `:workload` keys for this workload. */
export function checkKafka(history: readonly Op[]): KafkaResult {
  const a = analyzeHistory(history);
  const viewOfOp = new Map(a.views.map((view) => [view.op, view]));
  const groups = byProcess(history);
  const internal = internalPollCases(a);
  const external = externalPollCases(a, groups, viewOfOp);
  const lists: Record<string, ErrorList> = {
    duplicate: a.duplicates,
    "inconsistent-offsets": a.inconsistentOffsets,
    "int-poll-skip": internal.skip,
    "int-nonmonotonic-poll": internal.nonmonotonic,
    G1a: g1aCases(a),
    "G1c-realtime": futureReadCases(a),
    "lost-write": lostWriteCases(a),
    "nonmonotonic-poll": external.nonmonotonic,
    "nonmonotonic-send": nonmonotonicSendCases(a, groups, viewOfOp),
    "poll-skip": external.skip,
  };
  const errors: Record<string, unknown> = {};
  for (const [type, list] of Object.entries(lists)) if (list.length) errors[type] = condense(type, list);
  const unseen = unseenResult(a);
  if (unseen) errors.unseen = unseen;
  const errorTypes = Object.keys(errors).sort();
  const badErrorTypes = errorTypes.filter((type) => !ALLOWED_ERROR_TYPES.has(type));
  const infoCauses = new Map<string, unknown>();
  for (const view of a.views)
    if (view.op.type === "info") infoCauses.set(JSON.stringify(view.op.error ?? null), view.op.error ?? null);
  return {
    "valid?": badErrorTypes.length === 0,
    "worst-realtime-lag": worstRealtimeLag(history, viewOfOp, a.invokeTimeOf),
    "bad-error-types": badErrorTypes,
    "error-types": errorTypes,
    "info-txn-causes": [...infoCauses.values()],
    ...errors,
  };
}
