/**
 * What a simulation shows its watchdog, through memory the two threads share: how many events
 * have run, and which node and message the current one belongs to. The worker running the
 * simulation writes it before every event; the thread that started it reads it, and stops the
 * worker when a node's event has not handed control back for too long (an endless loop).
 */

/** Int32 slots of the shared memory. */
const SLOT = { events: 0, node: 1, messageId: 2, typeBytes: 3 } as const;
const TIME_OFFSET_BYTES = 16;
const TYPE_OFFSET_BYTES = 24;
const TYPE_MAX_BYTES = 48;

/** The size of the shared memory a watch needs. */
export const WATCH_BYTES = TYPE_OFFSET_BYTES + TYPE_MAX_BYTES;

/** The message id the watch shows while a node's program is loading (a delivery shows its message's id). */
export const LOADING_MESSAGE_ID = -2;
/** The message id the watch shows while a node's timer runs. */
export const TIMER_MESSAGE_ID = -1;

/** The simulation's side: one write per event. */
export class WatchWriter {
  private readonly slots: Int32Array;
  private readonly bytes: Uint8Array;
  private readonly time: Float64Array;
  private readonly encoder = new TextEncoder();

  constructor(memory: SharedArrayBuffer) {
    this.slots = new Int32Array(memory, 0, 4);
    this.bytes = new Uint8Array(memory, TYPE_OFFSET_BYTES, TYPE_MAX_BYTES);
    this.time = new Float64Array(memory, TIME_OFFSET_BYTES, 1);
  }

  /** An event starts at virtual `nowMs`: of node `node` (-1: the runner's), for a message or a timer. */
  event(nowMs: number, node: number, label: { messageId: number; type: string } | undefined): void {
    const slots = this.slots;
    this.time[0] = nowMs;
    slots[SLOT.node] = node;
    slots[SLOT.messageId] = label?.messageId ?? TIMER_MESSAGE_ID;
    slots[SLOT.typeBytes] = label ? this.encoder.encodeInto(label.type, this.bytes).written : 0;
    Atomics.add(slots, SLOT.events, 1);
  }

  /** No node code runs now (the run is analyzed or written). */
  idle(): void {
    this.slots[SLOT.node] = -1;
    Atomics.add(this.slots, SLOT.events, 1);
  }
}

/** What the watchdog reads. */
export interface WatchReading {
  events: number;
  /** The node's index in the run's node list, or -1 when no node code is running. */
  node: number;
  messageId: number;
  /** The body type of the message being handled ("" for a timer). */
  type: string;
  /** The event's virtual time. */
  nowMs: number;
}

/** Reads the watch (from the other thread). */
export function readWatch(memory: SharedArrayBuffer): WatchReading {
  const slots = new Int32Array(memory, 0, 4);
  const typeBytes = Atomics.load(slots, SLOT.typeBytes);
  return {
    events: Atomics.load(slots, SLOT.events),
    node: Atomics.load(slots, SLOT.node),
    messageId: Atomics.load(slots, SLOT.messageId),
    type: new TextDecoder().decode(new Uint8Array(memory, TYPE_OFFSET_BYTES, typeBytes).slice()),
    nowMs: new Float64Array(memory, TIME_OFFSET_BYTES, 1)[0]!,
  };
}
