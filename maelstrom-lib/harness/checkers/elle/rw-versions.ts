/**
 * What a read/write-register history says about the order of versions, and the anomalies
 * visible without any cycle search.
 *
 * Version order: every key starts at nil, which precedes every written value; inside one
 * committed transaction, writes follow reads. Elle's rw-register (as Maelstrom runs it, with
 * `:wfr-keys?`) orders only each transaction's external read of a key before its final write
 * of it ("external"). Ordering each write after the version the transaction last saw — the
 * value it read, or its own previous write — ("every-version") also orders the interleaved
 * writes of Maelstrom issue #56, where two transactions overwrite each other's uncommitted
 * values (G0) without Elle noticing.
 *
 * The external reading is Elle's in the graph too: only committed txns' final writes and
 * external reads (a txn's first read of a key it has not written) take part, as in its
 * ext-index, and it reports neither garbage reads nor dirty updates, which Elle's rw-register
 * does not look for.
 */
import { DependencyGraph, Rel } from "./graph.ts";
import { type Txn, type WriteRef, txnName, txnSummary } from "./txns.ts";

/** One reported instance of an anomaly: the txns involved and a sentence saying why. */
export type AnomalyCase = Record<string, unknown> & { explanation: string };

/** Anomaly cases by type, in the order found. */
export type CaseMap = Map<string, AnomalyCase[]>;

/** Per key: each version → the versions known to directly follow it (nil excluded). */
type VersionOrder = Map<unknown, Map<unknown, Set<unknown>>>;
/** Per key: each value (nil included) → the committed txns that read it. */
type ReadIndex = Map<unknown, Map<unknown, Set<Txn>>>;

function push(cases: CaseMap, type: string, anomaly: AnomalyCase): void {
  const list = cases.get(type);
  if (list) list.push(anomaly);
  else cases.set(type, [anomaly]);
}

function show(value: unknown): string {
  return JSON.stringify(value);
}

function nestedSet<K1, K2, V>(map: Map<K1, Map<K2, Set<V>>>, k1: K1, k2: K2): Set<V> {
  let inner = map.get(k1);
  if (!inner) map.set(k1, (inner = new Map()));
  let set = inner.get(k2);
  if (!set) inner.set(k2, (set = new Set()));
  return set;
}

/** Which writes-follow-reads edges a txn contributes to the version order (see the module comment). */
export type VersionInference = "external" | "every-version";

/**
 * Walks every committed txn once: infers version-order edges, indexes reads, and records
 * lost updates.
 */
export function inferVersions(
  txns: readonly Txn[],
  cases: CaseMap,
  inference: VersionInference = "every-version",
): { order: VersionOrder; reads: ReadIndex; externalReads: ReadIndex } {
  const order: VersionOrder = new Map();
  const reads: ReadIndex = new Map();
  const externalReads: ReadIndex = new Map();
  // key → value read before any write → txns that then wrote the key (lost-update candidates).
  const readThenWrote = new Map<unknown, Map<unknown, Set<Txn>>>();
  for (const txn of txns) {
    if (txn.status !== "ok") continue;
    const lastSeen = new Map<unknown, { value: unknown }>();
    const externalRead = new Map<unknown, unknown>();
    const finalWrite = new Map<unknown, unknown>();
    for (const mop of txn.mops) {
      const [f, key, value] = mop;
      const previous = lastSeen.get(key);
      if (f === "r") {
        nestedSet(reads, key, value).add(txn);
        if (!previous) {
          externalRead.set(key, value);
          nestedSet(externalReads, key, value).add(txn);
        }
      } else {
        const follows =
          inference === "every-version" && previous !== undefined && previous.value !== value && value !== null;
        if (follows) nestedSet(order, key, previous.value).add(value);
        if (!finalWrite.has(key) && externalRead.has(key))
          nestedSet(readThenWrote, key, externalRead.get(key)).add(txn);
        finalWrite.set(key, value);
      }
      lastSeen.set(key, { value });
    }
    if (inference === "external") linkExternalReadToFinalWrite(order, externalRead, finalWrite);
  }
  for (const [key, byValue] of readThenWrote) {
    for (const [value, writers] of byValue) {
      if (writers.size < 2) continue;
      const names = [...writers].map(txnName).join(", ");
      push(cases, "lost-update", {
        key,
        value,
        txns: [...writers].map(txnSummary),
        explanation:
          `${names} all read key ${show(key)} = ${show(value)} and then wrote it; all but one update is ` + `lost`,
      });
    }
  }
  return { order, reads, externalReads };
}

/**
 * internal (Elle's op-internal-case): per ok txn, the first read that differs from the value
 * the txn last read or wrote of that key. Elle 0.1.6, which Maelstrom 0.2.3 runs, skips a nil
 * state (`(and s …)`); Elle 0.2 compares it, so a txn only that flags goes to `newer`.
 */
export function internalInconsistencies(txns: readonly Txn[], cases: CaseMap, newer: CaseMap): void {
  for (const txn of txns) {
    if (txn.status !== "ok") continue;
    const seenByOld = internalCase(txn, false);
    const found = seenByOld ?? internalCase(txn, true);
    if (found) push(seenByOld ? cases : newer, "internal", found);
  }
}

function internalCase(txn: Txn, comparesNil: boolean): AnomalyCase | undefined {
  const lastSeen = new Map<unknown, { value: unknown; f: "r" | "w" }>();
  for (const mop of txn.mops) {
    const [f, key, value] = mop;
    const previous = lastSeen.get(key);
    const compared = previous !== undefined && (comparesNil || previous.value !== null);
    if (f === "r" && compared && previous.value !== value) {
      const saw = `${previous.f === "w" ? "wrote" : "read"} key ${show(key)} = ${show(previous.value)}`;
      const explanation = `${txnName(txn)} ${saw}, then read ${show(value)} within the same txn`;
      return { op: txnSummary(txn), mop, expected: previous.value, explanation };
    }
    lastSeen.set(key, { value, f });
  }
  return undefined;
}

/** Elle's writes-follow-reads: a txn's external read of a key precedes its final write of it. */
function linkExternalReadToFinalWrite(
  order: VersionOrder,
  externalRead: ReadonlyMap<unknown, unknown>,
  finalWrite: ReadonlyMap<unknown, unknown>,
): void {
  for (const [key, read] of externalRead) {
    const written = finalWrite.get(key);
    if (written !== undefined && written !== null && written !== read) nestedSet(order, key, read).add(written);
  }
}

/** What the dependency edges are made from, and where the anomalies seen on the way go. */
export interface VersionFacts {
  order: VersionOrder;
  reads: ReadIndex;
  externalReads: ReadIndex;
  writes: Map<unknown, Map<unknown, WriteRef>>;
  cases: CaseMap;
  inference: VersionInference;
}

/** Which reads take part in the dependency graph (see the module comment). */
function edgeReads({ reads, externalReads, inference }: VersionFacts): ReadIndex {
  return inference === "external" ? externalReads : reads;
}

/** Which writes take part in the dependency graph under `inference` (see the module comment). */
function graphWriter(inference: VersionInference): (ref: WriteRef) => boolean {
  return inference === "external" ? (ref) => ref.txn.status === "ok" && ref.final : (ref) => ref.txn.status !== "fail";
}

/**
 * Links wr edges (writer → reader of each value) and reports reads of aborted (G1a),
 * intermediate (G1b) and, reading every version, never-written (garbage) values.
 */
export function linkWriteReads(graph: DependencyGraph, facts: VersionFacts): void {
  const { reads, writes, cases, inference } = facts;
  const linkable = graphWriter(inference);
  const linking = edgeReads(facts);
  for (const [key, byValue] of reads) {
    for (const [value, readers] of byValue) {
      if (value === null) continue;
      const writer = writes.get(key)?.get(value);
      for (const reader of readers) {
        if (writer?.txn === reader) continue;
        const mop = ["r", key, value];
        if (!writer) {
          if (inference === "every-version")
            push(cases, "garbage-read", {
              op: txnSummary(reader),
              mop,
              explanation: `${txnName(reader)} read key ${show(key)} = ${show(value)}, which no txn ever wrote`,
            });
        } else if (writer.txn.status === "fail") {
          push(cases, "G1a", {
            op: txnSummary(reader),
            writer: txnSummary(writer.txn),
            mop,
            explanation:
              `${txnName(reader)} read key ${show(key)} = ${show(value)}, written ` +
              `by ${txnName(writer.txn)}, which aborted`,
          });
        } else {
          if (!writer.final) {
            push(cases, "G1b", {
              op: txnSummary(reader),
              writer: txnSummary(writer.txn),
              mop,
              explanation:
                `${txnName(reader)} read key ${show(key)} = ${show(value)}, an intermediate value ` +
                `that ${txnName(writer.txn)} overwrote within the same txn`,
            });
          }
          if (linkable(writer) && linking.get(key)?.get(value)?.has(reader))
            graph.link(writer.txn.id, reader.id, Rel.wr);
        }
      }
    }
  }
}

/**
 * Links ww edges (writer of a version → writer of the next) and rw edges (reader of a
 * version → writer of the next), and, reading every version, reports committed overwrites of
 * aborted values. nil precedes every written value, so its readers anti-depend on every writer
 * of the key.
 */
export function linkVersionOrder(graph: DependencyGraph, facts: VersionFacts): void {
  const { order, writes, cases, inference } = facts;
  const reads = edgeReads(facts);
  const linkable = graphWriter(inference);
  const live = (ref: WriteRef | undefined): ref is WriteRef => ref !== undefined && linkable(ref);
  for (const [key, byValue] of writes) {
    const nilReaders = reads.get(key)?.get(null);
    if (!nilReaders) continue;
    for (const ref of byValue.values())
      if (live(ref)) for (const reader of nilReaders) graph.link(reader.id, ref.txn.id, Rel.rw);
  }
  for (const [key, successorsOf] of order) {
    const writers = writes.get(key);
    for (const [before, successors] of successorsOf) {
      const beforeRef = before === null ? undefined : writers?.get(before);
      for (const after of successors) {
        const afterRef = writers?.get(after);
        if (!live(afterRef)) continue;
        if (before !== null)
          for (const reader of reads.get(key)?.get(before) ?? []) graph.link(reader.id, afterRef.txn.id, Rel.rw);
        if (!beforeRef) continue;
        if (beforeRef.txn.status !== "fail") {
          if (linkable(beforeRef)) graph.link(beforeRef.txn.id, afterRef.txn.id, Rel.ww);
        } else if (inference === "every-version") {
          push(cases, "dirty-update", {
            key,
            values: [before, after],
            txns: [txnSummary(beforeRef.txn), txnSummary(afterRef.txn)],
            explanation:
              `${txnName(afterRef.txn)} overwrote key ${show(key)} = ${show(before)} ` +
              `with ${show(after)}, but ${show(before)} was written by ${txnName(beforeRef.txn)}, which aborted`,
          });
        }
      }
    }
  }
}

/** Reports keys whose inferred version order contains a cycle (a version both before and after another). */
export function findCyclicVersions(order: VersionOrder, cases: CaseMap): void {
  for (const [key, successorsOf] of order) {
    const numberOf = new Map<unknown, number>();
    const values: unknown[] = [];
    const number = (value: unknown) => {
      let n = numberOf.get(value);
      if (n === undefined) numberOf.set(value, (n = values.push(value) - 1));
      return n;
    };
    const edges: [number, number][] = [];
    for (const [before, successors] of successorsOf)
      for (const after of successors) edges.push([number(before), number(after)]);
    const graph = new DependencyGraph(values.length);
    for (const [from, to] of edges) graph.link(from, to, Rel.ww);
    const { componentOf, nontrivial } = graph.components(Rel.ww);
    for (const members of nontrivial) {
      const start = members[0]!;
      let cycle: number[] | undefined;
      graph.forEachOut(start, Rel.ww, (next) => {
        if (!cycle && componentOf[next] === componentOf[start])
          cycle = graph.shortestPath(next, start, Rel.ww, componentOf, componentOf[start]!);
      });
      const shown = [start, ...(cycle ?? [])].map((n) => values[n]);
      push(cases, "cyclic-versions", {
        key,
        cycle: shown,
        explanation:
          `the versions of key ${show(key)} would have to be ordered ${shown.map(show).join(" < ")}, a ` + `cycle`,
      });
    }
  }
}
