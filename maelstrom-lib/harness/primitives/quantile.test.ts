import { describe, expect, test } from "bun:test";
import { DurationHistogram, quantile } from "./quantile.ts";
import { Rng } from "./rng.ts";

describe("DurationHistogram", () => {
  test("its quantiles match the exact ones: to the microsecond below 10 ms, within 1% above; the max exact", () => {
    const rng = new Rng(7);
    const draw = () => (rng.chance(0.8) ? rng.float() * 10 : 10 + rng.exponential(200));
    const values = Array.from({ length: 20_000 }, draw);
    const histogram = new DurationHistogram();
    for (const value of values) histogram.add(value);
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0, 0.1, 0.5, 0.79, 0.9, 0.99, 0.999, 1]) {
      const exact = quantile(sorted, q)!;
      const counted = histogram.quantile(q)!;
      expect(counted).toBeLessThanOrEqual(exact);
      expect(exact - counted).toBeLessThanOrEqual(exact < 10 ? 0.001 : exact * 0.01);
    }
    expect(histogram.maxMs).toBe(sorted.at(-1)!);
    expect(histogram.count).toBe(values.length);
  });

  test("empty, it has no quantile; a negative value counts as 0", () => {
    const histogram = new DurationHistogram();
    expect(histogram.quantile(0.5)).toBeUndefined();
    histogram.add(-3);
    expect(histogram.quantile(0.5)).toBe(0);
    expect(histogram.maxMs).toBe(0);
  });
});
