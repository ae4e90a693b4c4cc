/**
 * Jepsen's quantile rule, used for every quantile the runner, checkers, reports and benches
 * show: the value at index min(n-1, floor(n·q)) of the ascending values.
 */

/** The q-quantile of ascending `sorted`; undefined when there are no values. */
export function quantile(sorted: readonly number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
}
