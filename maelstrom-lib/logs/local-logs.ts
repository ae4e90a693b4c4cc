/**
 * In-memory append-only logs, one per key, with dense offsets (offset = index), plus the
 * committed offset per key: a single-node Kafka-style log's whole state (challenge 5a).
 */
import { CommittedOffsets } from "./committed-offsets.ts";

/** At most this many messages per key in one poll reply: plenty for a drain, bounded for a hot key. */
export const MAX_POLL_MESSAGES_PER_KEY = 1000;

/** Per-key logs and committed offsets, all in this process. */
export class LocalLogs extends CommittedOffsets {
  protected readonly logs = new Map<string, number[]>();

  /** Appends `msg` to `key`'s log and returns its offset. */
  append(key: string, msg: number): number {
    let log = this.logs.get(key);
    if (!log) this.logs.set(key, (log = []));
    log.push(msg);
    return log.length - 1;
  }

  /** Per requested key, the contiguous `[offset, msg]` run from the requested offset on. */
  poll(offsets: Record<string, number>): Record<string, [number, number][]> {
    const msgs: Record<string, [number, number][]> = {};
    for (const [key, from] of Object.entries(offsets)) {
      const log = this.logs.get(key);
      if (!log) continue;
      const start = Math.max(0, from);
      const end = Math.min(log.length, start + MAX_POLL_MESSAGES_PER_KEY);
      const pairs: [number, number][] = [];
      for (let offset = start; offset < end; offset++) pairs.push([offset, log[offset]!]);
      if (pairs.length) msgs[key] = pairs;
    }
    return msgs;
  }
}
