import { describe, expect, test } from "bun:test";
import { quantile } from "../primitives/quantile.ts";
import { HistoryCollector, latencyQuantileOverTime, summarizeLatencies, throughput } from "./history-digest.ts";
import { writeSyntheticRun } from "./testdata/synthetic-run.ts";

describe("history digest", () => {
  test("pairs invocations with completions by process; nemesis ops are no samples", async () => {
    const run = await writeSyntheticRun();
    const collector = new HistoryCollector();
    run.history.forEach((op) => collector.add(op));
    const digest = collector.result();
    expect(digest.invokeCount).toBe(5);
    expect(digest.fs).toEqual(["broadcast", "read"]);
    expect(digest.samples.map((sample) => [sample.f, sample.type, sample.latencyMs])).toEqual([
      ["broadcast", "ok", 12],
      ["read", "ok", 30],
      ["read", "fail", 1000],
      ["broadcast", "info", 5000],
      ["read", "ok", 4],
    ]);
    expect(digest.durationSec).toBeCloseTo(7.004);
    const read = summarizeLatencies(digest).find((summary) => summary.f === "read")!;
    expect(read).toMatchObject({ count: 3, okCount: 2, failCount: 1, infoCount: 0, medianMs: 30, maxMs: 30 });
  });

  test("completions per bin add up", () => {
    const collector = new HistoryCollector();
    collector.add({ index: 0, time: 0, type: "info", process: "nemesis", f: "start-partition", value: null });
    collector.add({ index: 1, time: 1e9, type: "info", process: "nemesis", f: "start-partition", value: "cut" });
    for (let index = 0; index < 10; index++) {
      collector.add({ index: 2 + 2 * index, time: index * 0.3e9, type: "invoke", process: 0, f: "echo", value: index });
      collector.add({
        index: 3 + 2 * index,
        time: index * 0.3e9 + 1e6,
        type: "ok",
        process: 0,
        f: "echo",
        value: index,
      });
    }
    const digest = collector.result();
    const [series] = throughput(digest, 1);
    const completions = series!.points.reduce((sum, [, perSec]) => sum + perSec, 0);
    expect(completions).toBe(10);
  });

  test("quantiles index min(n-1, floor(n·q)) into the sorted values", () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(3);
    expect(quantile([1, 2, 3, 4], 1)).toBe(4);
    expect(quantile([], 0.5)).toBeUndefined();
  });
});

describe("latency quantiles over time", () => {
  test("one point per bin with ok completions, at the bin's middle", () => {
    const sample = (startSec: number, latencyMs: number, type: "ok" | "fail" = "ok") => ({
      f: "read",
      type,
      startSec,
      endSec: startSec + latencyMs / 1000,
      latencyMs,
      final: false,
    });
    const samples = [
      sample(0.1, 1),
      sample(0.2, 3),
      sample(0.9, 2),
      sample(1.5, 10),
      sample(1.6, 500, "fail"),
      sample(3.2, 7),
    ];
    expect(latencyQuantileOverTime(samples, 1, 0.5)).toEqual([
      [0.5, 2],
      [1.5, 10],
      [3.5, 7],
    ]);
    expect(latencyQuantileOverTime(samples, 1, 1)).toEqual([
      [0.5, 3],
      [1.5, 10],
      [3.5, 7],
    ]);
  });
});
