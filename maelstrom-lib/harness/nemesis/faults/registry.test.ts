/**
 * A fault is one descriptor: registering a made-up one (clock skew) is enough for `--nemesis` to
 * take it, `--help` to list it, the run's nemesis to schedule it and the report to draw and key
 * its bands. And the descriptors of partition, kill and pause compose the nemesis Maelstrom does.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { parseCommand, usage } from "../../cli/cli.ts";
import { History } from "../../contracts/history.ts";
import { FakeClock, type Clock } from "../../primitives/clock.ts";
import { Rng } from "../../primitives/rng.ts";
import { faultBands, faultKey, faultLanes } from "../../report/fault-bands.ts";
import { nemesisEvents } from "../../report/nemesis-events.ts";
import { renderTimelineHtml } from "../../report/timeline.ts";
import { Network } from "../../world/net.ts";
import { NodeFault, type NodeControl } from "../db-faults.ts";
import { Nemesis, PartitionFault, type FaultOp } from "../nemesis.ts";
import { buildNemesis, faultNames, registerFault, type FaultDescriptor } from "./index.ts";

const repo = new URL("../../../..", import.meta.url).pathname;
const NODES = ["n0", "n1", "n2"];

/** Clock skew, as a new fault would come: its own package, ops, colour and words. */
const skewedNodes = new Set<string>();
const clockSkew: FaultDescriptor = {
  name: "clock-skew",
  help: "moves a node's clock ahead, then back",
  pkg: { name: "clock", rngStream: 0x6e656d33 },
  scheduleOrder: 40,
  ops: { start: "bump-clock", stop: "reset-clock" },
  band: { fill: "#C0E9A0", ink: "#3c7a1e" },
  create: ({ nodeIds, rng }) => ({
    start: (): FaultOp => {
      const node = rng.pick(nodeIds);
      return { f: "bump-clock", value: node, apply: () => (skewedNodes.add(node), { [node]: "bumped" }) };
    },
    stop: (): FaultOp => ({ f: "reset-clock", value: null, apply: () => (skewedNodes.clear(), "reset") }),
    clear: () => skewedNodes.clear(),
  }),
  describe: (invokeValue) => {
    const node = String(invokeValue);
    return { label: `clock of ${node} 500 ms ahead`, nodes: [node], effective: true };
  },
  describeStop: () => "reset every clock",
};

const unregister = registerFault(clockSkew);
afterAll(unregister);

const NO_NODE_CONTROL: NodeControl = {
  kill: () => "killed",
  start: () => "started",
  pause: () => "paused",
  resume: () => "resumed",
};

function worldOn(clock: Clock) {
  const network = new Network({ clock, rng: new Rng(1), latencyMs: 0, latencyDist: "constant" });
  for (const id of NODES) network.register(id, () => {});
  return { network, nodeIds: NODES, nodeControl: NO_NODE_CONTROL };
}

/** Runs `nemesis` on the fake clock until `deadlineMs`, then its final stops. */
async function runOn(clock: FakeClock, nemesis: Nemesis, deadlineMs: number): Promise<void> {
  const done = nemesis.run(deadlineMs, () => false);
  for (let t = 0; t <= deadlineMs; t++) {
    clock.advance(1);
    await Bun.sleep(0);
  }
  await done;
  await nemesis.stopAll();
}

describe("a fault registered by its descriptor alone", () => {
  test("--nemesis takes it (in registration order) and --help lists it with its words", () => {
    const echo = ["test", "-w", "echo", "--bin", "01-echo/main.ts"];
    const command = parseCommand([...echo, "--nemesis", "clock-skew,partition"], repo);
    expect(command.kind === "test" && command.opts.nemesis).toEqual(["partition", "clock-skew"]);
    expect(() => parseCommand([...echo, "--nemesis", "skew"], repo)).toThrow(
      'Invalid --nemesis "skew"; one of partition, kill, pause, clock-skew (comma-separated)',
    );
    const nemesisLine = usage()
      .split("\n")
      .find((line) => line.trimStart().startsWith("--nemesis FAULTS"));
    expect(nemesisLine).toContain("clock-skew (moves a node's clock ahead, then back)");
    expect(nemesisLine).toContain("One of: partition, kill, pause, clock-skew.");
  });

  test("the run's nemesis schedules it; the report draws its bands in its colour, keyed in the legend", async () => {
    const clock = new FakeClock();
    const history = new History(clock);
    const nemesis = buildNemesis(["clock-skew"], worldOn(clock), { history, clock, intervalMs: 100, seed: 5 })!;
    await runOn(clock, nemesis, 1000);
    expect(history.ops.filter((op) => op.f === "bump-clock").length).toBeGreaterThan(1);
    expect(history.ops.at(-1)).toMatchObject({ f: "reset-clock", value: "reset" });
    const bands = faultBands(history.ops);
    expect(bands.length).toBe(history.ops.filter((op) => op.f === "bump-clock").length / 2);
    for (const band of bands) {
      expect([band.kind, band.effective]).toEqual(["clock-skew", true]);
      expect(band.label).toMatch(/^clock of n\d 500 ms ahead$/);
    }
    expect(bands.every((band) => band.end !== undefined)).toBe(true);
    expect(faultLanes(bands)).toEqual(["clock-skew"]);
    const legend = faultKey(faultLanes(bands));
    expect(legend).toBe('<span class="fault-key" style="background:#C0E9A0;border-color:#3c7a1e"></span> clock-skew');
    const page = renderTimelineHtml({ title: "t", ops: [], bands, durationSec: 1 });
    expect(page).toContain(legend);
    expect(page).toContain('data-kind="clock-skew"');
    expect(page).toContain('fill="#C0E9A0"');
    // The events table says each bump and reset in the descriptor's words, in the order they happened.
    const events = nemesisEvents(history.ops);
    expect(events.length).toBe(history.ops.length / 2);
    expect(events.map((event) => (event.text.startsWith("clock of n") ? "bump" : event.text))).toEqual(
      history.ops.filter((_, i) => i % 2 === 0).map((op) => (op.f === "bump-clock" ? "bump" : "reset every clock")),
    );
    expect(events.every((event) => event.kind === "clock-skew")).toBe(true);
  });

  test("a name or an op another fault has is refused, naming the clash; a fresh one is accepted", () => {
    expect(() => registerFault({ ...clockSkew, ops: { start: "skew", stop: "unskew" } })).toThrow(
      'cannot register fault "clock-skew": that name is taken',
    );
    expect(() => registerFault({ ...clockSkew, name: "clock-drift", ops: { start: "kill", stop: "unskew" } })).toThrow(
      'op "kill" is kill\'s',
    );
    const drift = registerFault({ ...clockSkew, name: "clock-drift", ops: { start: "drift", stop: "undrift" } });
    expect(faultNames()).toEqual(["partition", "kill", "pause", "clock-skew", "clock-drift"]);
    drift();
    expect(faultNames()).toEqual(["partition", "kill", "pause", "clock-skew"]);
  });
});

describe("the built-in descriptors", () => {
  test("compose Maelstrom's nemesis: partition on its own stream, then db mixing pause before kill", async () => {
    const seed = 9;
    const run = async (build: (clock: FakeClock, history: History) => Nemesis) => {
      const clock = new FakeClock();
      const history = new History(clock);
      await runOn(clock, build(clock, history), 2000);
      return history.ops.map((op) => [op.time, op.f, op.value]);
    };
    const built = await run(
      (clock, history) =>
        buildNemesis(["kill", "pause", "partition"], worldOn(clock), { history, clock, intervalMs: 100, seed })!,
    );
    // By hand, as run.ts composed the packages before the descriptors.
    const byHand = await run((clock, history) => {
      const { network, nodeIds, nodeControl } = worldOn(clock);
      const partitionRng = new Rng((seed + 0x6e656d31) >>> 0);
      const dbRng = new Rng((seed + 0x6e656d32) >>> 0);
      const packages = [
        { faults: [new PartitionFault(network, nodeIds, partitionRng)], rng: partitionRng },
        {
          faults: [NodeFault.pause(nodeControl, nodeIds, dbRng), NodeFault.kill(nodeControl, nodeIds, dbRng)],
          rng: dbRng,
        },
      ];
      return new Nemesis(packages, { history, clock, intervalMs: 100 });
    });
    expect(built).toEqual(byHand);
    const everyOp = ["start-partition", "stop-partition", "kill", "start", "pause", "resume"];
    expect(new Set(built.map(([, f]) => f))).toEqual(new Set(everyOp));
  });
});
