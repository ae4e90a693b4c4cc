import { expect, test } from "bun:test";
import { FakeClock } from "./clock.ts";
import { Stagger } from "./generator.ts";
import { Rng } from "./rng.ts";

/** Lets every worker continuation run before the fake clock moves on. */
async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

test("the stagger issues ops at the mean rate, first at once, none after the deadline", async () => {
  const clock = new FakeClock();
  const stagger = new Stagger(clock, new Rng(9), 100, 10_000);
  const issuedAtMs: number[] = [];
  let stopped = false;
  const worker = async () => {
    while (await stagger.turn()) issuedAtMs.push(clock.nowMs());
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

test("each op goes to a random waiting worker, not the first in line", async () => {
  const clock = new FakeClock();
  const stagger = new Stagger(clock, new Rng(4), 1000, 1_000);
  const grantsByWorker = [0, 0, 0, 0];
  const order: number[] = [];
  const worker = async (id: number) => {
    while (await stagger.turn()) {
      grantsByWorker[id]!++;
      order.push(id);
    }
  };
  for (let id = 0; id < 4; id++) void worker(id);
  for (let t = 0; t < 1_100; t++) {
    clock.advance(1);
    await flushMicrotasks();
  }
  const total = grantsByWorker.reduce((a, b) => a + b, 0);
  expect(total).toBeGreaterThan(400);
  for (const grants of grantsByWorker) expect(grants).toBeGreaterThan(total / 8);
  // First-in-line would rotate 0,1,2,3,0,…: a worker could never be handed two ops in a row.
  const repeats = order.filter((id, i) => i > 0 && order[i - 1] === id).length;
  expect(repeats).toBeGreaterThan(total / 10);
});

test("a late timer does not cost rate while workers wait: the next op counts from its scheduled time", async () => {
  const fake = new FakeClock();
  const lateTimers = { nowMs: () => fake.nowMs(), after: (ms: number, fn: () => void) => fake.after(ms + 1, fn) }; // Bun's timers: ~1 ms late
  const stagger = new Stagger(lateTimers, new Rng(2), 1000, 2_000);
  let issued = 0;
  for (let worker = 0; worker < 3; worker++) {
    void (async () => {
      while (await stagger.turn()) issued++;
    })();
  }
  for (let t = 0; t < 2_100; t++) {
    fake.advance(1);
    await flushMicrotasks();
  }
  // 1000/s for 2 s; with gaps restarting at each late wake-up about half the rate was lost.
  expect(issued).toBeGreaterThan(1900);
});
