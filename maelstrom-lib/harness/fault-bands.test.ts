/**
 * Fault bands from nemesis ops as the faults record them: each band from the injecting op's
 * invocation to the undoing op's completion, labelled with what it hit.
 */
import { describe, expect, test } from "bun:test";
import { FakeClock } from "./clock.ts";
import { NodeFault, type NodeControl } from "./db-faults.ts";
import { faultBands } from "./fault-bands.ts";
import { History } from "./history.ts";
import { completeGrudge, grudgeToJson, majoritiesRing, Nemesis, PartitionFault } from "./nemesis.ts";
import { Network } from "./net.ts";
import { Rng } from "./rng.ts";
import type { Op } from "./types.ts";

/** A nemesis op pair: invocation at `atMs`, completion 1 ms later. */
function pair(atMs: number, f: string, invokeValue: unknown, completionValue: unknown): Op[] {
  return [
    { index: 0, time: atMs * 1e6, type: "info", process: "nemesis", f, value: invokeValue },
    { index: 0, time: (atMs + 1) * 1e6, type: "info", process: "nemesis", f, value: completionValue },
  ];
}

describe("fault bands", () => {
  test("a clean partition reads as its components; the band runs from the start's invocation to the heal's completion", () => {
    const grudge = grudgeToJson(completeGrudge([["n0"], ["n1", "n2"]]));
    const history = [
      ...pair(100, "start-partition", "one", ["isolated", grudge]),
      { index: 0, time: 150e6, type: "invoke", process: 0, f: "read", value: null } as Op,
      ...pair(900, "stop-partition", null, "network-healed"),
    ];
    expect(faultBands(history)).toEqual([{ kind: "partition", label: "n0 | n1 n2", startNs: 100e6, endNs: 901e6, nodes: ["n0", "n1", "n2"] }]);
  });

  test("a partition that could not split the nodes cut nothing; a majorities ring lists what each node is cut from", () => {
    expect(faultBands(pair(0, "start-partition", "minority-third", ["isolated", {}]))).toEqual([
      { kind: "partition", label: "nothing was cut", startNs: 0, endNs: undefined, nodes: [] },
    ]);
    const nodes = ["n0", "n1", "n2", "n3", "n4"];
    const ring = grudgeToJson(majoritiesRing(nodes, new Rng(7)));
    const [band] = faultBands(pair(0, "start-partition", "majorities-ring", ["isolated", ring]));
    expect(band!.nodes).toEqual(nodes);
    expect(band!.label.split("; ").length).toBe(5);
    expect(band!.label).toMatch(/^n0 cut from n\d n\d; n1 cut from /);
  });

  test("kills and pauses read as the nodes they hit; a start closes the kill band, a resume the pause band", () => {
    const history = [
      ...pair(0, "kill", "minority", { n1: "killed", n3: "killed" }),
      ...pair(10, "pause", "one", { n2: "paused" }),
      ...pair(20, "start", "all", { n0: "already-running", n1: "started", n2: "already-running", n3: "started" }),
      ...pair(30, "kill", "minority-third", {}),
      ...pair(40, "pause", "all", { n0: "paused", n1: "not-running", n10: "paused", n2: "paused" }),
    ];
    expect(faultBands(history)).toEqual([
      { kind: "kill", label: "killed n1 n3", startNs: 0, endNs: 21e6, nodes: ["n1", "n3"] },
      { kind: "pause", label: "paused n2", startNs: 10e6, endNs: undefined, nodes: ["n2"] },
      { kind: "kill", label: "killed no node", startNs: 30e6, endNs: undefined, nodes: [] },
      { kind: "pause", label: "paused n0 n2 n10", startNs: 40e6, endNs: undefined, nodes: ["n0", "n2", "n10"] },
    ]);
  });

  test("a kill of every node a pause holds ends that pause; a kill of some of them does not", () => {
    const history = [
      ...pair(0, "pause", "minority", { n1: "paused", n2: "paused" }),
      ...pair(10, "kill", "one", { n1: "killed" }),
      ...pair(20, "start", "all", { n1: "started" }),
      ...pair(30, "kill", "one", { n2: "killed" }),
      ...pair(40, "resume", "all", { n1: "not-paused", n2: "not-paused" }),
    ];
    expect(faultBands(history).map((band) => [band.kind, band.label, band.endNs])).toEqual([
      ["pause", "paused n1 n2", 31e6],
      ["kill", "killed n1", 21e6],
      ["kill", "killed n2", undefined],
    ]);
  });

  test("a nemesis run with all three faults gives one closed band per injecting op, after stopAll", async () => {
    const clock = new FakeClock();
    const history = new History(clock);
    const nodes = ["n0", "n1", "n2"];
    const network = new Network({ clock, rng: new Rng(1), latencyMs: 0, latencyDist: "constant" });
    const control: NodeControl = { kill: () => "killed", start: () => "started", pause: () => "paused", resume: () => "resumed" };
    const partitionRng = new Rng(2);
    const dbRng = new Rng(3);
    const nemesis = new Nemesis(
      [
        { faults: [new PartitionFault(network, nodes, partitionRng)], rng: partitionRng },
        { faults: [NodeFault.pause(control, nodes, dbRng), NodeFault.kill(control, nodes, dbRng)], rng: dbRng },
      ],
      { history, clock, intervalMs: 20 },
    );
    const done = nemesis.run(1000, () => false);
    for (let t = 0; t < 1100; t++) {
      clock.advance(1);
      await Bun.sleep(0);
    }
    await done;
    await nemesis.stopAll();
    const bands = faultBands(history.ops);
    const injecting = history.ops.filter((op, i) => i % 2 === 1 && ["start-partition", "kill", "pause"].includes(op.f));
    expect(bands.length).toBe(injecting.length);
    expect(new Set(bands.map((band) => band.kind))).toEqual(new Set(["partition", "kill", "pause"]));
    for (const band of bands) {
      expect(band.endNs).toBeGreaterThan(band.startNs);
      expect(band.label.length).toBeGreaterThan(0);
    }
  });
});
