/**
 * The history: how it is recorded (index and time stamped here), how its invocations pair with
 * their completions, and its one time unit. Op times are nanoseconds since the run started
 * (Jepsen's :time); everything that shows them converts here.
 *
 * Pairing follows jepsen.history's `dense-history-pair-index`: ops pair by process. A client's
 * invocation is completed by the next op of the same process (ok, fail or info); a second
 * invocation before that, or a completion with nothing invoked, is not a history. A non-client
 * (the nemesis) may open with an :info instead of an :invoke, so its ops pair as successive
 * (invoke|info, info) couples. Invocations still open at the end have no completion.
 */
import type { Clock } from "../primitives/clock.ts";
import type { Op, ProcessId } from "./types.ts";

export const NANOS_PER_MS = 1_000_000;
const NANOS_PER_SECOND = 1_000_000_000;

/** Milliseconds (the runner's clocks) to whole nanoseconds (history and journal times). */
export function msToNanos(ms: number): number {
  return Math.round(ms * NANOS_PER_MS);
}

/** History nanoseconds to (fractional) milliseconds. */
export function nanosToMs(nanos: number): number {
  return nanos / NANOS_PER_MS;
}

/** Seconds (the report's time axis) to whole nanoseconds. */
export function secondsToNanos(seconds: number): number {
  return Math.round(seconds * NANOS_PER_SECOND);
}

/** History nanoseconds to (fractional) seconds. */
export function nanosToSeconds(nanos: number): number {
  return nanos / NANOS_PER_SECOND;
}

/** The history as it is written: ops get their index and time here. */
export class History {
  readonly ops: Op[] = [];
  readonly counts = { invoke: 0, ok: 0, fail: 0, info: 0 };

  constructor(private readonly clock: Clock) {}

  /** Appends an op, stamping index and time (ns since the run started). */
  record(op: Omit<Op, "index" | "time">): Op {
    const full: Op = { index: this.ops.length, time: msToNanos(this.clock.nowMs()), ...op };
    this.ops.push(full);
    if (op.process !== "nemesis") this.counts[op.type]++;
    return full;
  }
}

/** A history that breaks Jepsen's pairing rules (the runner never writes one). */
export class HistoryError extends Error {}

/** True for ops of a client process (Jepsen's `client-op?`: an integer process). */
export function isClientOp(op: Op): boolean {
  return typeof op.process === "number";
}

/**
 * Pairs ops as they come, in history order. `add` returns the invocation an op completes, or
 * undefined when the op opens a pair (an invocation, or a nemesis's first :info).
 */
export class OpPairing {
  private readonly open = new Map<ProcessId, Op>();

  add(op: Op): Op | undefined {
    const invocation = this.open.get(op.process);
    if (op.type === "invoke") {
      if (invocation)
        throw new HistoryError(
          `process ${op.process} is still executing op ${invocation.index} and cannot invoke op ${op.index}`,
        );
      this.open.set(op.process, op);
      return undefined;
    }
    if (invocation) {
      this.open.delete(op.process);
      return invocation;
    }
    if (!isClientOp(op) && op.type === "info") {
      this.open.set(op.process, op);
      return undefined;
    }
    throw new HistoryError(`process ${op.process} completed op ${op.index} without invoking anything`);
  }

  /** Invocations not completed (yet). */
  pending(): Op[] {
    return [...this.open.values()];
  }
}

/** An invocation and its completion (undefined if the history ended first). */
export interface OpPair {
  invoke: Op;
  completion: Op | undefined;
}

/** Every pair of the history, in invocation order (nemesis pairs included). */
export function pairOps(history: Iterable<Op>): OpPair[] {
  const pairing = new OpPairing();
  const pairs: OpPair[] = [];
  const pairOf = new Map<Op, OpPair>();
  for (const op of history) {
    const invocation = pairing.add(op);
    if (invocation === undefined) {
      const pair = { invoke: op, completion: undefined };
      pairs.push(pair);
      pairOf.set(op, pair);
    } else {
      pairOf.get(invocation)!.completion = op;
      pairOf.delete(invocation);
    }
  }
  return pairs;
}

/** Each completion's invocation (Jepsen's pair index, completion → invocation direction). */
export function invocationIndex(history: Iterable<Op>): Map<Op, Op> {
  const pairing = new OpPairing();
  const invocationOf = new Map<Op, Op>();
  for (const op of history) {
    const invocation = pairing.add(op);
    if (invocation) invocationOf.set(op, invocation);
  }
  return invocationOf;
}
