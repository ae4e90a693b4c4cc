/**
 * Virtual time for the simulated world: one queue of events ordered by virtual time, then by
 * the order they were scheduled in, as madsim's and FoundationDB's simulators keep one timer
 * queue for the whole cluster. The runner's timers (network, clients, generator, nemesis) and
 * every node's timers and deliveries are events in it; time jumps from one event to the next.
 * An event may belong to a node: the world then holds it while that node is paused and drops
 * it once that node is gone (madsim's task/mod.rs does the same with a node's tasks).
 */
import type { Cancel, Clock } from "../primitives/clock.ts";

/** Whoever an event belongs to: a simulated node instance. */
export interface EventOwner {
  /** The node's index in the run's node list (for the watchdog). */
  readonly index: number;
  /** Killed or exited: its events are dropped. */
  readonly gone: boolean;
  /** Paused: its events are held until it resumes. */
  readonly paused: boolean;
  /** Takes an event that came due while paused. */
  hold(event: SimEvent): void;
  /** An exception its code threw and did not catch, or a rejection it left unhandled. */
  uncaught(kind: "exception" | "rejection", error: unknown): void;
}

/** One thing that happens at one virtual moment. */
export interface SimEvent {
  atMs: number;
  sequence: number;
  run: () => void;
  owner: EventOwner | undefined;
  cancelled: boolean;
  /** The message a delivery hands over: its network id and body type (for the watchdog). */
  label?: { messageId: number; type: string };
}

/**
 * A binary min-heap of events, earliest first, ties in scheduling order. Sifting moves the
 * one element along a hole instead of swapping pairs: a run pushes and pops every event.
 */
class EventHeap {
  private readonly items: SimEvent[] = [];

  get size(): number {
    return this.items.length;
  }

  push(event: SimEvent): void {
    const items = this.items;
    let i = items.length;
    items.push(event);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = items[parent]!;
      if (!earlier(event, above)) break;
      items[i] = above;
      i = parent;
    }
    items[i] = event;
  }

  pop(): SimEvent | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    const count = items.length;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= count) break;
      const right = left + 1;
      const child = right < count && earlier(items[right]!, items[left]!) ? right : left;
      if (!earlier(items[child]!, last)) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = last;
    return top;
  }
}

function earlier(a: SimEvent, b: SimEvent): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.sequence < b.sequence);
}

/** The virtual clock and its event queue; it reads 0 when the run starts. */
export class SimClock implements Clock {
  private currentMs = 0;
  private sequence = 0;
  private readonly queue = new EventHeap();

  nowMs(): number {
    return this.currentMs;
  }

  after(delayMs: number, fn: () => void): Cancel {
    const event = this.schedule(delayMs, fn, undefined);
    return () => {
      event.cancelled = true;
    };
  }

  /** Schedules `run` at now + delayMs (a negative or NaN delay counts as 0), for `owner` if given. */
  schedule(delayMs: number, run: () => void, owner: EventOwner | undefined, label?: SimEvent["label"]): SimEvent {
    const atMs = this.currentMs + (delayMs > 0 ? delayMs : 0);
    const event: SimEvent = { atMs, sequence: this.sequence++, run, owner, cancelled: false, label };
    this.queue.push(event);
    return event;
  }

  /** Puts held events back, due now, in the order they first came due. */
  release(events: readonly SimEvent[]): void {
    for (const event of events) {
      event.atMs = this.currentMs;
      event.sequence = this.sequence++;
      this.queue.push(event);
    }
  }

  /** How many events are queued (cancelled ones included until they come up). */
  get pending(): number {
    return this.queue.size;
  }

  /** Takes the next event and moves time to it; undefined when nothing is queued. */
  next(): SimEvent | undefined {
    const event = this.queue.pop();
    if (event && event.atMs > this.currentMs) this.currentMs = event.atMs;
    return event;
  }
}
