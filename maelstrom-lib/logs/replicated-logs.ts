/**
 * Per-key Kafka-style logs replicated to every node (challenge 5c), with offsets no two nodes
 * can both hand out.
 *
 * Node i of n only allocates offsets ≡ i (mod n), each one above every offset it knows of for
 * that key: offsets are unique without asking anyone, and each node's are increasing. What a
 * node must not do is *return* an offset while a lower one might still appear elsewhere, or a
 * poll would skip it. So every node promises, per key, a frontier: "all my future offsets are
 * at least this" (one more than the highest offset it knows). A node returns offset o only when
 * every peer's frontier it has heard of is above o; since a peer's entries travel in order ahead
 * of its frontier, every offset below that bound is already here. Polls are then contiguous
 * runs of everything that exists, and never need a message.
 *
 * A kill loses a node's logs. A restarted node takes in every peer's `snapshot`: the entries
 * put its allocation back above every offset its peers hold, and their promises back where they
 * were. An entry only the dead node had (acknowledged, not yet streamed) is gone, and its
 * offset may be handed out again; 5c's main.ts says why it accepts that.
 */

import { CommittedOffsets } from "./committed-offsets.ts";
import { MAX_POLL_MESSAGES_PER_KEY } from "./local-logs.ts";

/** One key's known messages, in offset order, and what each peer has promised. */
class KeyLog {
  /** Known offsets, ascending, and their messages. */
  readonly offsets: number[] = [];
  readonly msgs = new Map<number, number>();
  /** Highest known offset, or -1. */
  maxKnown = -1;
  /** Per peer: every future offset of that peer is at least this. */
  readonly peerFrontier = new Map<string, number>();

  insert(offset: number, msg: number): boolean {
    if (this.msgs.has(offset)) return false;
    this.msgs.set(offset, msg);
    // Entries arrive nearly in order: walk back from the end to the insertion point.
    let at = this.offsets.length;
    while (at > 0 && this.offsets[at - 1]! > offset) at--;
    this.offsets.splice(at, 0, offset);
    const raised = offset > this.maxKnown;
    if (raised) this.maxKnown = offset;
    return raised;
  }
}

/** Everything one node knows, as it goes to a peer that is recovering. */
export interface LogsSnapshot {
  entries: [key: string, offset: number, msg: number][];
  /** The sender's own frontier per key (its promise, valid for what it holds). */
  frontiers: [key: string, frontier: number][];
  commits: Record<string, number>;
}

/** All keys' logs at one node, and its committed offsets. */
export class ReplicatedLogs extends CommittedOffsets {
  private readonly logs = new Map<string, KeyLog>();

  /** `self` is this node's position in `nodeIds`; `peers` are the others. */
  constructor(
    private readonly self: number,
    private readonly nodeCount: number,
    private readonly peers: readonly string[],
  ) {
    super();
  }

  private log(key: string): KeyLog {
    let log = this.logs.get(key);
    if (!log) this.logs.set(key, (log = new KeyLog()));
    return log;
  }

  /** Stores `msg` at this node's next offset for `key` (above all it knows) and returns it. */
  append(key: string, msg: number): number {
    const log = this.log(key);
    const above = log.maxKnown + 1;
    const offset = above + ((((this.self - above) % this.nodeCount) + this.nodeCount) % this.nodeCount);
    log.insert(offset, msg);
    return offset;
  }

  /** Everything this node knows, for a peer that is recovering. */
  snapshot(): LogsSnapshot {
    const entries: LogsSnapshot["entries"] = [];
    const frontiers: LogsSnapshot["frontiers"] = [];
    for (const [key, log] of this.logs) {
      for (const offset of log.offsets) entries.push([key, offset, log.msgs.get(offset)!]);
      frontiers.push([key, log.maxKnown + 1]);
    }
    return { entries, frontiers, commits: this.allCommitted() };
  }

  /** Takes in `peer`'s snapshot; returns the keys whose own frontier rose (to announce). */
  merge(peer: string, snapshot: LogsSnapshot): Set<string> {
    const raised = new Set<string>();
    // The peer holds each entry, so its own future offsets are above it: a valid promise.
    for (const [key, offset, msg] of snapshot.entries) if (this.learnEntry(peer, key, offset, msg)) raised.add(key);
    for (const [key, frontier] of snapshot.frontiers) this.learnFrontier(peer, key, frontier);
    for (const [key, offset] of Object.entries(snapshot.commits)) this.commit(key, offset);
    return raised;
  }

  /**
   * Stores a peer's entry; the entry itself promises the peer's later offsets are above it.
   * True if it raised this node's own frontier for the key (which it should then announce).
   */
  learnEntry(peer: string, key: string, offset: number, msg: number): boolean {
    const log = this.log(key);
    this.learnFrontier(peer, key, offset + 1);
    return log.insert(offset, msg);
  }

  /** Records a peer's promise that its future offsets for `key` are at least `frontier`. */
  learnFrontier(peer: string, key: string, frontier: number): void {
    const promises = this.log(key).peerFrontier;
    promises.set(peer, Math.max(promises.get(peer) ?? 0, frontier));
  }

  /** This node's promise for `key`: all its future offsets are at least this. */
  frontier(key: string): number {
    return this.log(key).maxKnown + 1;
  }

  /** Offsets below this are complete here: every peer has promised to stay above them. */
  private safeBound(log: KeyLog): number {
    let bound = Infinity;
    for (const peer of this.peers) bound = Math.min(bound, log.peerFrontier.get(peer) ?? 0);
    return bound;
  }

  /** Per requested key, every known offset from the requested one up to the safe bound. */
  poll(offsets: Record<string, number>): Record<string, [number, number][]> {
    const reply: Record<string, [number, number][]> = {};
    for (const [key, from] of Object.entries(offsets)) {
      const log = this.logs.get(key);
      if (!log) continue;
      const bound = this.safeBound(log);
      const pairs: [number, number][] = [];
      for (const offset of log.offsets) {
        if (offset >= bound || pairs.length >= MAX_POLL_MESSAGES_PER_KEY) break;
        if (offset >= from) pairs.push([offset, log.msgs.get(offset)!]);
      }
      if (pairs.length) reply[key] = pairs;
    }
    return reply;
  }
}
