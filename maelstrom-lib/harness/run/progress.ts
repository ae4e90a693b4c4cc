/**
 * The live one-line progress display: the phase (main, recovery, final), how far into it, the
 * run's total time, and op counts, redrawn once a second on a terminal. A console line printed
 * meanwhile clears it first and redraws it after, so every log line stands on a line of its own.
 */
import type { Clock } from "../primitives/clock.ts";
import type { History } from "../contracts/history.ts";

const REDRAW_MS = 1000;
/** Without a terminal, print a full line this often instead of redrawing. */
const PLAIN_LINE_EVERY_MS = 10_000;

/** Where the run is: the phase's name, when it started, and how long it lasts when that is known. */
interface Phase {
  name: string;
  startMs: number;
  lengthMs?: number;
}

/** Where the line goes: a terminal redraws it in place, anything else gets a full line now and then. */
export interface ProgressOutput {
  isTTY?: boolean;
  write(text: string): unknown;
}

/** The progress line of one run; silent unless enabled. */
export class Progress {
  private timer: ReturnType<typeof setInterval> | undefined;
  private phase: Phase | undefined;
  private lastPlainMs = 0;
  /** Whether the terminal's current line holds the progress line. */
  private drawn = false;

  constructor(
    private readonly history: History,
    private readonly clock: Clock,
    private readonly enabled: boolean,
    private readonly output: ProgressOutput = process.stderr,
  ) {}

  /** Enters a phase (`lengthMs` when it has a known length) and starts redrawing if not yet. */
  enter(name: string, lengthMs?: number): void {
    if (!this.enabled) return;
    this.phase = { name, startMs: this.clock.nowMs(), ...(lengthMs === undefined ? {} : { lengthMs }) };
    this.timer ??= setInterval(() => this.draw(), REDRAW_MS);
    if (this.output.isTTY) this.draw();
  }

  /** Stops redrawing and leaves the cursor on a fresh line. */
  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.clear();
  }

  /** Prints `print`'s console line on a line of its own: the progress line is cleared first and redrawn after. */
  around(print: () => void): void {
    const redraw = this.drawn;
    this.clear();
    print();
    if (redraw && this.timer) this.draw();
  }

  /** The line as drawn now: "[main 12.3 s of 60 s · total 13.1 s] ops 61  ok 60  fail 0  info 1". */
  line(): string {
    const { invoke, ok, fail, info } = this.history.counts;
    const nowMs = this.clock.nowMs();
    const phase = this.phase;
    const of = phase?.lengthMs === undefined ? "" : ` of ${seconds(phase.lengthMs, 0)}`;
    const into = phase ? `${phase.name} ${seconds(nowMs - phase.startMs)}${of} · ` : "";
    return `[${into}total ${seconds(nowMs)}] ops ${invoke}  ok ${ok}  fail ${fail}  info ${info}`;
  }

  private clear(): void {
    if (!this.drawn) return;
    this.output.write("\r\x1b[K");
    this.drawn = false;
  }

  private draw(): void {
    if (this.output.isTTY) {
      this.output.write(`\r${this.line()}\x1b[K`);
      this.drawn = true;
      return;
    }
    const nowMs = this.clock.nowMs();
    if (nowMs - this.lastPlainMs < PLAIN_LINE_EVERY_MS) return;
    this.lastPlainMs = nowMs;
    this.output.write(`${this.line()}\n`);
  }
}

/** "12.3 s", or "60 s" with no decimals. */
function seconds(ms: number, digits = 1): string {
  return `${(ms / 1000).toFixed(digits)} s`;
}
