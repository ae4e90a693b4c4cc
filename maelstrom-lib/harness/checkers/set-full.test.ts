import { describe, expect, test } from "bun:test";
import type { Op, OpType } from "../contracts/types.ts";
import { Rng } from "../primitives/rng.ts";
import { checkSetFull, quantiles } from "./set-full.ts";

/** Builds a history in order: each call appends one op at the given time in milliseconds. */
function historyBuilder() {
  const history: Op[] = [];
  const push = (process: number, type: OpType, f: string, value: unknown, timeMs: number, final?: boolean) => {
    history.push({
      index: history.length,
      time: timeMs * 1_000_000,
      type,
      process,
      f,
      value,
      ...(final ? { final } : {}),
    });
  };
  return {
    history,
    broadcast(process: number, value: number, invokeMs: number, okMs: number, type: OpType = "ok") {
      push(process, "invoke", "broadcast", value, invokeMs);
      push(process, type, "broadcast", value, okMs);
    },
    read(process: number, seen: number[] | null, invokeMs: number, okMs: number, final = false) {
      push(process, "invoke", "read", null, invokeMs, final);
      push(process, "ok", "read", seen, okMs, final);
    },
    invoke: (process: number, f: string, value: unknown, timeMs: number) => push(process, "invoke", f, value, timeMs),
    complete: (process: number, type: OpType, f: string, value: unknown, timeMs: number) =>
      push(process, type, f, value, timeMs),
  };
}

const BROADCAST = { addF: "broadcast" };

describe("set-full", () => {
  test("an element every later read sees is stable with latency 0", () => {
    const h = historyBuilder();
    h.broadcast(0, 0, 0, 1);
    h.read(1, [0], 2, 3);
    h.read(0, [0], 4, 5, true);
    const result = checkSetFull(h.history, BROADCAST);
    expect(result["valid?"]).toBe(true);
    expect(result["attempt-count"]).toBe(1);
    expect(result["stable-count"]).toBe(1);
    expect(result["stale-count"]).toBe(0);
    expect(result["stable-latencies"]).toEqual({ "0": 0, "0.5": 0, "0.95": 0, "0.99": 0, "1": 0 });
    expect(result["lost-latencies"]).toBeUndefined();
    expect(result["duplicated-count"]).toBe(0);
  });

  test("a read of null is the empty set, as Jepsen's (set nil) is #{}: stale, or lost when final", () => {
    const run = (empty: number[] | null, finalEmpty: boolean) => {
      const h = historyBuilder();
      h.broadcast(0, 7, 0, 10);
      h.read(1, empty, 250, 260);
      h.read(2, finalEmpty ? empty : [7], 300, 310, true);
      return checkSetFull(h.history, BROADCAST);
    };
    expect(run(null, false)).toEqual(run([], false));
    expect(run(null, false)["stale"]).toEqual([7]);
    expect(run(null, true)).toEqual(run([], true));
    expect(run(null, true)["lost"]).toEqual([7]);
  });

  test("an element missed by a read after it was known is stale, latency up to that read's invocation", () => {
    const h = historyBuilder();
    h.broadcast(0, 7, 0, 10); // known at 10 ms
    h.read(1, [], 250, 260); // invoked 240 ms after known, still absent
    h.read(2, [7], 300, 310);
    const result = checkSetFull(h.history, BROADCAST);
    expect(result["valid?"]).toBe(true);
    expect(result.stale).toEqual([7]);
    expect(result["stale-count"]).toBe(1);
    expect(result["stable-latencies"]).toEqual({ "0": 240, "0.5": 240, "0.95": 240, "0.99": 240, "1": 240 });
    const [worst] = result["worst-stale"];
    expect(worst!.element).toBe(7);
    expect(worst!.outcome).toBe("stable");
    expect(worst!["stable-latency"]).toBe(240);
    expect(worst!["last-absent"]!.time).toBe(250_000_000);
  });

  test("an acknowledged element the latest-invoked read misses is lost, and the run is invalid", () => {
    const h = historyBuilder();
    h.broadcast(0, 1, 0, 1);
    h.broadcast(0, 2, 2, 3);
    h.read(1, [1, 2], 10, 11);
    h.read(2, [1], 20, 21, true); // the final read misses 2
    const result = checkSetFull(h.history, BROADCAST);
    expect(result["valid?"]).toBe(false);
    expect(result.lost).toEqual([2]);
    expect(result["lost-count"]).toBe(1);
    expect(result["stable-count"]).toBe(1);
    // lost since just after the last read that still saw it (invoked at 10 ms), known at 3 ms
    expect(result["lost-latencies"]).toEqual({ "0": 7, "0.5": 7, "0.95": 7, "0.99": 7, "1": 7 });
  });

  test("only the latest-invoked read counts: a final read that misses what an earlier final read had loses it", () => {
    const h = historyBuilder();
    h.broadcast(0, 5, 0, 1);
    // process 1's read is invoked first but completes last, and it does contain 5
    h.invoke(1, "read", null, 10);
    h.read(2, [], 11, 12, true);
    h.complete(1, "ok", "read", [5], 13);
    const result = checkSetFull(h.history, BROADCAST);
    expect(result.lost).toEqual([5]);
    expect(result["valid?"]).toBe(false);
  });

  test("an element never known (info broadcast) and never seen is never-read, not lost", () => {
    const h = historyBuilder();
    h.broadcast(0, 1, 0, 1);
    h.broadcast(1, 2, 2, 5000, "info");
    h.read(2, [1], 6000, 6001, true);
    const result = checkSetFull(h.history, BROADCAST);
    expect(result["valid?"]).toBe(true);
    expect(result["never-read"]).toEqual([2]);
    expect(result["never-read-count"]).toBe(1);
    expect(result["lost-count"]).toBe(0);
  });

  test("a read concurrent with the add that misses it does not make it lost", () => {
    const h = historyBuilder();
    h.invoke(0, "broadcast", 3, 0);
    h.invoke(1, "read", null, 1); // invoked before the broadcast completed
    h.complete(0, "ok", "broadcast", 3, 2);
    h.complete(1, "ok", "read", [], 3);
    const result = checkSetFull(h.history, BROADCAST);
    expect(result["never-read"]).toEqual([3]);
    expect(result["valid?"]).toBe("unknown");
  });

  test("an info broadcast that a read shows is known from that read and becomes stable", () => {
    const h = historyBuilder();
    h.broadcast(0, 4, 0, 5000, "info");
    h.read(1, [4], 100, 101);
    const result = checkSetFull(h.history, BROADCAST);
    expect(result["stable-count"]).toBe(1);
    expect(result["valid?"]).toBe(true);
  });

  test("nothing stable gives unknown", () => {
    const h = historyBuilder();
    h.broadcast(0, 1, 0, 1);
    const result = checkSetFull(h.history, BROADCAST);
    expect(result["valid?"]).toBe("unknown");
    expect(result["never-read"]).toEqual([1]);
    expect(result["stable-latencies"]).toBeUndefined();
  });

  test("reads that complete before an add was invoked do not count for it; failed reads never count", () => {
    const h = historyBuilder();
    h.read(1, [], 0, 1);
    h.broadcast(0, 9, 2, 3);
    h.invoke(1, "read", null, 4);
    h.complete(1, "fail", "read", null, 5);
    h.read(2, [9], 6, 7);
    const result = checkSetFull(h.history, BROADCAST);
    expect(result.stale).toEqual([]);
    expect(result["stable-count"]).toBe(1);
  });

  test("duplicates and foreign values in reads are ignored (Jepsen's disabled duplicate check)", () => {
    const h = historyBuilder();
    h.broadcast(0, 1, 0, 1);
    h.read(1, [1, 1, 99], 2, 3);
    const result = checkSetFull(h.history, BROADCAST);
    expect(result["valid?"]).toBe(true);
    expect(result["duplicated-count"]).toBe(0);
    expect(result["attempt-count"]).toBe(1);
  });

  test("nemesis ops are skipped", () => {
    const h = historyBuilder();
    h.history.push({ index: 0, time: 0, type: "info", process: "nemesis", f: "start-partition", value: null });
    h.broadcast(0, 1, 1, 2);
    h.read(1, [1], 3, 4);
    expect(checkSetFull(h.history, BROADCAST)["valid?"]).toBe(true);
  });

  test("worst-stale keeps the 8 largest latencies, largest first", () => {
    const h = historyBuilder();
    for (let value = 0; value < 10; value++) h.broadcast(0, value, value * 10, value * 10 + 1);
    h.read(1, [], 1000, 1001);
    h.read(
      1,
      Array.from({ length: 10 }, (_, value) => value),
      1002,
      1003,
    );
    const result = checkSetFull(h.history, BROADCAST);
    const worst = result["worst-stale"].map((r) => r.element);
    expect(worst).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(result["stale-count"]).toBe(10);
  });
});

describe("quantiles", () => {
  test("index min(n-1, floor(n·q)) into the sorted values", () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 1…100 reversed
    expect(quantiles(values)).toEqual({ "0": 1, "0.5": 51, "0.95": 96, "0.99": 100, "1": 100 });
  });
});

/**
 * Jepsen's fold as written: every ok read updates every element added before it completed.
 * O(reads × elements), too slow for real runs, but plainly right: the reference for the fast one.
 */
function referenceFold(history: readonly Op[]): Map<unknown, { known?: number; present?: number; absent?: number }> {
  const states = new Map<unknown, { known?: number; present?: number; absent?: number }>();
  const pending = new Map<unknown, Op>();
  for (const op of history) {
    if (op.type === "invoke") {
      pending.set(op.process, op);
      if (op.f === "add" && !states.has(op.value)) states.set(op.value, {});
      continue;
    }
    const invocation = pending.get(op.process);
    pending.delete(op.process);
    if (op.f === "add" && op.type === "ok") states.get(op.value)!.known ??= op.index;
    if (op.f !== "read" || op.type !== "ok" || !invocation) continue;
    const seen = new Set(op.value as unknown[]);
    for (const [element, state] of states) {
      if (seen.has(element)) {
        state.known ??= op.index;
        state.present = Math.max(state.present ?? -1, invocation.index);
      } else {
        state.absent = Math.max(state.absent ?? -1, invocation.index);
      }
    }
  }
  return states;
}

describe("set-full against Jepsen's fold", () => {
  test("the fast checker decides every element as the reference fold does, on 300 random histories", () => {
    for (let seed = 0; seed < 300; seed++) {
      const rng = new Rng(seed);
      const history: Op[] = [];
      const acknowledged: number[] = [];
      const lost = new Set<number>();
      const pending = new Map<number, Op>();
      let nextValue = 0;
      const record = (op: Omit<Op, "index" | "time">) => {
        const full = { ...op, index: history.length, time: history.length * 1_000_000 };
        history.push(full);
        return full;
      };
      for (let step = 0; step < 150; step++) {
        const process = rng.int(0, 4);
        const open = pending.get(process);
        if (!open) {
          pending.set(
            process,
            record(
              rng.chance(0.5)
                ? { type: "invoke", process, f: "add", value: nextValue++ }
                : { type: "invoke", process, f: "read", value: null },
            ),
          );
          continue;
        }
        pending.delete(process);
        const type = rng.chance(0.9) ? "ok" : "info";
        if (open.f === "add") {
          if (type === "ok") acknowledged.push(open.value as number);
          record({ type, process, f: "add", value: open.value });
        } else {
          if (acknowledged.length > 0 && rng.chance(0.05)) lost.add(rng.pick(acknowledged));
          const seen = acknowledged.filter((v) => !lost.has(v) && rng.chance(0.85));
          if (rng.chance(0.2)) seen.push(nextValue + 3); // a value not (yet) added: ignored
          record({ type, process, f: "read", value: type === "ok" ? seen : null });
        }
      }
      const expected = referenceFold(history);
      const result = checkSetFull(history);
      const outcome = (s: { known?: number; present?: number; absent?: number }) =>
        s.present !== undefined && (s.absent ?? -1) < s.present
          ? "stable"
          : s.known !== undefined && s.absent !== undefined && (s.present ?? -1) < s.absent && s.known < s.absent
            ? "lost"
            : "never-read";
      const lostExpected = [...expected].filter(([, s]) => outcome(s) === "lost").map(([e]) => e);
      const neverReadExpected = [...expected].filter(([, s]) => outcome(s) === "never-read").map(([e]) => e);
      expect({ seed, lost: result.lost, neverRead: result["never-read"] }).toEqual({
        seed,
        lost: lostExpected,
        neverRead: neverReadExpected,
      });
      expect(result["stable-count"]).toBe(expected.size - lostExpected.length - neverReadExpected.length);
    }
  });
});
