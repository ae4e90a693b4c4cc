import { describe, expect, test } from "bun:test";
import { grudgeFor, grudgeToJson, type PartitionKind } from "../nemesis.ts";
import { Rng } from "../rng.ts";
import type { Op } from "../types.ts";
import { FaultCollector, partitionLabel } from "./fault-bands.ts";

const NS = 1e9;

/** The nemesis ops run.ts records for one partition window of `kind`, from `startSec` to `endSec`. */
function partitionOps(kind: PartitionKind, nodes: string[], startSec: number, endSec: number, seed = 7): Op[] {
  const grudge = grudgeToJson(grudgeFor(kind, nodes, new Rng(seed)));
  const op = (timeSec: number, f: string, value: unknown): Op => ({ index: 0, time: timeSec * NS, type: "info", process: "nemesis", f, value });
  return [
    op(startSec, "start-partition", kind),
    op(startSec, "start-partition", ["isolated", grudge]),
    op(endSec, "stop-partition", null),
    op(endSec, "stop-partition", "network-healed"),
  ];
}

function bandsOf(ops: Op[], nodes: string[]) {
  const collector = new FaultCollector(nodes);
  for (const op of ops) collector.add(op);
  return collector.result();
}

describe("fault bands from the nemesis's history ops", () => {
  test("a partition band says which groups could not talk, and which nodes it hit", () => {
    const nodes = ["n0", "n1", "n2", "n3", "n4"];
    const [band] = bandsOf(partitionOps("majority", nodes, 1, 3), nodes);
    expect(band).toMatchObject({ kind: "partition", start: 1, end: 3, effective: true, nodes });
    const [minority, majority] = band!.label.replace(" (majority)", "").split(" | ").sort((a, b) => a.length - b.length);
    expect(minority!.split(" ")).toHaveLength(2);
    expect(majority!.split(" ")).toHaveLength(3);
    expect(band!.label).toEndWith(" (majority)");
  });

  test("a partition that cut nothing says so (minority-third on 2 nodes has an empty grudge)", () => {
    const bands = bandsOf([...partitionOps("minority-third", ["n0", "n1"], 0.5, 2), ...partitionOps("one", ["n0", "n1"], 3, 4)], ["n0", "n1"]);
    expect(bands).toHaveLength(2);
    expect(bands[0]).toMatchObject({ label: "nothing was cut (minority-third)", effective: false, nodes: [], start: 0.5, end: 2 });
    expect(bands[1]!.label).toMatch(/^(n0 \| n1|n1 \| n0) \(one\)$/);
    expect(bands[1]!.effective).toBe(true);
  });

  test("majorities-ring names whom each node stops hearing; a band still open at the end has no end", () => {
    const nodes = ["n0", "n1", "n2", "n3", "n4"];
    const [band] = bandsOf(partitionOps("majorities-ring", nodes, 1, 2).slice(0, 2), nodes);
    expect(band!.end).toBeUndefined();
    expect(band!.label).toMatch(/^(n\d hears nothing from n\d n\d(; )?){5} \(majorities-ring\)$/);
  });

  test("partitionLabel: groups for a clean split", () => {
    const grudge = new Map([["n0", new Set(["n1", "n2"])], ["n1", new Set(["n0"])], ["n2", new Set(["n0"])]]);
    expect(partitionLabel(["n0", "n1", "n2"], grudge)).toBe("n0 | n1 n2");
  });

  test("later fault kinds get their own bands with their nodes", () => {
    const op = (timeSec: number, f: string, value: unknown): Op => ({ index: 0, time: timeSec * NS, type: "info", process: "nemesis", f, value });
    const bands = bandsOf([op(1, "kill", ["n1"]), op(1, "kill", { n1: "killed" }), op(2, "pause", null), op(2, "pause", ["n3", "n2"]), op(3, "start", null), op(3, "start", "started"), op(4, "resume", null), op(4, "resume", "resumed")], []);
    expect(bands).toEqual([
      { kind: "kill", start: 1, end: 3, label: "killed n1", nodes: ["n1"], effective: true },
      { kind: "pause", start: 2, end: 4, label: "paused n2 n3", nodes: ["n2", "n3"], effective: true },
    ]);
  });
});
