/**
 * The simulated network (Maelstrom's net.clj): one deadline-ordered queue per destination,
 * latency on every link that does not touch a client, partitions checked when a message is
 * dequeued, and every send and delivery handed to the journal as it happens (the run writes it
 * to disk; only the `net` checker's running counts stay here). A node the
 * nemesis killed gets nothing until it is restarted, and then only what was sent after the
 * restart (checked at delivery; such drops have no recv event, as partitioned messages).
 *
 * Delivery per destination is serial, as in Maelstrom: the loop takes the earliest-deadline
 * message queued *now*, sleeps until its deadline, delivers it, and repeats. A message that
 * arrives later with an earlier deadline (a zero-latency client request) waits behind the one
 * being slept on. That head-of-line delay is Maelstrom's and we keep it.
 */
import type { Clock } from "../primitives/clock.ts";
import { DurationHistogram } from "../primitives/quantile.ts";
import { msToNanos } from "../contracts/history.ts";
import type { LatencyDist } from "../contracts/options.ts";
import type { JournalEvent, WireMessage } from "../contracts/journal.ts";
import type { Rng } from "../primitives/rng.ts";

/** A client that has left the network. */
export interface GoneClient {
  lastSendMs: number;
  closedAtMs: number;
}

/** Whoever sits at an address: a node process, a client or a service. */
export type Deliver = (message: WireMessage) => void;

/** Anything whose id starts with "c" is a client (Maelstrom's util/client?). */
export function isClient(id: string): boolean {
  return id.startsWith("c");
}

interface Queued {
  message: WireMessage;
  deadlineMs: number;
  sequence: number;
}

/** A binary min-heap ordered by deadline, ties by send order. */
class DeadlineQueue {
  private heap: Queued[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(item: Queued): void {
    const heap = this.heap;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!earlier(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  pop(): Queued | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && earlier(heap[left]!, heap[smallest]!)) smallest = left;
        if (right < heap.length && earlier(heap[right]!, heap[smallest]!)) smallest = right;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
        i = smallest;
      }
    }
    return top;
  }
}

function earlier(a: Queued, b: Queued): boolean {
  return a.deadlineMs < b.deadlineMs || (a.deadlineMs === b.deadlineMs && a.sequence < b.sequence);
}

/** idle: nothing queued; pumping: delivering due messages now; sleeping: waiting on a deadline. */
type LoopState = "idle" | "pumping" | "sleeping";

interface Endpoint {
  deliver: Deliver;
  queue: DeadlineQueue;
  state: LoopState;
  /**
   * When an ideal (infinitely fast) delivery loop would have delivered the previous message:
   * the next one is due at max(its deadline, this). Lateness is measured against that, so
   * Maelstrom's own head-of-line waits do not count, but a stalled runner does.
   */
  lastIntendedMs: number;
}

/** Traffic counts of one group (all / clients / servers), as Maelstrom's net checker reports. */
export interface TrafficCounts {
  sendCount: number;
  recvCount: number;
  msgCount: number;
}

export interface NetworkOptions {
  clock: Clock;
  rng: Rng;
  latencyMs: number;
  latencyDist: LatencyDist;
  /**
   * Called for every journal event as it happens: the run writes it to net-journal.jsonl (and
   * logs it under --log-net-send / --log-net-recv). The network keeps none of them.
   */
  onEvent?: (event: JournalEvent) => void;
}

/** The network: addresses, queues, partitions, and the journal's counters. */
export class Network {
  private readonly endpoints = new Map<string, Endpoint>();
  /** dest → sources whose messages it currently drops (Jepsen's grudge). */
  private grudge = new Map<string, Set<string>>();
  /**
   * node → the first message id it may receive: Infinity while the nemesis has it killed, the
   * id of its restart's first message after that (so a fresh process never sees a message
   * meant for the one that died, and its init comes first).
   */
  private readonly acceptFrom = new Map<string, number>();
  /** client → when it last sent, kept after it closes (to tell a reply a pause made late). */
  private readonly clientLastSendMs = new Map<string, number>();
  private readonly goneClients = new Map<string, GoneClient>();
  private nextMessageId = 0;
  private sequence = 0;
  /** Sends and recvs so far, per group, as Maelstrom's net checker counts the journal. */
  private readonly traffic = new TrafficCounter();
  /** How late each delivery was against the time the loop meant to deliver it, in ms. */
  readonly lateness = new DurationHistogram();

  constructor(private readonly options: NetworkOptions) {}

  /** Makes `id` reachable; `deliver` receives its messages in deadline order. */
  register(id: string, deliver: Deliver): void {
    if (this.endpoints.has(id)) throw new Error(`address already registered: ${id}`);
    this.endpoints.set(id, { deliver, queue: new DeadlineQueue(), state: "idle", lastIntendedMs: 0 });
  }

  /** Removes `id`; messages still queued for it are dropped, later sends to it are invalid. */
  unregister(id: string): void {
    this.endpoints.delete(id);
    const lastSendMs = this.clientLastSendMs.get(id);
    if (lastSendMs !== undefined) this.goneClients.set(id, { lastSendMs, closedAtMs: this.options.clock.nowMs() });
  }

  /** A client that has closed: when it last sent and when it went; undefined for any other id. */
  goneClient(id: string): GoneClient | undefined {
    return this.goneClients.get(id);
  }

  /** A killed node: every message to it is dropped (no recv event) until `bringUp`. */
  takeDown(id: string): void {
    this.acceptFrom.set(id, Infinity);
  }

  /** A restarted node: it receives the messages sent from now on; older ones are dropped. */
  bringUp(id: string): void {
    this.acceptFrom.set(id, this.nextMessageId);
  }

  /** True while `id` can send and receive. */
  isRegistered(id: string): boolean {
    return this.endpoints.has(id);
  }

  /** Sends a message; the caller has checked that `src` and `dest` are registered. */
  send(src: string, dest: string, body: Record<string, unknown>): WireMessage {
    const endpoint = this.endpoints.get(dest);
    if (!endpoint || !this.endpoints.has(src)) throw new Error(`invalid route ${src} -> ${dest}`);
    const message: WireMessage = { id: this.nextMessageId++, src, dest, body };
    this.record("send", message);
    const nowMs = this.options.clock.nowMs();
    if (isClient(src)) this.clientLastSendMs.set(src, nowMs);
    endpoint.queue.push({ message, deadlineMs: nowMs + this.latencyFor(src, dest), sequence: this.sequence++ });
    if (endpoint.state === "idle") this.pump(dest, endpoint);
    return message;
  }

  /** Adds a grudge: each dest drops messages from the listed sources (on top of existing drops). */
  partition(grudge: ReadonlyMap<string, ReadonlySet<string>>): void {
    for (const [dest, sources] of grudge) {
      const drops = this.grudge.get(dest) ?? new Set<string>();
      for (const src of sources) drops.add(src);
      this.grudge.set(dest, drops);
    }
  }

  /** Heals every partition. */
  heal(): void {
    this.grudge = new Map();
  }

  /** True when messages from `src` to `dest` are currently dropped. */
  isPartitioned(src: string, dest: string): boolean {
    return this.grudge.get(dest)?.has(src) ?? false;
  }

  /** Traffic counts split as Maelstrom does: any client endpoint makes a message client traffic. */
  stats(): TrafficStats {
    return this.traffic.stats();
  }

  private latencyFor(src: string, dest: string): number {
    if (isClient(src) || isClient(dest)) return 0;
    const meanMs = this.options.latencyMs;
    switch (this.options.latencyDist) {
      case "constant":
        return meanMs;
      case "uniform":
        return this.options.rng.int(0, 2 * meanMs);
      case "exponential":
        return Math.floor(this.options.rng.exponential(meanMs));
    }
  }

  /**
   * The delivery loop of one destination: take the earliest message queued now, drop it if
   * partitioned, else sleep until its deadline and deliver it; repeat until the queue is empty.
   */
  private pump(dest: string, endpoint: Endpoint): void {
    const clock = this.options.clock;
    endpoint.state = "pumping"; // a send to `dest` from inside a delivery just queues
    for (;;) {
      if (this.endpoints.get(dest) !== endpoint) return; // unregistered meanwhile
      const next = endpoint.queue.pop();
      if (!next) {
        endpoint.state = "idle";
        return;
      }
      const { message } = next;
      if (this.isPartitioned(message.src, dest)) continue; // dropped: no recv event
      const intendedMs = Math.max(next.deadlineMs, endpoint.lastIntendedMs);
      if (next.deadlineMs > clock.nowMs()) {
        endpoint.state = "sleeping";
        this.deliverAtDeadline(dest, endpoint, message, next.deadlineMs);
        return;
      }
      this.deliver(endpoint, message, intendedMs);
    }
  }

  /** Sleeps until `deadlineMs` (timers may fire a little early: sleep again), delivers, pumps on. */
  private deliverAtDeadline(dest: string, endpoint: Endpoint, message: WireMessage, deadlineMs: number): void {
    const clock = this.options.clock;
    clock.after(deadlineMs - clock.nowMs(), () => {
      if (clock.nowMs() < deadlineMs) {
        this.deliverAtDeadline(dest, endpoint, message, deadlineMs);
        return;
      }
      this.deliver(endpoint, message, deadlineMs);
      this.pump(dest, endpoint);
    });
  }

  /** Delivers unless `dest` is gone or was killed since the message was sent (then dropped, no recv event). */
  private deliver(endpoint: Endpoint, message: WireMessage, intendedMs: number): void {
    if (this.endpoints.get(message.dest) !== endpoint) return;
    if (message.id < (this.acceptFrom.get(message.dest) ?? 0)) return;
    endpoint.lastIntendedMs = intendedMs;
    this.lateness.add(this.options.clock.nowMs() - intendedMs);
    this.record("recv", message);
    endpoint.deliver(message);
  }

  private record(type: "send" | "recv", message: WireMessage): void {
    const event: JournalEvent = {
      type,
      id: message.id,
      time: msToNanos(this.options.clock.nowMs()),
      src: message.src,
      dest: message.dest,
      body: message.body,
    };
    this.traffic.add(event);
    this.options.onEvent?.(event);
  }
}

/** Traffic counts split as Maelstrom's net checker splits them. */
export type TrafficStats = { all: TrafficCounts; clients: TrafficCounts; servers: TrafficCounts };

/**
 * Running counts of journal events (net/journal.clj's `stats` fold): the network keeps them as
 * it goes, and `analyze` counts a journal file with them.
 */
export class TrafficCounter {
  private readonly counts: TrafficStats = { all: emptyCounts(), clients: emptyCounts(), servers: emptyCounts() };

  /** Counts one event; any client endpoint makes it client traffic. */
  add(event: Pick<JournalEvent, "type" | "src" | "dest">): void {
    const group = isClient(event.src) || isClient(event.dest) ? this.counts.clients : this.counts.servers;
    for (const counts of [this.counts.all, group]) {
      if (event.type === "send") {
        counts.sendCount++;
        counts.msgCount++; // every message id has exactly one send event
      } else {
        counts.recvCount++;
      }
    }
  }

  /** The counts so far (copies). */
  stats(): TrafficStats {
    const { all, clients, servers } = this.counts;
    return { all: { ...all }, clients: { ...clients }, servers: { ...servers } };
  }
}

function emptyCounts(): TrafficCounts {
  return { sendCount: 0, recvCount: 0, msgCount: 0 };
}
