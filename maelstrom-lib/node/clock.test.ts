/** The one clock of the runtime and the runner: the fake one's order, and the real one's time base. */
import { describe, expect, test } from "bun:test";
import { every, FakeClock, RealClock, realClock, sleep } from "./clock.ts";

describe("FakeClock", () => {
  test("timers fire in due order, ties in creation order, and those they set fire too if due", () => {
    const clock = new FakeClock();
    const fired: string[] = [];
    clock.after(20, () => fired.push(`b@${clock.nowMs()}`));
    clock.after(10, () => {
      fired.push(`a@${clock.nowMs()}`);
      clock.after(5, () => fired.push(`a2@${clock.nowMs()}`));
    });
    clock.after(20, () => fired.push(`c@${clock.nowMs()}`));
    const cancel = clock.after(15, () => fired.push("cancelled"));
    cancel();
    clock.advance(19);
    expect(fired).toEqual(["a@10", "a2@15"]);
    clock.advance(1);
    expect(fired).toEqual(["a@10", "a2@15", "b@20", "c@20"]);
    expect(clock.nowMs()).toBe(20);
    expect(clock.pendingCount).toBe(0);
  });

  test("every() ticks once per period until cancelled, and leaves no timer behind", () => {
    const clock = new FakeClock();
    const ticks: number[] = [];
    const stop = every(clock, 100, () => ticks.push(clock.nowMs()));
    clock.advance(350);
    expect(ticks).toEqual([100, 200, 300]);
    stop();
    clock.advance(1000);
    expect(ticks).toEqual([100, 200, 300]);
    expect(clock.pendingCount).toBe(0);
    expect(() => every(clock, 0, () => {})).toThrow("every() needs periodMs > 0");
  });

  test("sleep resolves when the fake time has passed, not before", async () => {
    const clock = new FakeClock();
    let woke = false;
    const slept = sleep(clock, 50).then(() => (woke = true));
    clock.advance(49);
    await Bun.sleep(0);
    expect(woke).toBe(false);
    clock.advance(1);
    await slept;
    expect(woke).toBe(true);
  });
});

describe("RealClock", () => {
  test("a run's clock starts near 0; a node's reads the Unix epoch, as Date.now() does", () => {
    const runClock = new RealClock();
    expect(runClock.nowMs()).toBeGreaterThanOrEqual(0);
    expect(runClock.nowMs()).toBeLessThan(50);
    expect(Math.abs(realClock.nowMs() - Date.now())).toBeLessThan(50);
  });

  test("sleep and every() keep real time", async () => {
    const clock = new RealClock();
    const ticks: number[] = [];
    const stop = every(clock, 20, () => ticks.push(clock.nowMs()));
    await sleep(clock, 110);
    stop();
    const count = ticks.length;
    expect(clock.nowMs()).toBeGreaterThanOrEqual(110);
    expect(count).toBeGreaterThanOrEqual(2);
    expect(ticks[0]).toBeGreaterThanOrEqual(19);
    await sleep(clock, 50);
    expect(ticks.length).toBe(count);
  });
});
