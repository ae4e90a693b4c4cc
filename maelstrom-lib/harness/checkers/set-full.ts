/**
 * Jepsen's `set-full` checker (jepsen `checker.clj`), which Maelstrom's broadcast and g-set
 * workloads use: for every added element it decides whether the element became *stable*
 * (every read invoked after some point saw it), was *lost* (after some point no read saw it),
 * or was *never read*, and how long it took to become stable.
 *
 * A pure function of the history. Jepsen's quirks are kept on purpose, because results must
 * line up with real Maelstrom's:
 *  - Only the latest-*invoked* read that did or did not contain an element counts, so a
 *    final read that misses an element an earlier final read had makes it lost.
 *  - Duplicate detection is disabled (Jepsen compares multiplicities with `< 1`), so
 *    `duplicated` is always empty; values that were never added are ignored.
 *  - A read only updates elements whose add was invoked before the read *completed*.
 */
import { isClientOp, nanosToMs, OpPairing } from "../contracts/history.ts";
import { quantile } from "../primitives/quantile.ts";
import type { ExplanationDraft, Finding, Op, Validity } from "../contracts/types.ts";
import { EXAMPLES_SHOWN, explained, listOf, plural, secondsOf, show, where } from "./explaining.ts";

/** Which ops add and read, and whether stale reads are errors. */
export interface SetFullOptions {
  /** The `f` of the add ops ("broadcast" for broadcast, "add" for g-set). */
  addF: string;
  /** The `f` of the read ops; an ok read's value is the array of elements present. */
  readF: string;
  /** Jepsen's `:linearizable?`: stale elements make the result invalid. Maelstrom uses false. */
  linearizable: boolean;
}

/** The default options: g-set's names, not linearizable (as Maelstrom's workloads call it). */
export const SET_FULL_DEFAULTS: SetFullOptions = { addF: "add", readF: "read", linearizable: false };

/** The quantiles Jepsen reports latencies at; keys in results.json are these as strings. */
export const LATENCY_QUANTILES = [0, 0.5, 0.95, 0.99, 1] as const;

/** What happened to one element. */
export type SetFullOutcome = "stable" | "lost" | "never-read";

/** Per-element result, as Jepsen's `set-full-element-results` (shown in `worst-stale`). */
export interface SetFullElementResult {
  element: unknown;
  outcome: SetFullOutcome;
  /** Milliseconds from known to stable; null unless stable. */
  "stable-latency": number | null;
  /** Milliseconds from known to lost; null unless lost. */
  "lost-latency": number | null;
  /** The op that first proved the element exists: the add's ok, or the first read that saw it. */
  known: Op | null;
  /** Invocation of the latest-invoked read that did not contain the element. */
  "last-absent": Op | null;
}

/** Latency quantiles in ms, keyed by quantile as text ("0", "0.5", "0.95", "0.99", "1"). */
export type LatencyQuantiles = Record<string, number>;

/** Jepsen's set-full result map, key for key. */
export type SetFullResult = {
  "valid?": Validity;
  "attempt-count": number;
  "stable-count": number;
  "lost-count": number;
  lost: unknown[];
  "never-read-count": number;
  "never-read": unknown[];
  "stale-count": number;
  stale: unknown[];
  "worst-stale": SetFullElementResult[];
  "stable-latencies"?: LatencyQuantiles;
  "lost-latencies"?: LatencyQuantiles;
  "duplicated-count": 0;
  duplicated: Record<string, never>;
};

/** Tracking state of one element. */
interface ElementState {
  element: unknown;
  /** History index of the add's invocation: reads completing after it may see the element. */
  addedAt: number;
  known?: Op;
  lastPresent?: Op;
  lastAbsent?: Op;
}

/** One ok read: its invocation, its completion and the elements it returned (as indices). */
interface Read {
  invocation: Op;
  completion: Op;
  elements: Int32Array;
}

/** How many of the stalest elements `worst-stale` shows. */
const WORST_STALE_COUNT = 8;

/**
 * Checks a history of adds and full reads; see the module comment for the semantics.
 *
 * Jepsen folds every read over every element added so far, O(reads × elements): 20 s of
 * broadcast at 1000 ops/s took 19 s that way. Here presence costs only the reads' own sizes,
 * and absence is found walking reads from the latest-invoked back, resolving each element at
 * the first read that missed it; a count of the still-unresolved elements (a Fenwick tree)
 * lets a read that misses nothing cost only its own size.
 */
export function checkSetFull(history: readonly Op[], options: Partial<SetFullOptions> = {}): SetFullResult {
  const { addF, readF, linearizable } = { ...SET_FULL_DEFAULTS, ...options };
  const { elements, reads } = collect(history, addF, readF);
  markPresence(elements, reads);
  markAbsence(elements, reads);
  const results = [...elements].sort((a, b) => compareElements(a.element, b.element)).map(elementResult);
  return summarize(results, linearizable);
}

/** One pass over the history: the elements in the order their adds were invoked, and the ok reads. */
function collect(history: readonly Op[], addF: string, readF: string): { elements: ElementState[]; reads: Read[] } {
  const elements: ElementState[] = [];
  const indexOf = new ElementIndex();
  const rawReads: { invocation: Op; completion: Op; values: unknown[] }[] = [];
  const pairing = new OpPairing();
  for (const op of history) {
    const invocation = pairing.add(op);
    if (!isClientOp(op)) continue;
    if (op.type === "invoke") {
      if (op.f === addF && indexOf.get(op.value) === undefined) {
        indexOf.set(op.value, elements.length);
        elements.push({ element: op.value, addedAt: op.index });
      }
      continue;
    }
    if (op.f === addF && op.type === "ok") {
      const index = indexOf.get(op.value);
      if (index !== undefined) elements[index]!.known ??= op;
    } else if (op.f === readF && op.type === "ok" && invocation) {
      rawReads.push({ invocation, completion: op, values: Array.isArray(op.value) ? op.value : [] });
    }
  }
  const reads = rawReads.map(({ invocation, completion, values }) => ({
    invocation,
    completion,
    elements: toIndices(values, indexOf),
  }));
  return { elements, reads };
}

/** A read's values as element indices; values never added are ignored, as in Jepsen. */
function toIndices(values: readonly unknown[], indexOf: ElementIndex): Int32Array {
  const indices = new Int32Array(values.length);
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const index = indexOf.get(values[i]);
    if (index !== undefined) indices[count++] = index;
  }
  return indices.subarray(0, count);
}

/** Sets `lastPresent` and `known` from each read's own elements (reads are in completion order). */
function markPresence(elements: ElementState[], reads: readonly Read[]): void {
  for (const read of reads) {
    const indices = read.elements;
    for (let i = 0; i < indices.length; i++) {
      const state = elements[indices[i]!]!;
      if (state.addedAt > read.completion.index) continue; // added after this read completed
      if (!state.lastPresent || state.lastPresent.index < read.invocation.index) state.lastPresent = read.invocation;
      // known: the add's ok or the first read that saw the element, whichever came first.
      if (!state.known || state.known.index > read.completion.index) state.known = read.completion;
    }
  }
}

/**
 * Sets `lastAbsent`: the latest-invoked read that completed after the element's add was
 * invoked and did not contain it. Reads are walked latest-invoked first; each element is
 * resolved (and dropped from the count) at the first such read.
 */
function markAbsence(elements: ElementState[], reads: readonly Read[]): void {
  const unresolved = new AliveSet(elements.length);
  const seenInRead = new Int32Array(elements.length).fill(-1);
  const addedAt = elements.map((state) => state.addedAt); // ascending: elements are in add order
  const byInvocation = reads
    .map((read, order) => ({ read, order }))
    .sort((a, b) => b.read.invocation.index - a.read.invocation.index);
  for (const { read, order } of byInvocation) {
    // Elements [0, eligible) were added before it completed
    const eligible = upperBound(addedAt, read.completion.index);
    let missing = unresolved.countBelow(eligible);
    if (missing === 0) continue;
    const indices = read.elements; // indexed loop: iterating a typed array with for-of is slow in JSC
    for (let i = 0; i < indices.length; i++) {
      const index = indices[i]!;
      if (index < eligible && seenInRead[index] !== order && unresolved.has(index)) missing--;
      seenInRead[index] = order;
    }
    // The missing ones are usually the newest: search down from the newest eligible element.
    for (
      let index = unresolved.highestAtOrBelow(eligible - 1);
      missing > 0 && index >= 0;
      index = unresolved.highestAtOrBelow(index - 1)
    ) {
      if (seenInRead[index] === order) continue;
      elements[index]!.lastAbsent = read.invocation;
      unresolved.remove(index);
      missing--;
    }
  }
}

/** The number of values in ascending `sorted` that are less than `bound`. */
function upperBound(sorted: readonly number[], bound: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < bound) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The indices 0 … n-1 still alive: counts below a bound (a Fenwick tree) and the highest alive
 * index at or below a bound (union-find with path halving), both in about log n.
 */
class AliveSet {
  private readonly tree: Int32Array;
  private readonly alive: Uint8Array;
  /** For a removed index, a lower index to continue the search from. */
  private readonly below: Int32Array;

  constructor(private readonly size: number) {
    this.tree = new Int32Array(size + 1);
    for (let i = 1; i <= size; i++) {
      this.tree[i]! += 1;
      const parent = i + (i & -i);
      if (parent <= size) this.tree[parent]! += this.tree[i]!;
    }
    this.alive = new Uint8Array(size).fill(1);
    this.below = Int32Array.from({ length: size }, (_, i) => i);
  }

  has(index: number): boolean {
    return this.alive[index] === 1;
  }

  /** How many alive indices are below `bound`. */
  countBelow(bound: number): number {
    let count = 0;
    for (let i = Math.min(bound, this.size); i > 0; i -= i & -i) count += this.tree[i]!;
    return count;
  }

  /** The highest alive index ≤ `index`, or -1. */
  highestAtOrBelow(index: number): number {
    let i = index;
    while (i >= 0 && this.alive[i] === 0) {
      const next = this.below[i]!;
      if (next >= 0) this.below[i] = this.below[next]!; // path halving
      i = next;
    }
    return i;
  }

  remove(index: number): void {
    if (this.alive[index] === 0) return;
    this.alive[index] = 0;
    this.below[index] = index - 1;
    for (let i = index + 1; i <= this.size; i += i & -i) this.tree[i]! -= 1;
  }
}

/** Elements below this get a slot in ElementIndex's flat table (16 M slots at most: 64 MB). */
const ELEMENT_TABLE_LIMIT = 1 << 24;

/** Element → its index: a flat table for small non-negative integers (broadcast's 0, 1, 2, …), a map otherwise. */
class ElementIndex {
  private table = new Int32Array(1024).fill(-1);
  private readonly other = new Map<unknown, number>();

  get(value: unknown): number | undefined {
    if (isSmallIndex(value)) {
      const found = value < this.table.length ? this.table[value]! : -1;
      return found < 0 ? undefined : found;
    }
    return this.other.get(elementKey(value));
  }

  set(value: unknown, index: number): void {
    if (isSmallIndex(value)) {
      if (value >= this.table.length) this.grow(value);
      this.table[value] = index;
    } else {
      this.other.set(elementKey(value), index);
    }
  }

  private grow(value: number): void {
    let length = this.table.length;
    while (length <= value) length *= 2;
    const table = new Int32Array(length).fill(-1);
    table.set(this.table);
    this.table = table;
  }
}

function isSmallIndex(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 && value < ELEMENT_TABLE_LIMIT;
}

/** Decides one element's outcome and latencies (Jepsen's `set-full-element-results`). */
function elementResult(state: ElementState): SetFullElementResult {
  const { known, lastPresent, lastAbsent } = state;
  const stable = lastPresent !== undefined && (lastAbsent?.index ?? -1) < lastPresent.index;
  // Absence only means loss once the element is known, and only if the read that missed it
  // began after the element was known (a concurrent read may have linearized before the add).
  const lost =
    known !== undefined &&
    lastAbsent !== undefined &&
    (lastPresent?.index ?? -1) < lastAbsent.index &&
    known.index < lastAbsent.index;
  const knownTimeNs = known?.time ?? 0;
  const latencyMs = (sinceNs: number) => Math.floor(nanosToMs(Math.max(0, sinceNs - knownTimeNs)));
  return {
    element: state.element,
    outcome: stable ? "stable" : lost ? "lost" : "never-read",
    "stable-latency": stable ? latencyMs(lastAbsent ? lastAbsent.time + 1 : 0) : null,
    "lost-latency": lost ? latencyMs(lastPresent ? lastPresent.time + 1 : 0) : null,
    known: known ?? null,
    "last-absent": lastAbsent ?? null,
  };
}

/** Aggregates element results into Jepsen's result map (`set-full-results` + duplicates). */
function summarize(results: SetFullElementResult[], linearizable: boolean): SetFullResult {
  const withOutcome = (outcome: SetFullOutcome) => results.filter((result) => result.outcome === outcome);
  const stable = withOutcome("stable");
  const lost = withOutcome("lost");
  const neverRead = withOutcome("never-read");
  const stale = stable.filter((result) => (result["stable-latency"] ?? 0) > 0);
  // Jepsen sorts ascending and reverses, so among equal latencies the larger element comes first.
  const worstStale = [...stale]
    .map((result, order) => ({ result, order }))
    .sort((a, b) => b.result["stable-latency"]! - a.result["stable-latency"]! || b.order - a.order)
    .slice(0, WORST_STALE_COUNT)
    .map(({ result }) => result);

  let valid: Validity = true;
  if (lost.length > 0) valid = false;
  else if (stable.length === 0) valid = "unknown";
  else if (linearizable && stale.length > 0) valid = false;

  const stableLatencies = results.flatMap((r) => (r["stable-latency"] === null ? [] : [r["stable-latency"]]));
  const lostLatencies = results.flatMap((r) => (r["lost-latency"] === null ? [] : [r["lost-latency"]]));
  return {
    "valid?": valid,
    "attempt-count": results.length,
    "stable-count": stable.length,
    "lost-count": lost.length,
    lost: lost.map((r) => r.element),
    "never-read-count": neverRead.length,
    "never-read": neverRead.map((r) => r.element),
    "stale-count": stale.length,
    stale: stale.map((r) => r.element),
    "worst-stale": worstStale,
    ...(stableLatencies.length > 0 ? { "stable-latencies": quantiles(stableLatencies) } : {}),
    ...(lostLatencies.length > 0 ? { "lost-latencies": quantiles(lostLatencies) } : {}),
    "duplicated-count": 0,
    duplicated: {},
  };
}

/**
 * Jepsen's `frequency-distribution`: for each quantile q the element at index
 * `min(n-1, floor(n·q))` of the sorted values, keyed by q as a string ("0", "0.5", …).
 */
export function quantiles(values: readonly number[]): LatencyQuantiles {
  const sorted = [...values].sort((a, b) => a - b);
  const distribution: Record<string, number> = {};
  for (const q of LATENCY_QUANTILES) distribution[String(q)] = quantile(sorted, q)!;
  return distribution;
}

/** Map key for an element: primitives as themselves, anything else by its JSON text. */
function elementKey(value: unknown): unknown {
  return typeof value === "object" && value !== null ? JSON.stringify(value) : value;
}

/** Clojure's `compare` for the values that occur here: numbers numerically, else as text. */
function compareElements(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  const textA = String(elementKey(a));
  const textB = String(elementKey(b));
  return textA < textB ? -1 : textA > textB ? 1 : 0;
}

/**
 * Why a set-full result is not valid: the lost values, each with when it was acknowledged, when
 * a read last returned it and how many reads missed it after that (from the history); with none
 * lost, that nothing became stable, or the stale values of a linearizable check.
 */
export function explainSetFull(result: SetFullResult): ExplanationDraft {
  const { lost, "never-read": neverRead } = result;
  if (lost.length === 0) {
    const never = neverRead.length ? ` (never read: ${listOf(neverRead)})` : "";
    const added = plural(result["attempt-count"], "value");
    return explained(
      result["stable-count"] === 0
        ? `no value became stable: ${added} added, no read after them returned them${never}`
        : `${plural(result["stale-count"], "stale value")} (linearizable check): ${listOf(result.stale)}`,
    );
  }
  const values = `${plural(result["lost-count"], "value")}, e.g. ${listOf(lost)}`;
  const summary = `lost ${values}: acknowledged, then missing from every read after some point`;
  const trackers = lost.slice(0, EXAMPLES_SHOWN).map((value) => new LostValueTracker(value));
  return {
    summary,
    visit: (op) => {
      for (const tracker of trackers) tracker.visit(op);
    },
    findings: () => trackers.map((tracker) => tracker.finding()),
  };
}

/** What happened to one lost value: when it was acknowledged, seen, and how many reads missed it afterwards. */
class LostValueTracker {
  private readonly key: string;
  /** Membership in a read: `includes` for numbers and strings (reads can hold 10⁴ values), JSON for the rest. */
  private readonly isIn: (values: readonly unknown[]) => boolean;
  private readonly invocations = new Map<unknown, Op>();
  private ack: Op | undefined;
  private firstSeen: Op | undefined;
  private lastSeen: Op | undefined;
  private missedCount = 0;
  private lastMissed: Op | undefined;

  constructor(private readonly value: unknown) {
    this.key = show(value);
    this.isIn =
      typeof value === "object" && value !== null
        ? (values) => values.some((element) => show(element) === this.key)
        : (values) => values.includes(value);
  }

  visit(op: Op): void {
    if (op.process === "nemesis") return;
    if (op.type === "invoke") {
      this.invocations.set(op.process, op);
      return;
    }
    if (op.type !== "ok") return;
    if (op.f !== "read") {
      if (!this.ack && (op.value === this.value || show(op.value) === this.key)) this.ack = op;
    } else if (Array.isArray(op.value) || op.value === null) {
      // A null read is the empty set, as set-full's (set nil) is.
      if (this.isIn(op.value ?? [])) {
        this.firstSeen ??= op;
        this.lastSeen = op;
        this.missedCount = 0;
        this.lastMissed = undefined;
      } else if (this.ack && (this.invocations.get(op.process)?.time ?? op.time) > this.ack.time) {
        this.missedCount++;
        this.lastMissed = op;
      }
    }
  }

  finding(): Finding {
    const { key, ack, firstSeen, lastSeen, lastMissed: last } = this;
    if (!ack) {
      const seenText = firstSeen
        ? `first returned by a read${where(firstSeen)} at ${secondsOf(firstSeen.time)}`
        : "neither its acknowledgement nor a read of it is in history.jsonl";
      return { text: `${key}: never acknowledged; ${seenText}`, ops: firstSeen ? [firstSeen.index] : [] };
    }
    const seen = lastSeen
      ? `; last returned by a read${where(lastSeen)} at ${secondsOf(lastSeen.time)}`
      : "; no read ever returned it";
    const lastMissed =
      last && `the last${where(last)} at ${secondsOf(last.time)}${last.final ? " (a final read)" : ""}`;
    const missed = last ? `; ${plural(this.missedCount, "read")} after that missed it, ${lastMissed}` : "";
    return {
      text: `${key}: acknowledged at ${secondsOf(ack.time)}${where(ack)}${seen}${missed}`,
      ops: [ack.index, ...(lastSeen ? [lastSeen.index] : []), ...(last ? [last.index] : [])],
    };
  }
}
