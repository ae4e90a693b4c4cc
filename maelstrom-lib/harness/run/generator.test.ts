import { expect, test } from "bun:test";
import { FakeClock, RealClock, sleep } from "../primitives/clock.ts";
import { heldBackByWorkers } from "./analysis.ts";
import { Stagger } from "./generator.ts";
import { Rng } from "../primitives/rng.ts";
import { PreciseWakeUps } from "../primitives/wake-ups.ts";

/** Lets every worker continuation run before the fake clock moves on. */
async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

test("the stagger issues ops at the mean rate, first at once, none after the deadline", async () => {
  const clock = new FakeClock();
  const stagger = new Stagger(clock, new Rng(9), 100, 10_000, 1);
  const issuedAtMs: number[] = [];
  let stopped = false;
  const worker = async () => {
    while (await stagger.turn(0)) issuedAtMs.push(clock.nowMs());
    stopped = true;
  };
  void worker();
  for (let t = 0; t < 10_100 && !stopped; t += 1) {
    clock.advance(1);
    await flushMicrotasks();
  }
  expect(issuedAtMs[0]).toBe(1); // first op as soon as the worker asked (after the first tick)
  // Recorded when the worker resumes, at the end of the fake tick: at most the deadline itself.
  expect(issuedAtMs.filter((t) => t > 10_000)).toEqual([]);
  expect(issuedAtMs.length).toBeGreaterThan(950); // 100/s for 10 s, gaps uniform in [0, 20) ms
  expect(issuedAtMs.length).toBeLessThan(1050);
  expect(stopped).toBe(true);
});

test(
  "ops go round the threads as Jepsen's rotating index hands" + " them, the nemesis's slot falling through to thread 0",
  async () => {
    // Real Maelstrom histories at --concurrency 5 show threads 0 1 2 3 4 0 0 1 2 3 4 0 0 …
    const run = async (busyForever: number | undefined) => {
      const clock = new FakeClock();
      // Gaps of 1 ms (the span is 2 ms): every worker is back in line before the next op.
      const stagger = new Stagger(clock, new ScriptedRng([0.5]), 1000, 100, 4);
      const order: number[] = [];
      const worker = async (thread: number) => {
        while (await stagger.turn(thread)) {
          order.push(thread);
          if (thread === busyForever) return; // never free again
        }
      };
      for (let thread = 0; thread < 4; thread++) void worker(thread);
      for (let t = 0; t < 110; t++) {
        clock.advance(1);
        await flushMicrotasks();
      }
      return order;
    };
    const cycles = (order: number[]) =>
      Array.from({ length: Math.floor(order.length / 5) }, (_, k) => order.slice(5 * k, 5 * k + 5).join(" "));
    const allFree = await run(undefined);
    expect(allFree.length).toBeGreaterThan(50);
    expect(new Set(cycles(allFree))).toEqual(new Set(["0 1 2 3 0"]));
    // A busy thread is skipped: its turn goes to the next waiting one.
    const oneBusy = await run(2);
    expect(oneBusy.slice(0, 5)).toEqual([0, 1, 2, 3, 0]);
    expect(new Set(cycles(oneBusy.slice(5)))).toEqual(new Set(["0 1 3 3 0"]));
  },
);

/** The real Rng's draws, scripted: `float()` yields `gaps` in turn (then repeats the last). */
class ScriptedRng extends Rng {
  private next = 0;
  constructor(private readonly floats: number[]) {
    super(0);
  }
  override float(): number {
    return this.floats[Math.min(this.next++, this.floats.length - 1)]!;
  }
}

/**
 * Jepsen's Stagger and interpreter on a timer that wakes `lateMs` late, with one worker that is
 * busy `busyMs` after each op: op k+1 goes when the worker is free if the op is due by then,
 * else at its due time plus the wake-up lateness; either way the next is due from that time.
 */
function jepsenIssueTimes(firstMs: number, gapsMs: number[], lateMs: number, busyMs: number): number[] {
  const times = [firstMs];
  for (const gapMs of gapsMs) {
    const issuedMs = times[times.length - 1]!;
    const dueMs = issuedMs + gapMs;
    const freeMs = issuedMs + busyMs;
    times.push(freeMs >= dueMs ? freeMs : dueMs + lateMs);
  }
  return times;
}

test(
  "the stagger follows Jepsen's recurrence: the next op is due a gap" +
    " after the previous op's actual time, so lateness accumulates",
  async () => {
    const fake = new FakeClock();
    const lateTimers = { nowMs: () => fake.nowMs(), after: (ms: number, fn: () => void) => fake.after(ms + 1, fn) };
    // At 100/s the span is 20 ms: these draws give gaps of 10, 5, 15, 2, 19, 0 and 10 ms.
    const floats = [0.5, 0.25, 0.75, 0.1, 0.95, 0, 0.5];
    const busyMs = 3;
    const stagger = new Stagger(lateTimers as FakeClock, new ScriptedRng(floats), 100, 1_000, 1);
    const issuedAtMs: number[] = [];
    void (async () => {
      while (issuedAtMs.length < floats.length + 1 && (await stagger.turn(0))) {
        issuedAtMs.push(fake.nowMs());
        await sleep(fake, busyMs);
      }
    })();
    await flushMicrotasks();
    for (let t = 0; t < 200; t++) {
      fake.advance(1);
      await flushMicrotasks();
    }
    const gapsMs = floats.map((f) => Math.trunc(f * 20e6) / 1e6);
    expect(issuedAtMs).toEqual(jepsenIssueTimes(0, gapsMs, 1, busyMs));
    // Each op's lateness is put down to its cause: the 1 ms late timer, or the worker still busy.
    const dueLate = gapsMs.map((gapMs, k) => issuedAtMs[k + 1]! - (issuedAtMs[k]! + gapMs));
    const waitedForWorker = gapsMs.map((gapMs) => Math.max(0, busyMs - gapMs)).reduce((a, b) => a + b, 0);
    expect(stagger.lateMs.waitingForWorker).toBeCloseTo(waitedForWorker, 9);
    expect(stagger.lateMs.wakeUp).toBeCloseTo(dueLate.reduce((a, b) => a + b, 0) - waitedForWorker, 9);
    expect(stagger.lateMs.wakeUp).toBe(gapsMs.filter((gapMs) => gapMs > busyMs).length);
    // Made-up lateness (scheduling from the due time instead) would have issued the last op earlier.
    const lastDue = gapsMs.reduce((a, b) => a + Math.max(b, busyMs), 0);
    expect(issuedAtMs[issuedAtMs.length - 1]!).toBeGreaterThan(lastDue);
  },
);

test(
  "on the real clock the stagger never makes up a late wake-up: every" +
    " gap is at least its draw, so fewer ops go out than --rate",
  async () => {
    const clock = new RealClock();
    const draws: number[] = [];
    const rng = new (class extends Rng {
      override float(): number {
        const f = super.float();
        draws.push(f);
        return f;
      }
    })(7);
    const rate = 500;
    const stagger = new Stagger(clock, rng, rate, 400, 1, new PreciseWakeUps()); // the real world's wake-ups
    const issuedAtMs: number[] = [];
    const startMs = clock.nowMs(); // the first op goes at once; every stamp can only lag its issue
    while (await stagger.turn(0)) issuedAtMs.push(clock.nowMs());
    stagger.finish();
    // One draw per op: the gap after it.
    const gapsMs = draws.map((f) => Math.trunc(f * (2e9 / rate)) / 1e6);
    // Never ahead of the draws: each op goes out no sooner than the start plus the sum of the gaps
    // before it. The sum, not each gap: ops are stamped when the worker resumes, a microtask after
    // the issue, and on a loaded machine one stamp can lag by milliseconds, which shortens the next
    // interval as seen; a stamp never leads its issue, so the sum holds whatever the load.
    let drawnMs = 0;
    let latenessMs = 0;
    for (let k = 0; k + 1 < issuedAtMs.length; k++) {
      drawnMs += gapsMs[k]!;
      expect(issuedAtMs[k + 1]! - startMs).toBeGreaterThanOrEqual(drawnMs - 1e-6);
      latenessMs += issuedAtMs[k + 1]! - issuedAtMs[k]! - gapsMs[k]!;
    }
    // What the run falls short of --rate by is exactly this accumulated wake-up lateness; real
    // timers are never exactly on time, so it is positive (a lagging stamp cancels out in the sum).
    // How late a wake-up is (a fraction of a millisecond, parked like Jepsen's interpreter) depends
    // on the machine's load, so `bun run bench runner` measures it; a test does not assert it.
    expect(latenessMs).toBeGreaterThan(0);
  },
);

test(
  "ops held back by busy workers are told apart from late" + " wake-ups, and only they make the rate warning",
  async () => {
    const clock = new FakeClock();
    const stagger = new Stagger(clock, new Rng(5), 100, 2_000, 1);
    let issued = 0;
    void (async () => {
      // One worker whose every op takes 50 ms, against a mean gap of 10 ms.
      while (await stagger.turn(0)) {
        issued++;
        await sleep(clock, 50);
      }
    })();
    for (let t = 0; t < 2_100; t++) {
      clock.advance(1);
      await flushMicrotasks();
    }
    expect(issued).toBeLessThan(45);
    expect(stagger.lateMs.wakeUp).toBe(0); // the fake clock's timers are exactly on time
    expect(stagger.lateMs.waitingForWorker).toBeGreaterThan(1_000);
    const phase = { startMs: 0, endMs: 2_000, invocations: issued };
    expect(heldBackByWorkers({ ...phase, lateMs: stagger.lateMs })).toBe(true);
    expect(heldBackByWorkers({ ...phase, lateMs: { wakeUp: 900, waitingForWorker: 100 } })).toBe(false);
  },
);
