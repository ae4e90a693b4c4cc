/**
 * Realtime lag for the kafka checker (Jepsen's `realtime-lag` / `worst-realtime-lag`).
 *
 * The lag of key k in a poll is a lower bound on how long ago the highest offset that process
 * had read of k stopped being the log's tail: the poll's invocation time minus the first time
 * the history proved a higher offset existed. Jepsen keeps a vector indexed by offset for
 * that; here each key keeps a staircase of (time, running max offset) and answers by binary
 * search, so huge or sparse offsets cost nothing.
 */
import { nanosToSeconds } from "../../contracts/history.ts";
import type { Op } from "../../contracts/types.ts";
import type { OpView } from "./history.ts";

/** The worst lag found, in seconds, as results.json shows it. */
export interface WorstLag {
  time: number;
  lag: number;
  process?: number | string;
  key?: string;
}

/** Times at which each key's running max offset rose, in history order. */
class Staircase {
  readonly times: number[] = [];
  readonly maxOffsets: number[] = [];

  note(time: number, offset: number) {
    const top = this.maxOffsets.length ? this.maxOffsets[this.maxOffsets.length - 1]! : -1;
    if (offset > top) {
      this.times.push(time);
      this.maxOffsets.push(offset);
    }
  }

  /** The first time an offset ≥ `offset` was known to exist, or Infinity. */
  firstTimeAtLeast(offset: number): number {
    let lo = 0;
    let hi = this.maxOffsets.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.maxOffsets[mid]! >= offset) hi = mid;
      else lo = mid + 1;
    }
    return lo < this.times.length ? this.times[lo]! : Infinity;
  }
}

/**
 * The worst realtime lag over all ok polls of a history; `viewOfOp` holds the parsed data
 * completions and `invokeTimeOf` each completion's invocation time.
 */
export function worstRealtimeLag(
  history: readonly Op[],
  viewOfOp: ReadonlyMap<Op, OpView>,
  invokeTimeOf: ReadonlyMap<Op, number>,
): WorstLag {
  const stairs = new Map<string, Staircase>();
  for (const op of history) {
    const view = viewOfOp.get(op);
    if (!view || (op.type !== "ok" && op.type !== "info")) continue;
    for (const [key, offset] of view.maxOffsets) {
      let stair = stairs.get(key);
      if (!stair) stairs.set(key, (stair = new Staircase()));
      stair.note(op.time, offset);
    }
  }

  let worst: WorstLag = { time: 0, lag: 0 };
  let worstLagNs = -1;
  const processOffsets = new Map<number | string, Map<string, number>>();
  for (const op of history) {
    if (op.type !== "ok" || op.process === "nemesis") continue;
    if (op.f === "assign" && Array.isArray(op.value)) {
      const old = processOffsets.get(op.process) ?? new Map<string, number>();
      const next = new Map<string, number>();
      for (const key of op.value) if (typeof key === "string") next.set(key, old.get(key) ?? -1);
      processOffsets.set(op.process, next);
      continue;
    }
    const view = viewOfOp.get(op);
    if (!view || (op.f !== "poll" && op.f !== "txn")) continue;
    let offsets = processOffsets.get(op.process);
    if (!offsets) processOffsets.set(op.process, (offsets = new Map()));
    for (const [key, offset] of view.maxOffsets) offsets.set(key, Math.max(offsets.get(key) ?? -1, offset));
    const invokeTime = invokeTimeOf.get(op) ?? op.time;
    for (const [key, offset] of offsets) {
      const expiredAt = stairs.get(key)?.firstTimeAtLeast(offset + 1) ?? Infinity;
      const lagNs = Math.max(0, invokeTime - expiredAt);
      if (lagNs > worstLagNs) {
        worstLagNs = lagNs;
        worst = { time: nanosToSeconds(invokeTime), lag: nanosToSeconds(lagNs), process: op.process, key };
      }
    }
  }
  return worst;
}
