/**
 * What the report plots from a history: each client op's latency (invocation paired with its
 * completion by history.ts's pairing, as Jepsen pairs them), completions over time, and per-operation latency
 * quantiles. Fed one op at a time; it keeps one small record per completed op and one pending invocation per
 * process.
 */
import { isClientOp, nanosToMs, nanosToSeconds, OpPairing } from "../contracts/history.ts";
import { quantile } from "../primitives/quantile.ts";
import type { Op, OpType } from "../contracts/types.ts";

/** One completed client operation. */
export interface OpSample {
  f: string;
  /** How it completed. */
  type: Exclude<OpType, "invoke">;
  /** Invocation time, seconds since the run started. */
  startSec: number;
  /** Completion time, seconds since the run started. */
  endSec: number;
  latencyMs: number;
  final: boolean;
}

/** Latency quantiles (ms) of one operation's :ok completions. */
export interface LatencySummary {
  f: string;
  count: number;
  okCount: number;
  failCount: number;
  infoCount: number;
  /** Quantiles of ok latencies; undefined when there was no ok. */
  medianMs: number | undefined;
  p95Ms: number | undefined;
  p99Ms: number | undefined;
  maxMs: number | undefined;
}

/** Everything the report needs from the history. */
export interface HistoryDigest {
  samples: OpSample[];
  /** Client invocations (the `op-count` of Maelstrom's net stats). */
  invokeCount: number;
  /** Time of the last history entry, seconds. */
  durationSec: number;
  /** Operation names in first-seen order. */
  fs: string[];
  /** Invocations never completed (the run ended first). */
  pendingCount: number;
}

/** Ascending latencies (ms) of the ok completions of the ops in `fs` (of every op when omitted). */
export function okLatenciesMs(digest: HistoryDigest, fs?: ReadonlySet<string>): number[] {
  return digest.samples
    .filter((sample) => sample.type === "ok" && (fs === undefined || fs.has(sample.f)))
    .map((sample) => sample.latencyMs)
    .sort((a, b) => a - b);
}

/** Accumulates a HistoryDigest from ops in history order. */
export class HistoryCollector {
  private readonly samples: OpSample[] = [];
  private readonly pairing = new OpPairing();
  private readonly fs = new Set<string>();
  private invokeCount = 0;
  private lastTimeNs = 0;

  /** Feeds the next history op. */
  add(op: Op): void {
    this.lastTimeNs = Math.max(this.lastTimeNs, op.time);
    const invoke = this.pairing.add(op);
    if (!isClientOp(op)) return; // the nemesis's ops are fault-bands.ts's
    if (op.type === "invoke") {
      this.invokeCount++;
      this.fs.add(op.f);
      return;
    }
    const started = invoke!; // a client's completion always has one (OpPairing throws otherwise)
    this.samples.push({
      f: started.f,
      type: op.type,
      startSec: nanosToSeconds(started.time),
      endSec: nanosToSeconds(op.time),
      latencyMs: nanosToMs(op.time - started.time),
      final: started.final === true,
    });
  }

  /** The digest of everything fed so far. */
  result(): HistoryDigest {
    return {
      samples: this.samples,
      invokeCount: this.invokeCount,
      durationSec: nanosToSeconds(this.lastTimeNs),
      fs: [...this.fs],
      pendingCount: this.pairing.pending().filter(isClientOp).length,
    };
  }
}

/** Latency quantiles per operation, in the order the operations first appeared. */
export function summarizeLatencies(digest: HistoryDigest): LatencySummary[] {
  return digest.fs.map((f) => {
    const samples = digest.samples.filter((sample) => sample.f === f);
    const okLatencies = okLatenciesMs(digest, new Set([f]));
    const countOf = (type: OpSample["type"]): number => samples.filter((sample) => sample.type === type).length;
    return {
      f,
      count: samples.length,
      okCount: okLatencies.length,
      failCount: countOf("fail"),
      infoCount: countOf("info"),
      medianMs: quantile(okLatencies, 0.5),
      p95Ms: quantile(okLatencies, 0.95),
      p99Ms: quantile(okLatencies, 0.99),
      maxMs: quantile(okLatencies, 1),
    };
  });
}

/** Completions per second in fixed bins, per operation and completion type (Jepsen's rate plot). */
export interface ThroughputSeries {
  f: string;
  type: OpSample["type"];
  /** [bin start in seconds, completions per second]. */
  points: [number, number][];
}

/** Bins completions into `binSec`-wide buckets over the whole run. */
export function throughput(digest: HistoryDigest, binSec: number): ThroughputSeries[] {
  const binCount = Math.max(1, Math.ceil(digest.durationSec / binSec));
  const series = new Map<string, ThroughputSeries>();
  for (const sample of digest.samples) {
    const key = `${sample.f}\u0000${sample.type}`;
    let entry = series.get(key);
    if (!entry) {
      entry = {
        f: sample.f,
        type: sample.type,
        points: Array.from({ length: binCount }, (_, bin) => [bin * binSec, 0]),
      };
      series.set(key, entry);
    }
    const bin = Math.min(binCount - 1, Math.floor(sample.endSec / binSec));
    entry.points[bin]![1] += 1 / binSec;
  }
  return [...series.values()];
}

/**
 * A latency quantile of ok completions over time (Jepsen's latency-quantiles plot): for each
 * `binSec`-wide bin of invocation time that has any, [bin middle in seconds, quantile in ms].
 */
export function latencyQuantileOverTime(samples: readonly OpSample[], binSec: number, q: number): [number, number][] {
  const bins = new Map<number, number[]>();
  for (const sample of samples) {
    if (sample.type !== "ok") continue;
    const bin = Math.floor(sample.startSec / binSec);
    const latencies = bins.get(bin) ?? [];
    latencies.push(sample.latencyMs);
    bins.set(bin, latencies);
  }
  return [...bins.entries()]
    .sort(([a], [b]) => a - b)
    .map(([bin, latencies]) => [
      (bin + 0.5) * binSec,
      quantile(
        latencies.sort((a, b) => a - b),
        q,
      )!,
    ]);
}
