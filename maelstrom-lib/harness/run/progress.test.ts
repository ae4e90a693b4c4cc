/**
 * The progress line as a terminal shows it: the phase, how far into it, the total time, and
 * every console line printed meanwhile on a line of its own.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { FakeClock } from "../primitives/clock.ts";
import { History } from "../contracts/history.ts";
import { Progress } from "./progress.ts";

/** A terminal that keeps every write, in order. */
class FakeTerminal {
  readonly written: string[] = [];
  constructor(readonly isTTY: boolean) {}
  write(text: string): void {
    this.written.push(text);
  }
}

let progress: Progress | undefined;
afterEach(() => progress?.stop());

function setup(isTTY: boolean) {
  const clock = new FakeClock();
  const history = new History(clock);
  const terminal = new FakeTerminal(isTTY);
  progress = new Progress(history, clock, true, terminal);
  return { clock, history, terminal, progress };
}

describe("the progress line", () => {
  test("names the phase, how far into it of how long, and the run's total time", () => {
    const { clock, history, progress } = setup(true);
    clock.advance(1500);
    progress.enter("main", 60_000);
    clock.advance(12_300);
    history.record({ type: "invoke", process: 0, f: "read", value: null });
    history.record({ type: "ok", process: 0, f: "read", value: [] });
    expect(progress.line()).toBe("[main 12.3 s of 60 s · total 13.8 s] ops 1  ok 1  fail 0  info 0");
    progress.enter("recovery", 10_000);
    clock.advance(2000);
    expect(progress.line()).toStartWith("[recovery 2.0 s of 10 s · total 15.8 s]");
    progress.enter("final");
    expect(progress.line()).toStartWith("[final 0.0 s · total 15.8 s]");
  });

  test("a console line printed while it is drawn gets a line of its own; the line is drawn again under it", () => {
    const { terminal, progress } = setup(true);
    progress.enter("main", 5000);
    progress.around(() => terminal.write("Waiting for recovery...\n"));
    // Before: "[0.0 s] ops 0 …Waiting for recovery..." on one line.
    expect(terminal.written[1]).toBe("\r\x1b[K");
    expect(terminal.written[2]).toBe("Waiting for recovery...\n");
    expect(terminal.written[3]).toStartWith("\r[main 0.0 s of 5 s");
    progress.stop();
    expect(terminal.written.at(-1)).toBe("\r\x1b[K");
  });

  test("without a terminal it prints a full line every 10 s and never redraws", async () => {
    const { clock, terminal, progress } = setup(false);
    progress.enter("main", 60_000);
    progress.around(() => terminal.write("WARN something\n"));
    expect(terminal.written).toEqual(["WARN something\n"]);
    clock.advance(10_000);
    await Bun.sleep(1100); // the redraw timer runs on real time
    expect(terminal.written.slice(1)).toEqual(["[main 10.0 s of 60 s · total 10.0 s] ops 0  ok 0  fail 0  info 0\n"]);
  });
});
