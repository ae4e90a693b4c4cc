/**
 * The node's source of time and timers. Injected so unit tests drive rpc timeouts and
 * `every()` ticks with a fake clock instead of real sleeps (STYLE.md 5).
 */

/** An opaque timer handle, only good for the clock that made it. */
export type TimerHandle = unknown;

/** Timers and the current time, as the node uses them. */
export interface Clock {
  /** Milliseconds since some fixed point. */
  nowMs(): number;
  /** Runs `fn` once after `delayMs`. */
  setTimeout(fn: () => void, delayMs: number): TimerHandle;
  /** Runs `fn` every `periodMs` until cleared. */
  setInterval(fn: () => void, periodMs: number): TimerHandle;
  /** Cancels a timeout or interval; unknown or finished handles are ignored. */
  clear(handle: TimerHandle): void;
}

/** The real clock: Bun's timers and `performance.now()`. */
export const realClock: Clock = {
  nowMs: () => performance.now(),
  setTimeout: (fn, delayMs) => setTimeout(fn, delayMs),
  setInterval: (fn, periodMs) => setInterval(fn, periodMs),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

interface FakeTimer {
  dueMs: number;
  /** Creation order: breaks ties between timers due at the same time. */
  sequence: number;
  periodMs: number | undefined;
  fn: () => void;
}

/** A clock that only moves when a test calls `advanceMs`; timers fire in due order. */
export class FakeClock implements Clock {
  private currentMs = 0;
  private sequence = 0;
  private readonly timers = new Set<FakeTimer>();

  /** The fake time in milliseconds (starts at 0). */
  nowMs(): number {
    return this.currentMs;
  }

  /** Schedules `fn` at now + delayMs. */
  setTimeout(fn: () => void, delayMs: number): TimerHandle {
    return this.add(fn, delayMs, undefined);
  }

  /** Schedules `fn` every periodMs, first at now + periodMs. */
  setInterval(fn: () => void, periodMs: number): TimerHandle {
    if (!(periodMs > 0)) throw new RangeError(`fake interval needs periodMs > 0, got ${periodMs}`);
    return this.add(fn, periodMs, periodMs);
  }

  /** Cancels a timer made by this clock. */
  clear(handle: TimerHandle): void {
    this.timers.delete(handle as FakeTimer);
  }

  /** How many timers are scheduled (a stopped node should have none). */
  get pendingCount(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, running every timer that falls due, in order. */
  advanceMs(ms: number): void {
    const targetMs = this.currentMs + ms;
    for (;;) {
      const next = this.earliest();
      if (next === undefined || next.dueMs > targetMs) break;
      this.currentMs = next.dueMs;
      if (next.periodMs === undefined) this.timers.delete(next);
      else next.dueMs += next.periodMs;
      next.fn();
    }
    this.currentMs = targetMs;
  }

  private add(fn: () => void, delayMs: number, periodMs: number | undefined): FakeTimer {
    const timer = { dueMs: this.currentMs + Math.max(0, delayMs), sequence: this.sequence++, periodMs, fn };
    this.timers.add(timer);
    return timer;
  }

  private earliest(): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const timer of this.timers) {
      if (best === undefined || timer.dueMs < best.dueMs || (timer.dueMs === best.dueMs && timer.sequence < best.sequence)) {
        best = timer;
      }
    }
    return best;
  }
}
