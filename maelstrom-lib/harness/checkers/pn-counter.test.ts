/**
 * The pn-counter checker both ways, and against a brute-force reference that tries every
 * subset of the indeterminate adds on small random histories.
 */
import { describe, expect, test } from "bun:test";
import { Rng } from "../primitives/rng.ts";
import type { Op, OpType } from "../contracts/types.ts";
import { checkPnCounter } from "./pn-counter.ts";

type Step = { type: OpType; f: string; value: unknown; process: number; final?: boolean; node?: string };

function history(steps: Step[]): Op[] {
  return steps.map((step, index) => ({ index, time: index * 1000, ...step }));
}
const add = (delta: number, type: "ok" | "info" | "fail", process: number): Step[] => [
  { type: "invoke", f: "add", value: delta, process },
  { type, f: "add", value: delta, process },
];
const finalRead = (value: number, process: number): Step[] => [
  { type: "invoke", f: "read", value: null, process, final: true },
  { type: "ok", f: "read", value, process, final: true, node: `n${process}` },
];

/** The reference: a read is fine iff some subset of the info deltas lands on it. */
function bruteForceBadReads(ops: readonly Op[]): unknown[] {
  let definite = 0;
  const maybe: number[] = [];
  for (const op of ops) {
    if (op.f !== "add" || op.type === "invoke") continue;
    if (op.type === "ok") definite += op.value as number;
    if (op.type === "info") maybe.push(op.value as number);
  }
  const reachable = new Set<number>();
  for (let mask = 0; mask < 1 << maybe.length; mask++) {
    let sum = definite;
    maybe.forEach((delta, i) => (sum += mask & (1 << i) ? delta : 0));
    reachable.add(sum);
  }
  return ops
    .filter((op) => op.f === "read" && op.type === "ok" && op.final && !reachable.has(op.value as number))
    .map((op) => op.value);
}

describe("pn-counter checker", () => {
  test("negative deltas count: a read of the net total passes", () => {
    const result = checkPnCounter(
      history([...add(5, "ok", 0), ...add(-3, "ok", 1), ...add(-4, "ok", 2), ...finalRead(-2, 3)]),
    );
    expect(result["valid?"]).toBe(true);
    expect(result.acceptable).toEqual([[-2, -2]]);
    expect(result.explanations).toBeUndefined();
  });

  test("a read that ignored the decrements fails, named with its node and the allowed totals", () => {
    const result = checkPnCounter(
      history([...add(5, "ok", 0), ...add(-3, "ok", 1), ...add(-1, "info", 2), ...finalRead(5, 3), ...finalRead(1, 4)]),
    );
    expect(result["valid?"]).toBe(false);
    expect(result.acceptable).toEqual([[1, 2]]);
    expect(result.errors!.map((op) => op.value)).toEqual([5]);
    expect(result.explanations).toEqual([
      "final read of 5 by process 3 on n3 (op 7) is not a possible total: 2 from the ok adds, plus any subset of " +
        "the 1 indeterminate (info) adds allows only 1..2",
    ]);
  });

  test("non-final reads are never judged, as in pn_counter.clj", () => {
    const steps = [
      ...add(1, "ok", 0),
      { type: "invoke", f: "read", value: null, process: 1 } as Step,
      { type: "ok", f: "read", value: 99, process: 1 } as Step,
    ];
    expect(checkPnCounter(history(steps))["valid?"]).toBe(true);
  });

  test("agrees with a brute-force subset search on 3000 small random histories", () => {
    const rng = new Rng(2026);
    let invalid = 0;
    for (let round = 0; round < 3000; round++) {
      const steps: Step[] = [];
      const adds = rng.int(0, 8);
      for (let i = 0; i < adds; i++)
        steps.push(...add(rng.int(-5, 5), rng.pick(["ok", "ok", "info", "fail"] as const), i));
      // Half the reads are a true outcome (ok adds plus some info adds), half a near miss.
      const outcome = () => {
        let total = 0;
        for (const step of steps)
          if (step.f === "add" && (step.type === "ok" || (step.type === "info" && rng.chance(0.5))))
            total += step.value as number;
        return rng.chance(0.5) ? total : total + rng.int(-6, 7);
      };
      for (let i = 0; i < 3; i++) steps.push(...finalRead(outcome(), 100 + i));
      const ops = history(steps);
      const result = checkPnCounter(ops);
      const reference = bruteForceBadReads(ops);
      expect((result.errors ?? []).map((op) => op.value)).toEqual(reference);
      expect(result["valid?"]).toBe(reference.length === 0);
      if (reference.length > 0) invalid++;
    }
    // Both verdicts really occurred, often.
    expect(invalid).toBeGreaterThan(500);
    expect(invalid).toBeLessThan(2500);
  });
});
