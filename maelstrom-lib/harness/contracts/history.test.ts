import { describe, expect, test } from "bun:test";
import { FakeClock } from "../primitives/clock.ts";
import {
  History,
  HistoryError,
  invocationIndex,
  msToNanos,
  nanosToMs,
  nanosToSeconds,
  OpPairing,
  pairOps,
} from "./history.ts";
import type { Op, OpType, ProcessId } from "./types.ts";

/** A dense history from [type, process, f] triples. */
function historyOf(...ops: [OpType, ProcessId, string][]): Op[] {
  return ops.map(([type, process, f], index) => ({ index, time: index * 1000, type, process, f, value: index }));
}

describe("pairing (jepsen.history's pair index)", () => {
  test("an invocation is completed by the next op of the same process, whatever happens in between", () => {
    const history = historyOf(
      ["invoke", 0, "read"],
      ["invoke", 1, "add"],
      ["ok", 1, "add"],
      ["info", 0, "read"],
      ["invoke", 3, "read"],
    );
    const pairs = pairOps(history).map(({ invoke, completion }) => [invoke.index, completion?.index]);
    expect(pairs).toEqual([
      [0, 3],
      [1, 2],
      [4, undefined],
    ]);
  });

  test("nemesis ops pair as successive :info couples", () => {
    const history = historyOf(
      ["info", "nemesis", "start-partition"],
      ["invoke", 0, "read"],
      ["info", "nemesis", "start-partition"],
      ["info", "nemesis", "stop-partition"],
    );
    const invocationOf = invocationIndex(history);
    expect(invocationOf.get(history[2]!)).toBe(history[0]!);
    expect(invocationOf.has(history[3]!)).toBe(false);
    const pairing = new OpPairing();
    for (const op of history) pairing.add(op);
    expect(pairing.pending().map((op) => op.index)).toEqual([1, 3]);
  });

  test("a second invocation before the first completed is not a history", () => {
    expect(() => pairOps(historyOf(["invoke", 0, "read"], ["invoke", 0, "read"]))).toThrow(HistoryError);
  });

  test("a client completion with nothing invoked is not a history", () => {
    expect(() => pairOps(historyOf(["ok", 2, "read"]))).toThrow("process 2 completed op 0 without invoking anything");
    expect(() => pairOps(historyOf(["info", 2, "read"]))).toThrow(HistoryError);
  });
});

describe("time units", () => {
  test("history times are nanoseconds; ms and seconds convert through one place", () => {
    expect(msToNanos(1.5)).toBe(1_500_000);
    expect(msToNanos(0.0000004)).toBe(0);
    expect(nanosToMs(2_500_000)).toBe(2.5);
    expect(nanosToSeconds(3_000_000_000)).toBe(3);
  });

  test("the recorder stamps dense indices and clock time in nanoseconds, and counts client ops", () => {
    const clock = new FakeClock();
    const history = new History(clock);
    history.record({ type: "invoke", process: 0, f: "read", value: null });
    clock.advance(12);
    history.record({ type: "info", process: "nemesis", f: "start-partition", value: null });
    history.record({ type: "ok", process: 0, f: "read", value: 1 });
    expect(history.ops.map((op) => [op.index, op.time])).toEqual([
      [0, 0],
      [1, 12_000_000],
      [2, 12_000_000],
    ]);
    expect(history.counts).toEqual({ invoke: 1, ok: 1, fail: 0, info: 0 });
  });
});
