/**
 * A reliable, batched link to one peer, with acknowledgements that ride along for free.
 *
 * Values for the peer wait in `unsent` until the owner flushes; a flush sends them all in one
 * `gossip_batch` message and keeps them `inFlight` until the peer acknowledges them. The peer's
 * acknowledgement is just the list of values it received, carried in the `ack` field of the
 * next batch it sends our way anyway. Only when no such message comes along for
 * `ackDelayMs` does an acknowledgement travel on its own. When values stay unacknowledged for
 * `retryMs`, the peer is probably cut off: everything in flight is sent again, and until the
 * peer is heard from, the link sends at most once per `retryMs` (new values wait for that
 * message). So a healthy network carries no extra messages for reliability, a partitioned one
 * costs one message per `retryMs` per link until it heals, and once everything is
 * acknowledged the link is silent. `whenDelivered` tells when the peer surely holds a value
 * (it acknowledged it or sent it itself), so a node can wait for a second copy to exist.
 */

import type { BaseBody } from "../node/messages.ts";

/** The one node-to-node message: new values, and the values from the recipient it acknowledges. */
export interface GossipBatch extends BaseBody {
  type: "gossip_batch";
  values: number[];
  ack: number[];
}

/** The message a PeerLink sends, fire and forget: a program that uses links adds it to its node's protocol. */
export type PeerLinkMessages = {
  gossip_batch: { request: GossipBatch; reply: never };
};

/** How patient a link is. */
export interface LinkTiming {
  /**
   * Resend a value the peer has not acknowledged after this long (must exceed the peer's ack delay plus a round trip).
   */
  retryMs: number;
  /** Send an acknowledgement on its own once it has waited this long for a ride. */
  ackDelayMs: number;
}

/** One peer's outbox and the acknowledgements owed to it. */
export class PeerLink {
  private readonly unsent = new Set<number>();
  /** Value → when it was last sent; kept in send order, so the oldest comes first. */
  private readonly inFlight = new Map<number, number>();
  private owedAcks: number[] = [];
  private owedSinceMs = 0;
  /** A retry was needed and the peer has not been heard from since: send only every retryMs. */
  private peerSilent = false;
  private lastSentMs = Number.NEGATIVE_INFINITY;
  /** Value → callers waiting for the peer to hold it. */
  private readonly deliveryWaiters = new Map<number, (() => void)[]>();

  constructor(
    readonly peer: string,
    private readonly timing: LinkTiming,
  ) {}

  /** Queues `value` for the next flush, unless it is already on its way. */
  enqueue(value: number): void {
    if (!this.inFlight.has(value)) this.unsent.add(value);
  }

  /** Takes in a gossip from the peer: its acks settle our values, its values are owed an ack. */
  receive(body: GossipBatch, nowMs: number): void {
    this.peerHolds(body.ack);
    this.peerHolds(body.values);
    if (body.values.length === 0) return;
    if (this.owedAcks.length === 0) this.owedSinceMs = nowMs;
    this.owedAcks.push(...body.values);
  }

  /** The peer was heard from and holds `values` (e.g. in a state it sent): no need to send them there. */
  peerHolds(values: Iterable<number>): void {
    this.peerSilent = false;
    for (const value of values) this.forget(value);
  }

  /** Resolves once the peer holds `value`: at once unless it waits to be sent or acknowledged. */
  whenDelivered(value: number): Promise<void> {
    if (!this.unsent.has(value) && !this.inFlight.has(value)) return Promise.resolve();
    return new Promise((resolve) => {
      const waiters = this.deliveryWaiters.get(value);
      if (waiters) waiters.push(resolve);
      else this.deliveryWaiters.set(value, [resolve]);
    });
  }

  /**
   * The gossip to send now, or undefined when there is nothing worth a message: unsent values,
   * everything in flight once the oldest has waited `retryMs` for its ack, and the owed acks
   * (alone only once `ackDelayMs` old). A silent peer gets at most one message per `retryMs`.
   */
  takeBatch(nowMs: number): GossipBatch | undefined {
    if (this.peerSilent && nowMs - this.lastSentMs < this.timing.retryMs) return undefined;
    const values = [...this.unsent];
    const oldestSentMs = this.inFlight.values().next().value;
    const retryDue = oldestSentMs !== undefined && nowMs - oldestSentMs >= this.timing.retryMs;
    // One retry carries everything in flight, so retries do not trickle out value by value.
    if (retryDue) values.push(...this.inFlight.keys());
    const ackDue = this.owedAcks.length > 0 && nowMs - this.owedSinceMs >= this.timing.ackDelayMs;
    if (values.length === 0 && !ackDue) return undefined;

    this.unsent.clear();
    for (const value of values) {
      this.inFlight.delete(value); // re-inserted at the end: send order stays oldest-first
      this.inFlight.set(value, nowMs);
    }
    if (retryDue) this.peerSilent = true;
    this.lastSentMs = nowMs;
    const batch: GossipBatch = { type: "gossip_batch", values, ack: this.owedAcks };
    this.owedAcks = [];
    return batch;
  }

  /** True when nothing waits to be sent or acknowledged in either direction. */
  get idle(): boolean {
    return this.unsent.size === 0 && this.inFlight.size === 0 && this.owedAcks.length === 0;
  }

  private forget(value: number): void {
    this.unsent.delete(value);
    this.inFlight.delete(value);
    const waiters = this.deliveryWaiters.get(value);
    if (!waiters) return;
    this.deliveryWaiters.delete(value);
    for (const resolve of waiters) resolve();
  }
}
