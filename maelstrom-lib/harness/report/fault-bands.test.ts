/**
 * Fault bands from nemesis ops as nemesis.ts and db-faults.ts record them: each band from the
 * injecting op's invocation to the undoing op's completion, labelled with what it hit.
 */
import { describe, expect, test } from "bun:test";
import { FakeClock } from "../primitives/clock.ts";
import { NodeFault, type NodeControl } from "../nemesis/db-faults.ts";
import { History } from "../contracts/history.ts";
import {
  completeGrudge,
  grudgeFor,
  grudgeToJson,
  majoritiesRing,
  Nemesis,
  PartitionFault,
  type PartitionKind,
} from "../nemesis/nemesis.ts";
import { Network } from "../world/net.ts";
import { Rng } from "../primitives/rng.ts";
import type { Op } from "../contracts/types.ts";
import { FaultCollector, faultBands } from "./fault-bands.ts";
import { partitionLabel } from "../nemesis/faults/partition.ts";

const NS = 1e9;

/** A nemesis op pair: invocation at `atMs`, completion 1 ms later. */
function pair(atMs: number, f: string, invokeValue: unknown, completionValue: unknown): Op[] {
  return [
    { index: 0, time: atMs * 1e6, type: "info", process: "nemesis", f, value: invokeValue },
    { index: 0, time: (atMs + 1) * 1e6, type: "info", process: "nemesis", f, value: completionValue },
  ];
}

/** The nemesis ops run.ts records for one partition window of `kind`, from `startSec` to `endSec`. */
function partitionOps(kind: PartitionKind, nodes: string[], startSec: number, endSec: number, seed = 7): Op[] {
  const grudge = grudgeToJson(grudgeFor(kind, nodes, new Rng(seed)));
  const op = (timeSec: number, f: string, value: unknown): Op => ({
    index: 0,
    time: timeSec * NS,
    type: "info",
    process: "nemesis",
    f,
    value,
  });
  return [
    op(startSec, "start-partition", kind),
    op(startSec, "start-partition", ["isolated", grudge]),
    op(endSec, "stop-partition", null),
    op(endSec, "stop-partition", "network-healed"),
  ];
}

describe("partition bands", () => {
  test(
    "a clean partition reads as its components; the band runs from the start's invocation to the heal's " +
      "completion",
    () => {
      const grudge = grudgeToJson(completeGrudge([["n0"], ["n1", "n2"]]));
      const history = [
        ...pair(100, "start-partition", "one", ["isolated", grudge]),
        { index: 0, time: 150e6, type: "invoke", process: 0, f: "read", value: null } as Op,
        ...pair(900, "stop-partition", null, "network-healed"),
      ];
      expect(faultBands(history)).toEqual([
        {
          kind: "partition",
          label: "n0 | n1 n2 (one)",
          start: 0.1,
          end: 0.901,
          nodes: ["n0", "n1", "n2"],
          effective: true,
        },
      ]);
    },
  );

  test("a partition band says which groups could not talk, and which nodes it hit", () => {
    const nodes = ["n0", "n1", "n2", "n3", "n4"];
    const [band] = faultBands(partitionOps("majority", nodes, 1, 3), nodes);
    expect(band).toMatchObject({ kind: "partition", start: 1, end: 3, effective: true, nodes });
    const [minority, majority] = band!.label
      .replace(" (majority)", "")
      .split(" | ")
      .sort((a, b) => a.length - b.length);
    expect(minority!.split(" ")).toHaveLength(2);
    expect(majority!.split(" ")).toHaveLength(3);
    expect(band!.label).toEndWith(" (majority)");
  });

  test(
    "a partition that cut nothing says so and is not " + "effective (minority-third on 2 nodes has an empty grudge)",
    () => {
      expect(faultBands(pair(0, "start-partition", "minority-third", ["isolated", {}]))).toEqual([
        {
          kind: "partition",
          label: "nothing was cut (minority-third)",
          start: 0,
          end: undefined,
          nodes: [],
          effective: false,
        },
      ]);
      const bands = faultBands(
        [...partitionOps("minority-third", ["n0", "n1"], 0.5, 2), ...partitionOps("one", ["n0", "n1"], 3, 4)],
        ["n0", "n1"],
      );
      expect(bands).toHaveLength(2);
      expect(bands[0]).toMatchObject({
        label: "nothing was cut (minority-third)",
        effective: false,
        nodes: [],
        start: 0.5,
        end: 2,
      });
      expect(bands[1]!.label).toMatch(/^(n0 \| n1|n1 \| n0) \(one\)$/);
      expect(bands[1]!.effective).toBe(true);
    },
  );

  test("majorities-ring names whom each node stops hearing; a band still open at the end has no end", () => {
    const nodes = ["n0", "n1", "n2", "n3", "n4"];
    const [band] = faultBands(partitionOps("majorities-ring", nodes, 1, 2).slice(0, 2), nodes);
    expect(band!.end).toBeUndefined();
    expect(band!.label).toMatch(/^(n\d hears nothing from n\d n\d(; )?){5} \(majorities-ring\)$/);
    const [seeded] = faultBands(
      pair(0, "start-partition", "majorities-ring", ["isolated", grudgeToJson(majoritiesRing(nodes, new Rng(7)))]),
    );
    expect(seeded!.nodes).toEqual(nodes);
    expect(seeded!.label.split("; ").length).toBe(5);
    expect(seeded!.label).toMatch(/^n0 hears nothing from n\d n\d; n1 hears nothing from /);
  });

  test("partitionLabel: groups for a clean split, whom each node misses for a one-way cut", () => {
    const grudge = new Map([
      ["n0", new Set(["n1", "n2"])],
      ["n1", new Set(["n0"])],
      ["n2", new Set(["n0"])],
    ]);
    expect(partitionLabel(["n0", "n1", "n2"], grudge)).toBe("n0 | n1 n2");
    expect(partitionLabel(["n0", "n1", "n2"], new Map([["n0", new Set(["n1"])]]))).toBe("n0 hears nothing from n1");
  });
});

describe("kill and pause bands", () => {
  test(
    "kills and pauses read as the nodes their results say were hit; a start closes the kill band, a resume the " +
      "pause band",
    () => {
      const history = [
        ...pair(0, "kill", "minority", { n1: "killed", n3: "killed" }),
        ...pair(10, "pause", "one", { n2: "paused" }),
        ...pair(20, "start", "all", { n0: "already-running", n1: "started", n2: "already-running", n3: "started" }),
        ...pair(30, "kill", "minority-third", {}),
        ...pair(40, "pause", "all", { n0: "paused", n1: "not-running", n10: "paused", n2: "paused" }),
      ];
      expect(faultBands(history)).toEqual([
        { kind: "kill", label: "killed n1 n3 (minority)", start: 0, end: 0.021, nodes: ["n1", "n3"], effective: true },
        { kind: "pause", label: "paused n2 (one)", start: 0.01, end: undefined, nodes: ["n2"], effective: true },
        {
          kind: "kill",
          label: "nobody was killed (minority-third)",
          start: 0.03,
          end: undefined,
          nodes: [],
          effective: false,
        },
        {
          kind: "pause",
          label: "paused n0 n2 n10 (all; n1 not running)",
          start: 0.04,
          end: undefined,
          nodes: ["n0", "n2", "n10"],
          effective: true,
        },
      ]);
    },
  );

  test("a kill or pause that hit no running node is not effective, and says which it skipped", () => {
    const [kill, pause] = faultBands([
      ...pair(0, "kill", null, { n0: "not-running" }),
      ...pair(5, "pause", "one", { n0: "not-running" }),
    ]);
    expect(kill).toMatchObject({
      label: "nobody was killed (random subset; n0 not running)",
      nodes: [],
      effective: false,
    });
    expect(pause).toMatchObject({ label: "nobody was paused (one; n0 not running)", nodes: [], effective: false });
  });

  test("a kill of every node a pause holds ends that pause; a kill of some of them does not", () => {
    const history = [
      ...pair(0, "pause", "minority", { n1: "paused", n2: "paused" }),
      ...pair(10, "kill", "one", { n1: "killed" }),
      ...pair(20, "start", "all", { n1: "started" }),
      ...pair(30, "kill", "one", { n2: "killed" }),
      ...pair(40, "resume", "all", { n1: "not-paused", n2: "not-paused" }),
    ];
    expect(faultBands(history).map((band) => [band.kind, band.label, band.end])).toEqual([
      ["pause", "paused n1 n2 (minority)", 0.031],
      ["kill", "killed n1 (one)", 0.021],
      ["kill", "killed n2 (one)", undefined],
    ]);
  });

  test("the streaming collector gives the same bands as faultBands, fed op by op", () => {
    const history = [
      ...pair(0, "kill", "one", { n1: "killed" }),
      ...pair(5, "pause", "one", { n2: "paused" }),
      ...pair(9, "start", "all", { n1: "started" }),
      ...pair(12, "resume", "all", { n2: "resumed" }),
    ];
    const collector = new FaultCollector(["n0", "n1", "n2"]);
    for (const op of history) collector.add(op);
    expect(collector.result()).toEqual(faultBands(history, ["n0", "n1", "n2"]));
    expect(collector.result().map((band) => [band.kind, band.start, band.end])).toEqual([
      ["kill", 0, 0.01],
      ["pause", 0.005, 0.013],
    ]);
  });

  test("a nemesis run with all three faults gives one closed band per injecting op, after stopAll", async () => {
    const clock = new FakeClock();
    const history = new History(clock);
    const nodes = ["n0", "n1", "n2"];
    const network = new Network({ clock, rng: new Rng(1), latencyMs: 0, latencyDist: "constant" });
    const control: NodeControl = {
      kill: () => "killed",
      start: () => "started",
      pause: () => "paused",
      resume: () => "resumed",
    };
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
    const bands = faultBands(history.ops, nodes);
    const injecting = history.ops.filter((op, i) => i % 2 === 1 && ["start-partition", "kill", "pause"].includes(op.f));
    expect(bands.length).toBe(injecting.length);
    expect(new Set(bands.map((band) => band.kind))).toEqual(new Set(["partition", "kill", "pause"]));
    for (const band of bands) {
      expect(band.end).toBeGreaterThan(band.start);
      expect(band.label.length).toBeGreaterThan(0);
    }
  });
});
