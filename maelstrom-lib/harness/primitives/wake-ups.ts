/**
 * How the runner's stagger (run/generator.ts) parks until the next op is due. The world supplies
 * them: on the wall clock a precise sleep, as Jepsen's interpreter parks; on a virtual or fake
 * clock that clock's own timers.
 */
import type { Clock } from "./clock.ts";

/** A one-shot wake-up after a delay; `close` lets go of what it holds. */
export interface WakeUps {
  after(delayMs: number, fn: () => void): void;
  close(): void;
}

/**
 * Wake-ups as precise as a JVM's on Linux (~0.1 ms late), where Jepsen's interpreter parks in
 * `ArrayBlockingQueue.poll` for the exact microseconds until the next op is due. Bun's timers
 * truncate a delay to whole milliseconds and fire ~0.1 ms after that, so a stagger on them
 * woke on average 0.6 ms late (1.6 ms at --rate 1000, where gaps are under 2 ms). A worker
 * thread sleeps the exact delay in `Atomics.wait` and posts back; one per stagger, since it
 * sleeps one delay at a time.
 */
export class PreciseWakeUps implements WakeUps {
  private static readonly SOURCE = `
const cell = new Int32Array(new SharedArrayBuffer(4));
self.onmessage = (event) => {
  if (event.data > 0) Atomics.wait(cell, 0, 0, event.data);
  postMessage(0);
};`;
  private readonly thread: globalThis.Worker;
  private pending: (() => void) | undefined;

  constructor() {
    const url = URL.createObjectURL(new Blob([PreciseWakeUps.SOURCE], { type: "application/javascript" }));
    this.thread = new globalThis.Worker(url);
    this.thread.unref();
    this.thread.onmessage = () => {
      const fn = this.pending;
      this.pending = undefined;
      fn?.();
    };
  }

  after(delayMs: number, fn: () => void): void {
    this.pending = fn;
    this.thread.postMessage(delayMs);
  }

  close(): void {
    this.thread.terminate();
  }
}

/** Wake-ups on a clock's own timers: the simulation's virtual clock, and the fake clock of tests. */
export function clockWakeUps(clock: Clock): WakeUps {
  return { after: (delayMs, fn) => void clock.after(delayMs, fn), close: () => {} };
}
