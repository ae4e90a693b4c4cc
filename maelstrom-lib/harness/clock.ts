/**
 * Time as the runner sees it: milliseconds since the run started, and timers. Injected so the
 * network and generator can be tested on a fake clock (STYLE.md 5, 10).
 */
export interface Clock {
  /** Milliseconds since the run started (fractional). */
  nowMs(): number;
  /** Calls `fn` after `delayMs`; returns a cancel function. */
  after(delayMs: number, fn: () => void): () => void;
}

/** The real clock, with its origin at construction. */
export class RealClock implements Clock {
  private readonly originMs = performance.now();

  nowMs(): number {
    return performance.now() - this.originMs;
  }

  after(delayMs: number, fn: () => void): () => void {
    const handle = setTimeout(fn, Math.max(0, delayMs));
    return () => clearTimeout(handle);
  }
}

/** A clock that moves only when told to; timers fire in deadline order as it advances. */
export class FakeClock implements Clock {
  private currentMs = 0;
  private sequence = 0;
  private timers: { atMs: number; sequence: number; fn: () => void; cancelled: boolean }[] = [];

  nowMs(): number {
    return this.currentMs;
  }

  after(delayMs: number, fn: () => void): () => void {
    const timer = { atMs: this.currentMs + Math.max(0, delayMs), sequence: this.sequence++, fn, cancelled: false };
    this.timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  /** Advances time by `deltaMs`, firing due timers in order (timers they set fire too if due). */
  advance(deltaMs: number): void {
    const targetMs = this.currentMs + deltaMs;
    for (;;) {
      this.timers = this.timers.filter((t) => !t.cancelled);
      const due = this.timers
        .filter((t) => t.atMs <= targetMs)
        .sort((a, b) => a.atMs - b.atMs || a.sequence - b.sequence)[0];
      if (!due) break;
      this.timers.splice(this.timers.indexOf(due), 1);
      this.currentMs = Math.max(this.currentMs, due.atMs);
      due.fn();
    }
    this.currentMs = targetMs;
  }
}

/** Resolves after `delayMs` on `clock`. */
export function sleep(clock: Clock, delayMs: number): Promise<void> {
  return new Promise((resolve) => clock.after(delayMs, resolve));
}
