/**
 * The kafka generator on fake worker info: op mix, key skew and retirement, crashes, assigns
 * of unpolled keys, and each worker's final drain.
 */
import { describe, expect, test } from "bun:test";
import { Rng } from "../primitives/rng.ts";
import type { Op, OpRequest, WorkerInfo } from "../contracts/types.ts";
import { exponentialSlot, FinalPolls, KafkaOps, KeyOffsets } from "./kafka-generator.ts";

const worker = (phaseElapsedMs: number): WorkerInfo => ({ thread: 0, process: 0, node: "n0", phaseElapsedMs });

function completion(f: string, value: unknown, type: Op["type"] = "ok"): Op {
  return { index: 0, time: 0, type, process: 0, f, value };
}

describe("KafkaOps", () => {
  test("half sends, half polls, ~1/64 assigns; each key takes 1..16 then retires", () => {
    const ops = new KafkaOps(new Rng(7), { keyCount: 10, maxWritesPerKey: 16, concurrency: 4 }, new KeyOffsets());
    ops.next(worker(0)); // the first op is a crash (the crash schedule starts at once)
    const counts = new Map<string, number>();
    const valuesByKey = new Map<string, number[]>();
    for (let n = 0; n < 20_000; n++) {
      const op = ops.next(worker(1)) as OpRequest;
      counts.set(op.f, (counts.get(op.f) ?? 0) + 1);
      if (op.f === "send") {
        const [[, key, value]] = op.value as [["send", string, number]];
        valuesByKey.set(key, [...(valuesByKey.get(key) ?? []), value]);
      }
    }
    expect(counts.get("crash") ?? 0).toBe(0);
    expect(counts.get("send")! / 20_000).toBeCloseTo(0.5, 1);
    expect(counts.get("assign")! / 20_000).toBeGreaterThan(0.01);
    expect(counts.get("assign")! / 20_000).toBeLessThan(0.02);
    const retired = [...valuesByKey.values()].filter((values) => values.length === 16);
    expect(retired.length).toBeGreaterThan(500);
    for (const values of valuesByKey.values()) expect(values).toEqual(values.map((_, i) => i + 1));
    // Retired keys are replaced by fresh ones: max + 1 each time.
    const keys = [...valuesByKey.keys()].map(Number).sort((a, b) => a - b);
    expect(keys).toEqual(keys.map((_, i) => i));
  });

  test("crashes come about every 30 s per client", () => {
    const ops = new KafkaOps(new Rng(3), { keyCount: 10, maxWritesPerKey: 16, concurrency: 4 }, new KeyOffsets());
    let crashes = 0;
    for (let ms = 0; ms < 600_000; ms += 10) if ((ops.next(worker(ms)) as OpRequest).f === "crash") crashes++;
    // 600 s × 4 clients / 30 s = 80 expected.
    expect(crashes).toBeGreaterThan(60);
    expect(crashes).toBeLessThan(100);
  });

  test("the hottest slot gets about half the picks", () => {
    const rng = new Rng(1);
    let hottest = 0;
    for (let n = 0; n < 10_000; n++) if (exponentialSlot(rng, 10) === 0) hottest++;
    expect(hottest / 10_000).toBeCloseTo(0.5, 1);
  });

  test("assigns sometimes add every key with acked but unpolled sends", () => {
    const ops = new KafkaOps(new Rng(11), { keyCount: 10, maxWritesPerKey: 16, concurrency: 1 }, new KeyOffsets());
    ops.observe(completion("send", []), completion("send", [["send", "99", [4, 1]]]));
    const assigns: string[][] = [];
    for (let n = 0; n < 20_000; n++) {
      const op = ops.next(worker(1)) as OpRequest;
      if (op.f === "assign") assigns.push(op.value as string[]);
    }
    expect(assigns.some((keys) => keys.includes("99"))).toBe(true);
    expect(assigns.some((keys) => !keys.includes("99"))).toBe(true);
    // Once polled up to offset 4, key 99 is caught up and no longer added.
    ops.observe(completion("poll", []), completion("poll", [["poll", { "99": [[4, 1]] }]]));
    for (let n = 0; n < 20_000; n++)
      expect(((ops.next(worker(1)) as OpRequest).value as unknown[]).includes("99")).toBe(false);
  });
});

describe("FinalPolls", () => {
  test("crash, assign all seen keys, then polls with pauses until every target is reached", () => {
    const offsets = new KeyOffsets();
    offsets.note(completion("send", [["send", "1", [3, 7]]]));
    offsets.note(
      completion("poll", [
        [
          "poll",
          {
            "2": [
              [0, 1],
              [1, 2],
            ],
          },
        ],
      ]),
    );
    offsets.note(completion("send", [["send", "3", 9]], "info"));
    const final = new FinalPolls(new Rng(5), offsets);
    expect(final.next()).toEqual({ f: "crash", value: null, final: true });
    expect(final.next()).toEqual({ f: "assign", value: ["1", "2"], final: true });
    expect(final.next()).toEqual({ f: "poll", value: [["poll"]], final: true });
    const pause = final.next() as { sleepMs: number };
    expect(pause.sleepMs).toBeGreaterThanOrEqual(0);
    expect(pause.sleepMs).toBeLessThan(400);
    final.observe(
      completion("poll", []),
      completion("poll", [
        [
          "poll",
          {
            "1": [
              [0, 1],
              [3, 7],
            ],
          },
        ],
      ]),
    );
    expect(final.next()).toEqual({ f: "poll", value: [["poll"]], final: true });
    final.next();
    final.observe(completion("poll", []), completion("poll", [["poll", { "2": [[1, 2]] }]]));
    expect(final.next()).toBeUndefined();
  });

  test("nothing seen, nothing to drain", () => {
    expect(new FinalPolls(new Rng(1), new KeyOffsets()).next()).toBeUndefined();
  });
});
