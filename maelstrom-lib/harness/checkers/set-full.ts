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
import type { CheckResult, Op, Validity } from "../types.ts";

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

/** Tracking state of one element while the history is folded. */
interface ElementState {
  element: unknown;
  known?: Op;
  lastPresent?: Op;
  lastAbsent?: Op;
}

const NANOS_PER_MS = 1_000_000;
/** How many of the stalest elements `worst-stale` shows. */
const WORST_STALE_COUNT = 8;

/** Checks a history of adds and full reads; see the module comment for the semantics. */
export function checkSetFull(history: readonly Op[], options: Partial<SetFullOptions> = {}): CheckResult {
  const { addF, readF, linearizable } = { ...SET_FULL_DEFAULTS, ...options };
  const elements = new Map<unknown, ElementState>();
  const pendingInvocations = new Map<number, Op>();

  for (const op of history) {
    if (typeof op.process !== "number") continue; // nemesis ops are not client ops
    if (op.type === "invoke") pendingInvocations.set(op.process, op);
    const invocation = op.type === "invoke" ? undefined : pendingInvocations.get(op.process);
    if (op.type !== "invoke") pendingInvocations.delete(op.process);

    if (op.f === addF) {
      if (op.type === "invoke") elements.set(elementKey(op.value), { element: op.value });
      else if (op.type === "ok") {
        const state = elements.get(elementKey(op.value));
        if (state && !state.known) state.known = op;
      }
    } else if (op.f === readF && op.type === "ok" && invocation) {
      const present = new Set(Array.isArray(op.value) ? op.value.map(elementKey) : []);
      for (const [key, state] of elements) {
        if (present.has(key)) {
          state.known ??= op;
          if (!state.lastPresent || state.lastPresent.index < invocation.index) state.lastPresent = invocation;
        } else if (!state.lastAbsent || state.lastAbsent.index < invocation.index) {
          state.lastAbsent = invocation;
        }
      }
    }
  }

  const results = [...elements.values()].sort((a, b) => compareElements(a.element, b.element)).map(elementResult);
  return summarize(results, linearizable);
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
  const latencyMs = (sinceNs: number) => Math.floor(Math.max(0, sinceNs - knownTimeNs) / NANOS_PER_MS);
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
function summarize(results: SetFullElementResult[], linearizable: boolean): CheckResult {
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

  const result: CheckResult = {
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
  };
  const stableLatencies = results.flatMap((r) => (r["stable-latency"] === null ? [] : [r["stable-latency"]]));
  const lostLatencies = results.flatMap((r) => (r["lost-latency"] === null ? [] : [r["lost-latency"]]));
  if (stableLatencies.length > 0) result["stable-latencies"] = quantiles(stableLatencies);
  if (lostLatencies.length > 0) result["lost-latencies"] = quantiles(lostLatencies);
  result["duplicated-count"] = 0;
  result.duplicated = {};
  return result;
}

/**
 * Jepsen's `frequency-distribution`: for each quantile q the element at index
 * `min(n-1, floor(n·q))` of the sorted values, keyed by q as a string ("0", "0.5", …).
 */
export function quantiles(values: readonly number[]): Record<string, number> {
  const sorted = [...values].sort((a, b) => a - b);
  const distribution: Record<string, number> = {};
  for (const q of LATENCY_QUANTILES) {
    distribution[String(q)] = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
  }
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
