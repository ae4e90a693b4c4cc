/**
 * A reliable, ordered stream of events from this node to each peer, over fire-and-forget
 * messages: events carry sequence numbers, every batch carries an ack (the next sequence
 * number wanted from the receiver), and a peer gets everything it has not acked again on each
 * tick. One message per peer per tick at most, whatever the traffic; a partition only makes
 * the backlog wait.
 *
 * A killed node's stream dies with it, and its restarted process numbers from 0 again. So every
 * stream has an incarnation (a fresh id per process) and every batch names the sender's and,
 * for its ack, the receiver's: a batch of a stream the receiver has not adopted, or an ack
 * meant for an earlier incarnation, is ignored. A peer's stream is adopted from its sync
 * state (`syncState`, `adopt`), which also says where the stream continues: everything before
 * that position travels in the snapshot beside it, not in the stream.
 */

/** What travels in one replicate message. */
export interface Batch<E> {
  /** The sender's stream incarnation. */
  incarnation: string;
  /** Sequence number of `events[0]`. */
  from: number;
  events: E[];
  /** The next sequence number the sender wants from the receiver (all below are applied). */
  ack: number;
  /** The receiver's incarnation that `ack` counts in ("" before the sender adopted it). */
  ackIncarnation: string;
}

/** Where a node's stream continues, as it tells a peer in its sync state. */
export interface StreamPosition {
  incarnation: string;
  /** Events below this are in the snapshot that goes with it. */
  next: number;
}

/** Most events in one message; a peer that is further behind catches up over several ticks. */
export const MAX_EVENTS_PER_BATCH = 5000;

/** Outgoing events with resend-until-acked, and the in-order position of each peer's stream. */
export class ReplicationStream<E> {
  private readonly events: E[] = [];
  /** Sequence number of events[0] (older ones no peer needs any more, and are dropped). */
  private firstSeq = 0;
  /** Per peer: it has applied every event below this (its acks). */
  private readonly ackedBy = new Map<string, number>();
  /** Per peer: events below this went to it in a snapshot, so the stream resumes there. */
  private readonly handedOver = new Map<string, number>();
  /** Per peer: its stream's incarnation, once adopted, and the next sequence number wanted. */
  private readonly incarnationOf = new Map<string, string>();
  private readonly expectedFrom = new Map<string, number>();
  private readonly ackOwedTo = new Set<string>();

  constructor(
    private readonly peers: readonly string[],
    readonly incarnation: string = crypto.randomUUID(),
  ) {
    for (const peer of peers) {
      this.ackedBy.set(peer, 0);
      this.handedOver.set(peer, 0);
      this.expectedFrom.set(peer, 0);
    }
  }

  /** Queues an event for every peer. */
  push(event: E): void {
    this.events.push(event);
  }

  /** Our position for `peer`'s sync: the snapshot sent with it covers every event before it. */
  syncState(peer: string): StreamPosition {
    const next = this.firstSeq + this.events.length;
    this.handedOver.set(peer, Math.max(this.handedOver.get(peer)!, next));
    return { incarnation: this.incarnation, next };
  }

  /** Takes `peer`'s position from its sync state: a new incarnation restarts its stream there. */
  adopt(peer: string, position: StreamPosition): void {
    const expected = this.incarnationOf.get(peer) === position.incarnation ? this.expectedFrom.get(peer)! : 0;
    this.incarnationOf.set(peer, position.incarnation);
    // Never back: a late duplicate of an older sync state must not replay past a trimmed hole.
    this.expectedFrom.set(peer, Math.max(expected, position.next));
  }

  /** What to send `peer` now, or undefined if it has everything and is owed no ack. */
  batchFor(peer: string): Batch<E> | undefined {
    const from = this.sendFrom(peer);
    const start = from - this.firstSeq;
    const hasEvents = start < this.events.length;
    if (!hasEvents && !this.ackOwedTo.has(peer)) return undefined;
    this.ackOwedTo.delete(peer);
    const events = this.events.slice(start, start + MAX_EVENTS_PER_BATCH);
    return {
      incarnation: this.incarnation,
      from,
      events,
      ack: this.expectedFrom.get(peer)!,
      ackIncarnation: this.incarnationOf.get(peer) ?? "",
    };
  }

  /** Takes a batch from `peer`; returns the events not seen before, in order, to apply. */
  receive(peer: string, batch: Batch<E>): E[] {
    if (batch.ackIncarnation === this.incarnation) this.noteAck(peer, batch.ack);
    // A stream we have not adopted (a restarted peer we have no sync state of yet): not yet.
    if (batch.incarnation !== this.incarnationOf.get(peer)) return [];
    // Any batch with events wants an ack back, even a resend we already have (its ack was lost).
    if (batch.events.length > 0) this.ackOwedTo.add(peer);
    const expected = this.expectedFrom.get(peer)!;
    // A batch that starts past what we have would leave a hole: wait for the resend.
    if (batch.from > expected) return [];
    const fresh = batch.events.slice(expected - batch.from);
    this.expectedFrom.set(peer, expected + fresh.length);
    return fresh;
  }

  private sendFrom(peer: string): number {
    return Math.max(this.ackedBy.get(peer)!, this.handedOver.get(peer)!);
  }

  private noteAck(peer: string, ack: number): void {
    if (ack <= this.ackedBy.get(peer)!) return;
    this.ackedBy.set(peer, ack);
    // Drop what no peer needs sent any more.
    const everyoneHas = Math.min(...this.peers.map((p) => this.sendFrom(p)));
    if (everyoneHas > this.firstSeq) {
      this.events.splice(0, everyoneHas - this.firstSeq);
      this.firstSeq = everyoneHas;
    }
  }
}
