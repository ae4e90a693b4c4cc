/**
 * The nemesis schedule against Jepsen's generator: the first op at once, then gaps uniform in
 * [0, 2·interval), and no op scheduled at or after the time limit (generator.clj TimeLimit).
 * Checked on the fake clock, which fires timers exactly on time, and on the real one, whose
 * timers fire up to a millisecond early.
 */
import { describe, expect, test } from "bun:test";
import { FakeClock, RealClock, type Clock } from "./clock.ts";
import { History } from "./generator.ts";
import { Nemesis, PartitionFault, type Fault, type FaultOp } from "./nemesis.ts";
import { Network } from "./net.ts";
import { Rng } from "./rng.ts";

/** A fault that only counts: it draws nothing from the rng, so the schedule's gaps can be replayed. */
class CountingFault implements Fault {
  active = false;
  start(): FaultOp {
    return { f: "start-thing", value: null, apply: () => this.set(true) };
  }
  stop(): FaultOp {
    return { f: "stop-thing", value: null, apply: () => this.set(false) };
  }
  private set(active: boolean): string {
    this.active = active;
    return active ? "started" : "stopped";
  }
  clear(): void {
    this.active = false;
  }
}

function nemesisOn(clock: Clock, seed: number, intervalMs: number) {
  const history = new History(clock);
  const fault = new CountingFault();
  const nemesis = new Nemesis([{ faults: [fault], rng: new Rng(seed) }], { history, clock, intervalMs });
  const invocationsMs = () => history.ops.filter((_, i) => i % 2 === 0).map((op) => op.time / 1e6);
  return { history, fault, nemesis, invocationsMs };
}

/** The times Jepsen would schedule ops at, on a clock that is never late: cumulative gaps below the cut-off. */
function idealSchedule(seed: number, intervalMs: number, deadlineMs: number): number[] {
  const rng = new Rng(seed);
  const times: number[] = [];
  for (let atMs = 0; atMs < deadlineMs; atMs += rng.float() * 2 * intervalMs) times.push(atMs);
  return times;
}

describe("nemesis schedule", () => {
  test("on the fake clock, ops go at the scheduled times (to the 1 ms step), and none at or after the deadline", async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const clock = new FakeClock();
      const { nemesis, invocationsMs, history } = nemesisOn(clock, seed, 100);
      const done = nemesis.run(1000, () => false);
      for (let t = 0; t < 1100; t++) {
        clock.advance(1);
        await Bun.sleep(0);
      }
      await done;
      const expected = idealSchedule(seed, 100, 1000);
      expect(invocationsMs().length).toBe(expected.length);
      // The nemesis resumes in a microtask after each 1 ms advance, so it acts within that step.
      invocationsMs().forEach((atMs, i) => {
        expect(atMs).toBeGreaterThanOrEqual(expected[i]!);
        expect(atMs).toBeLessThanOrEqual(expected[i]! + 1);
      });
      expect(history.ops.map((op) => op.f).slice(0, 4)).toEqual(["start-thing", "start-thing", "stop-thing", "stop-thing"]);
    }
  });

  test("on the real clock, no op comes after the last one scheduled before the deadline", async () => {
    // An interval of 100 s: every gap after the first op falls past a 150 ms deadline (checked
    // below), so the only op is the first start. A timer that fires early must not slip one in.
    const seeds = Array.from({ length: 40 }, (_, i) => i + 1)
      .filter((seed) => idealSchedule(seed, 100_000, 150).length === 1)
      .slice(0, 12);
    expect(seeds.length).toBe(12);
    const runs = seeds.map((seed) => nemesisOn(new RealClock(), seed, 100_000));
    await Promise.all(runs.map((run) => run.nemesis.run(150, () => false)));
    for (const run of runs) {
      expect(run.history.ops.map((op) => op.f)).toEqual(["start-thing", "start-thing"]);
      expect(run.fault.active).toBe(true);
    }
  });

  test("on the real clock, with many ops, every invocation is before the deadline and none is early", async () => {
    const deadlineMs = 300;
    const runs = [11, 12, 13].map((seed) => ({ seed, ...nemesisOn(new RealClock(), seed, 10) }));
    await Promise.all(runs.map((run) => run.nemesis.run(deadlineMs, () => false)));
    for (const run of runs) {
      const ideal = idealSchedule(run.seed, 10, deadlineMs);
      const actual = run.invocationsMs();
      expect(actual.length).toBeGreaterThan(5);
      expect(actual.length).toBeLessThanOrEqual(ideal.length); // lateness only pushes ops later
      for (const atMs of actual) expect(atMs).toBeLessThan(deadlineMs + 5); // issued late at most by a stall
      actual.forEach((atMs, i) => expect(atMs).toBeGreaterThanOrEqual(ideal[i]! - 0.001)); // never before its time
    }
  });

  test("stopAll stops every fault before the final phase; clear undoes it unrecorded", async () => {
    const clock = new FakeClock();
    const history = new History(clock);
    const network = new Network({ clock, rng: new Rng(1), latencyMs: 0, latencyDist: "constant" });
    for (const id of ["n0", "n1", "n2"]) network.register(id, () => {});
    const nemesis = new Nemesis([{ faults: [new PartitionFault(network, ["n0", "n1", "n2"], new Rng(3))], rng: new Rng(4) }], {
      history,
      clock,
      intervalMs: 1e9,
    });
    const done = nemesis.run(1, () => false);
    clock.advance(2);
    await done;
    expect(history.ops.map((op) => [op.f, op.type, op.process])).toEqual([
      ["start-partition", "info", "nemesis"],
      ["start-partition", "info", "nemesis"],
    ]);
    expect((history.ops[1]!.value as unknown[])[0]).toBe("isolated");
    await nemesis.stopAll();
    expect(history.ops.slice(2).map((op) => [op.f, op.value])).toEqual([
      ["stop-partition", null],
      ["stop-partition", "network-healed"],
    ]);
    network.partition(new Map([["n0", new Set(["n1"])]]));
    nemesis.clear();
    expect(network.isPartitioned("n1", "n0")).toBe(false);
    expect(history.ops.length).toBe(4);
  });
});
