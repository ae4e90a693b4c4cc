/**
 * A reliable, ordered stream of events from this node to each peer, over fire-and-forget
 * messages: events carry sequence numbers, every batch carries an ack (the next sequence
 * number wanted from the receiver), and a peer gets everything it has not acked again on each
 * tick. One message per peer per tick at most, whatever the traffic; a partition only makes
 * the backlog wait.
 */

/** What travels in one replicate message. */
export interface Batch<E> {
  /** Sequence number of `events[0]`. */
  from: number;
  events: E[];
  /** The next sequence number the sender wants from the receiver (all below are applied). */
  ack: number;
}

/** Most events in one message; a peer that is further behind catches up over several ticks. */
export const MAX_EVENTS_PER_BATCH = 5000;

/** Outgoing events with resend-until-acked, and the in-order position of each peer's stream. */
export class ReplicationStream<E> {
  private readonly events: E[] = [];
  /** Sequence number of events[0] (older ones are acked by everyone and dropped). */
  private firstSeq = 0;
  private readonly ackedBy = new Map<string, number>();
  private readonly expectedFrom = new Map<string, number>();
  private readonly ackOwedTo = new Set<string>();

  constructor(private readonly peers: readonly string[]) {
    for (const peer of peers) {
      this.ackedBy.set(peer, 0);
      this.expectedFrom.set(peer, 0);
    }
  }

  /** Queues an event for every peer. */
  push(event: E): void {
    this.events.push(event);
  }

  /** What to send `peer` now, or undefined if it has everything and is owed no ack. */
  batchFor(peer: string): Batch<E> | undefined {
    const from = this.ackedBy.get(peer)!;
    const start = from - this.firstSeq;
    const hasEvents = start < this.events.length;
    if (!hasEvents && !this.ackOwedTo.has(peer)) return undefined;
    this.ackOwedTo.delete(peer);
    return { from, events: this.events.slice(start, start + MAX_EVENTS_PER_BATCH), ack: this.expectedFrom.get(peer)! };
  }

  /** Takes a batch from `peer`; returns the events not seen before, in order, to apply. */
  receive(peer: string, batch: Batch<E>): E[] {
    this.noteAck(peer, batch.ack);
    // Any batch with events wants an ack back, even a resend we already have (its ack was lost).
    if (batch.events.length > 0) this.ackOwedTo.add(peer);
    const expected = this.expectedFrom.get(peer) ?? 0;
    // A batch that starts past what we have would leave a hole: wait for the resend.
    if (batch.from > expected) return [];
    const fresh = batch.events.slice(expected - batch.from);
    this.expectedFrom.set(peer, expected + fresh.length);
    return fresh;
  }

  private noteAck(peer: string, ack: number): void {
    if (ack <= (this.ackedBy.get(peer) ?? 0)) return;
    this.ackedBy.set(peer, ack);
    // Drop what every peer has.
    const everyoneHas = Math.min(...this.peers.map((p) => this.ackedBy.get(p)!));
    if (everyoneHas > this.firstSeq) {
      this.events.splice(0, everyoneHas - this.firstSeq);
      this.firstSeq = everyoneHas;
    }
  }
}
