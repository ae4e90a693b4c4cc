/** The final read each worker thread makes in broadcast, g-set and the counters. */
import type { OpSource } from "../contracts/types.ts";

/**
 * The final phase of broadcast and the counters: exactly one `{f: "read", final: true}` per
 * worker thread (Jepsen's each-thread), whether workers share this source or each has a copy.
 */
export function finalReads(): OpSource {
  const threadsDone = new Set<number>();
  return {
    next: (worker) => {
      if (threadsDone.has(worker.thread)) return undefined;
      threadsDone.add(worker.thread);
      return { f: "read", value: null, final: true };
    },
  };
}
