/**
 * The nemesis schedule against Jepsen's generator: the first op at once, then gaps uniform in
 * [0, 2·interval), and no op scheduled at or after the time limit (generator.clj TimeLimit).
 * Checked on the fake clock, which fires timers exactly on time, and on the real one, whose
 * timers fire up to a millisecond early.
 */
import { describe, expect, test } from "bun:test";
import { FakeClock, RealClock, sleep, type Clock } from "../primitives/clock.ts";
import { dbNodes, NODE_SPECS, NodeFault, PauseLog, type NodeControl, type NodeSpec } from "./db-faults.ts";
import { History } from "../contracts/history.ts";
import { Nemesis, PartitionFault, type Fault, type FaultOp } from "./nemesis.ts";
import { Network } from "../world/net.ts";
import { Rng } from "../primitives/rng.ts";

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
  test(
    "on the fake clock, ops go at the scheduled times (to the 1 ms step), " + "and none at or after the deadline",
    async () => {
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
        expect(history.ops.map((op) => op.f).slice(0, 4)).toEqual([
          "start-thing",
          "start-thing",
          "stop-thing",
          "stop-thing",
        ]);
      }
    },
  );

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
    const nemesis = new Nemesis(
      [{ faults: [new PartitionFault(network, ["n0", "n1", "n2"], new Rng(3))], rng: new Rng(4) }],
      {
        history,
        clock,
        intervalMs: 1e9,
      },
    );
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

/** A fault whose ops take `applyMs` on the clock and are recorded under its own names. */
class SlowFault implements Fault {
  constructor(
    private readonly name: string,
    private readonly clock: Clock,
    private readonly applyMs: number,
  ) {}
  start(): FaultOp {
    return { f: `start-${this.name}`, value: null, apply: () => sleep(this.clock, this.applyMs).then(() => "started") };
  }
  stop(): FaultOp {
    return { f: `stop-${this.name}`, value: null, apply: () => sleep(this.clock, this.applyMs).then(() => "stopped") };
  }
  clear(): void {}
}

/** Advances a fake clock 1 ms at a time, letting the nemesis act after each step. */
async function advance(clock: FakeClock, ms: number): Promise<void> {
  for (let t = 0; t < ms; t++) {
    clock.advance(1);
    await Bun.sleep(0);
  }
}

describe("nemesis packages", () => {
  test(
    "a package mixes its faults' flip-flops (gen/mix): each op goes to a random fault, which alternates start " +
      "and stop",
    async () => {
      for (const seed of [1, 2, 3]) {
        const clock = new FakeClock();
        const history = new History(clock);
        const faults = [new SlowFault("a", clock, 0), new SlowFault("b", clock, 0)];
        const nemesis = new Nemesis([{ faults, rng: new Rng(seed) }], { history, clock, intervalMs: 50 });
        const done = nemesis.run(1000, () => false);
        await advance(clock, 1100);
        await done;
        // The replay: pick a fault, then draw the gap, as the package does.
        const rng = new Rng(seed);
        const active = [false, false];
        const expected: string[] = [];
        for (let atMs = 0; atMs < 1000; atMs += rng.float() * 100) {
          const i = rng.int(0, 2);
          expected.push(`${active[i] ? "stop" : "start"}-${"ab"[i]}`);
          active[i] = !active[i];
        }
        const invocations = history.ops.filter((_, i) => i % 2 === 0).map((op) => op.f);
        expect(invocations).toEqual(expected);
        expect(new Set(invocations)).toEqual(new Set(["start-a", "stop-a", "start-b", "stop-b"]));
      }
    },
  );

  test(
    "packages run side by side (gen/any) on one nemesis thread: ops never overlap, and stopAll stops each fault " +
      "in order",
    async () => {
      const clock = new FakeClock();
      const history = new History(clock);
      const slow = (name: string, seed: number) => ({ faults: [new SlowFault(name, clock, 30)], rng: new Rng(seed) });
      const nemesis = new Nemesis([slow("p", 1), slow("q", 2)], { history, clock, intervalMs: 20 });
      const done = nemesis.run(500, () => false);
      await advance(clock, 700);
      await done;
      const ops = history.ops;
      expect(ops.length).toBeGreaterThan(8);
      for (let i = 0; i < ops.length; i += 2) {
        expect(ops[i + 1]!.f).toBe(ops[i]!.f); // each invocation is followed by its own completion
        expect(ops[i + 1]!.time - ops[i]!.time).toBeGreaterThanOrEqual(30e6);
      }
      expect(ops.some((op) => op.f.endsWith("-p")) && ops.some((op) => op.f.endsWith("-q"))).toBe(true);
      // An op that waited for the thread past the deadline was dropped: none starts at or after it.
      for (let i = 0; i < ops.length; i += 2) expect(ops[i]!.time).toBeLessThan(500e6);
      const before = ops.length;
      const stopped = nemesis.stopAll();
      await advance(clock, 100);
      await stopped;
      expect(history.ops.slice(before).map((op) => op.f)).toEqual(["stop-p", "stop-p", "stop-q", "stop-q"]);
    },
  );
});

describe("Jepsen's db package: node specs and the kill and pause faults", () => {
  test("db-nodes picks as many distinct nodes as each spec says", () => {
    for (let n = 1; n <= 7; n++) {
      const nodes = Array.from({ length: n }, (_, i) => `n${i}`);
      const sizes = {
        one: 1,
        "minority-third": Math.floor((n - 1) / 3),
        minority: Math.floor(n / 2),
        majority: Math.floor(n / 2) + 1,
        all: n,
      };
      const nilSizes = new Set<number>();
      for (let seed = 1; seed <= 60; seed++) {
        const rng = new Rng(seed);
        for (const spec of NODE_SPECS) {
          const picked = dbNodes(spec, nodes, rng);
          expect(new Set(picked).size).toBe(picked.length);
          for (const node of picked) expect(nodes).toContain(node);
          if (spec === null) nilSizes.add(picked.length);
          else expect(picked.length).toBe(sizes[spec]);
        }
      }
      // nil is random-nonempty-subset: every size from 1 to n turns up.
      expect([...nilSizes].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    }
    expect(dbNodes("majority", ["a", "b", "c", "d", "e"], new Rng(9))).toEqual(
      dbNodes("majority", ["a", "b", "c", "d", "e"], new Rng(9)),
    );
  });

  test("kill and pause record Jepsen's :f names, the node spec, and node → result; stop acts on all", () => {
    const calls: string[] = [];
    const control: NodeControl = {
      kill: (id) => (calls.push(`kill ${id}`), "killed"),
      start: (id) => (calls.push(`start ${id}`), id === "n1" ? "started" : "already-running"),
      pause: (id) => (calls.push(`pause ${id}`), "paused"),
      resume: (id) => (calls.push(`resume ${id}`), "resumed"),
    };
    const nodes = ["n0", "n1", "n2"];
    const rng = new Rng(5);
    const kill = NodeFault.kill(control, nodes, rng);
    for (let i = 0; i < 20; i++) {
      const op = kill.start();
      expect(op.f).toBe("kill");
      expect(NODE_SPECS).toContain(op.value as NodeSpec);
      calls.length = 0;
      const result = op.apply() as Record<string, string>;
      expect(Object.values(result).every((v) => v === "killed")).toBe(true);
      expect(calls).toEqual(Object.keys(result).map((id) => `kill ${id}`));
    }
    const start = kill.stop();
    expect([start.f, start.value]).toEqual(["start", "all"]);
    expect(start.apply()).toEqual({ n0: "already-running", n1: "started", n2: "already-running" });
    const pause = NodeFault.pause(control, nodes, rng);
    expect(pause.start().f).toBe("pause");
    expect([pause.stop().f, pause.stop().value]).toEqual(["resume", "all"]);
    calls.length = 0;
    pause.clear(); // a paused node is resumed at teardown
    expect(calls).toEqual(["resume n0", "resume n1", "resume n2"]);
    calls.length = 0;
    kill.clear(); // a killed one stays dead: teardown kills every node anyway
    expect(calls).toEqual([]);
  });
});

describe("the pause log", () => {
  test("tells whether a node was paused at some moment of a span, open pauses included", () => {
    const log = new PauseLog();
    log.paused("n0", 100);
    log.resumed("n0", 200);
    log.paused("n0", 500);
    expect(log.pausedDuring("n0", 0, 99)).toBe(false);
    expect(log.pausedDuring("n0", 0, 100)).toBe(true);
    expect(log.pausedDuring("n0", 150, 160)).toBe(true);
    expect(log.pausedDuring("n0", 201, 499)).toBe(false);
    expect(log.pausedDuring("n0", 900, 1000)).toBe(true); // still paused
    expect(log.pausedDuring("n1", 0, 1000)).toBe(false);
  });
});
