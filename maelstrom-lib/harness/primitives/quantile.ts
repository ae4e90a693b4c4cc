/**
 * Jepsen's quantile rule, used for every quantile the runner, checkers, reports and benches
 * show: the value at index min(n-1, floor(n·q)) of the ascending values.
 */

/** The q-quantile of ascending `sorted`; undefined when there are no values. */
export function quantile(sorted: readonly number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
}

/** Values below this many ms are counted to the microsecond. */
const FINE_LIMIT_MS = 10;
const FINE_STEPS_PER_MS = 1000;
/** Above FINE_LIMIT_MS, each bucket is 1% wider than the last. */
const COARSE_GROWTH = 1.01;
const COARSE_BUCKETS = 2048;

/**
 * Quantiles of a stream of non-negative durations in ms, in fixed memory whatever their count:
 * to the microsecond below 10 ms, within 1% above (each bucket stands for its lower edge), the
 * maximum exact. The same rule as `quantile`, applied to the counted values.
 */
export class DurationHistogram {
  private readonly fine = new Uint32Array(FINE_LIMIT_MS * FINE_STEPS_PER_MS);
  private readonly coarse = new Uint32Array(COARSE_BUCKETS);
  /** How many values were added. */
  count = 0;
  /** The largest value added (0 with none). */
  maxMs = 0;

  /** Counts one value; negative ones count as 0. */
  add(valueMs: number): void {
    const value = Math.max(0, valueMs);
    this.count++;
    if (value > this.maxMs) this.maxMs = value;
    if (value < FINE_LIMIT_MS) this.fine[Math.floor(value * FINE_STEPS_PER_MS)]!++;
    else this.coarse[coarseBucket(value)]!++;
  }

  /** The q-quantile of the values added (rank min(n-1, floor(n·q))); undefined with none. */
  quantile(q: number): number | undefined {
    if (this.count === 0) return undefined;
    let rank = Math.min(this.count - 1, Math.floor(this.count * q));
    for (let i = 0; i < this.fine.length; i++) {
      rank -= this.fine[i]!;
      if (rank < 0) return i / FINE_STEPS_PER_MS;
    }
    for (let i = 0; i < this.coarse.length; i++) {
      rank -= this.coarse[i]!;
      if (rank < 0) return Math.min(this.maxMs, FINE_LIMIT_MS * COARSE_GROWTH ** i);
    }
    return this.maxMs;
  }
}

function coarseBucket(valueMs: number): number {
  return Math.min(COARSE_BUCKETS - 1, Math.floor(Math.log(valueMs / FINE_LIMIT_MS) / Math.log(COARSE_GROWTH)));
}
