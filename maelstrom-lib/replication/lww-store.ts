/**
 * A map of last-writer-wins registers ordered by Lamport timestamps, for replicas that must
 * converge without coordination. Every version carries a stamp (counter, node id): stamps are
 * totally ordered, so every replica keeps the same winner whatever order writes arrive in.
 * Merging a remote write advances the local clock past it, so a local write always gets a
 * stamp above every version this node has seen — in particular above the versions its own
 * transaction read, which is the order a transaction checker infers.
 *
 * A killed node's counter is lost with its memory, and a restarted one serves at once (total
 * availability), before its peers' versions are back. So a counter is never below the wall
 * clock in milliseconds: the restarted node's writes still stamp above what it wrote before
 * its death (and above what others wrote longer ago than the node was down).
 */
import type { Clock } from "../node/clock.ts";

/** One register version as it travels between nodes. */
export interface StampedWrite {
  key: number;
  value: number;
  /** Lamport counter of the commit that wrote it. */
  counter: number;
  /** The node that committed it: breaks ties between equal counters. */
  node: string;
}

/** True when `a` wins over `b` (higher counter, then higher node id). */
export function isNewer(a: StampedWrite, b: StampedWrite): boolean {
  return a.counter !== b.counter ? a.counter > b.counter : a.node > b.node;
}

/** The registers of one node. */
export class LwwStore {
  private clock = 0;
  private readonly registers = new Map<number, StampedWrite>();

  /** `owner.id` is read at commit time, so the store may be built before init. */
  constructor(private readonly owner: { readonly id: string; readonly clock: Clock }) {}

  /** The current value of `key`, or null if nothing was ever written to it. */
  read(key: number): number | null {
    return this.registers.get(key)?.value ?? null;
  }

  /**
   * Installs local writes under one fresh stamp (all of them at once: nobody can observe a
   * partial commit) and returns them stamped, ready to replicate.
   */
  commit(writes: Iterable<readonly [key: number, value: number]>): StampedWrite[] {
    const counter = (this.clock = Math.max(this.clock + 1, Math.floor(this.owner.clock.nowMs())));
    const stamped: StampedWrite[] = [];
    for (const [key, value] of writes) {
      const write = { key, value, counter, node: this.owner.id };
      this.registers.set(key, write);
      stamped.push(write);
    }
    return stamped;
  }

  /** Every register's current version: the whole state, for a restarted peer. */
  versions(): StampedWrite[] {
    return [...this.registers.values()];
  }

  /** Applies remote writes that win over what this node holds; older ones are ignored. */
  merge(writes: readonly StampedWrite[]): void {
    for (const write of writes) {
      this.clock = Math.max(this.clock, write.counter);
      const current = this.registers.get(write.key);
      if (!current || isNewer(write, current)) this.registers.set(write.key, write);
    }
  }
}
