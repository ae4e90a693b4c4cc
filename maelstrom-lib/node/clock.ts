/**
 * Time and timers, for the node runtime and the runner alike (harness/clock.ts re-exports this
 * file). Injected so tests drive rpc timeouts, `every()` ticks, a solution's deadlines and the
 * runner's network on a fake clock instead of real sleeps.
 */

/** Cancels a timer; calling it again, or after the timer fired, does nothing. */
export type Cancel = () => void;

/** The current time and one-shot timers: all the runtime and the runner need. */
export interface Clock {
  /** Milliseconds (fractional) since the clock's origin. */
  nowMs(): number;
  /** Calls `fn` once after `delayMs` (a negative delay counts as 0). */
  after(delayMs: number, fn: () => void): Cancel;
}

/** Milliseconds since the Unix epoch, fractional and monotonic within this process. */
function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** The real clock: Bun's timers, and time read as 0 at `originEpochMs` (default: when made). */
export class RealClock implements Clock {
  constructor(private readonly originEpochMs: number = epochMs()) {}

  nowMs(): number {
    return epochMs() - this.originEpochMs;
  }

  after(delayMs: number, fn: () => void): Cancel {
    const handle = setTimeout(fn, Math.max(0, delayMs));
    return () => clearTimeout(handle);
  }
}

/**
 * A node's default clock: milliseconds since the Unix epoch, so every node process on the
 * machine reads the same time (the star broadcast's beats rely on that).
 */
export const realClock: Clock = new RealClock(0);

/** Resolves after `delayMs` on `clock`. */
export function sleep(clock: Clock, delayMs: number): Promise<void> {
  return new Promise((resolve) => clock.after(delayMs, resolve));
}

/**
 * Calls `fn` every `periodMs` on `clock`, first at now + periodMs, until cancelled. Each tick
 * sets the next one before calling `fn`, as setInterval does, so a slow `fn` does not push
 * the schedule back.
 */
export function every(clock: Clock, periodMs: number, fn: () => void): Cancel {
  if (!(periodMs > 0) || !Number.isFinite(periodMs))
    throw new RangeError(`every() needs periodMs > 0, got ${periodMs}`);
  let cancelNext: Cancel;
  const tick = () => {
    cancelNext = clock.after(periodMs, tick);
    fn();
  };
  cancelNext = clock.after(periodMs, tick);
  return () => cancelNext();
}

interface FakeTimer {
  dueMs: number;
  /** Creation order: breaks ties between timers due at the same time. */
  sequence: number;
  fn: () => void;
}

/** A clock that moves only when a test calls `advance`; timers fire in due order. */
export class FakeClock implements Clock {
  private currentMs = 0;
  private sequence = 0;
  private readonly timers = new Set<FakeTimer>();

  /** The fake time in milliseconds (starts at 0). */
  nowMs(): number {
    return this.currentMs;
  }

  /** Schedules `fn` at now + delayMs. */
  after(delayMs: number, fn: () => void): Cancel {
    const timer = { dueMs: this.currentMs + Math.max(0, delayMs), sequence: this.sequence++, fn };
    this.timers.add(timer);
    return () => this.timers.delete(timer);
  }

  /** How many timers are scheduled (a stopped node should have none). */
  get pendingCount(): number {
    return this.timers.size;
  }

  /** Moves time forward by `deltaMs`, running every timer that falls due in order (timers they set too, if due). */
  advance(deltaMs: number): void {
    const targetMs = this.currentMs + deltaMs;
    for (;;) {
      const next = this.earliest();
      if (next === undefined || next.dueMs > targetMs) break;
      this.timers.delete(next);
      this.currentMs = Math.max(this.currentMs, next.dueMs);
      next.fn();
    }
    this.currentMs = targetMs;
  }

  private earliest(): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const timer of this.timers) {
      if (
        best === undefined ||
        timer.dueMs < best.dueMs ||
        (timer.dueMs === best.dueMs && timer.sequence < best.sequence)
      ) {
        best = timer;
      }
    }
    return best;
  }
}
