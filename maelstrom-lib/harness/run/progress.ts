/** The live one-line progress display: elapsed time and op counts, redrawn once a second. */
import type { Clock } from "../primitives/clock.ts";
import type { History } from "../contracts/history.ts";

const REDRAW_MS = 1000;
/** Without a terminal, print a full line this often instead of redrawing. */
const PLAIN_LINE_EVERY_MS = 10_000;

export class Progress {
  private timer: ReturnType<typeof setInterval> | undefined;
  private lastPlainMs = 0;

  constructor(
    private readonly history: History,
    private readonly clock: Clock,
    private readonly enabled: boolean,
  ) {}

  start(): void {
    if (!this.enabled) return;
    this.timer = setInterval(() => this.draw(), REDRAW_MS);
  }

  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    if (process.stderr.isTTY) process.stderr.write("\n");
  }

  private draw(): void {
    const { invoke, ok, fail, info } = this.history.counts;
    const nowMs = this.clock.nowMs();
    const line = `[${(nowMs / 1000).toFixed(1)} s] ops ${invoke}  ok ${ok}  fail ${fail}  info ${info}`;
    if (process.stderr.isTTY) {
      process.stderr.write(`\r${line}\x1b[K`);
    } else if (nowMs - this.lastPlainMs >= PLAIN_LINE_EVERY_MS) {
      this.lastPlainMs = nowMs;
      process.stderr.write(`${line}\n`);
    }
  }
}
