import { describe, expect, test } from "bun:test";
import { Rng } from "../../primitives/rng.ts";
import type { Op, OpType, RunFiles } from "../../contracts/types.ts";
import { checkLinearizable } from "./index.ts";
import type { KeyResult } from "./index.ts";
/** One key's linearizability result, under the compose's `linearizable` as Maelstrom nests it. */
function keyCheck(result: ReturnType<typeof checkLinearizable>, key: string): Record<string, unknown> {
  const composed = (result.results as Record<string, KeyResult>)[key]!;
  expect(composed.timeline).toEqual({ "valid?": true });
  expect(composed["valid?"]).toBe(composed.linearizable["valid?"] as KeyResult["valid?"]);
  return composed.linearizable as Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// A history builder: ops are written in real-time order, one line per event.

class HistoryBuilder {
  readonly ops: Op[] = [];
  private readonly open = new Map<number, Op>();
  invoke(process: number, f: string, value: unknown): this {
    const op: Op = { index: this.ops.length, time: this.ops.length * 1e8, type: "invoke", process, f, value };
    this.ops.push(op);
    this.open.set(process, op);
    return this;
  }
  complete(process: number, type: Exclude<OpType, "invoke">, value?: unknown): this {
    const invoke = this.open.get(process)!;
    this.open.delete(process);
    this.ops.push({
      index: this.ops.length,
      time: this.ops.length * 1e8,
      type,
      process,
      f: invoke.f,
      value: value ?? invoke.value,
    });
    return this;
  }
}

// ---------------------------------------------------------------------------------------------
// The reference: every order of the ops that respects real time, with any subset of the
// crashed ops, against a map of registers (so it needs no per-key split either).

interface RefOp {
  f: string;
  key: string;
  value: unknown;
  ok: boolean;
  call: number;
  ret: number;
}

function referencePairs(history: readonly Op[]): RefOp[] {
  const open = new Map<unknown, Op>();
  const ops: RefOp[] = [];
  for (const op of history) {
    if (op.type === "invoke") {
      open.set(op.process, op);
      continue;
    }
    const invoke = open.get(op.process)!;
    open.delete(op.process);
    if (op.type === "fail") continue;
    const [key, value] = (op.type === "ok" ? op.value : invoke.value) as [unknown, unknown];
    if (op.type === "info" && invoke.f === "read") continue;
    ops.push({
      f: invoke.f,
      key: JSON.stringify(key),
      value,
      ok: op.type === "ok",
      call: invoke.index,
      ret: op.type === "ok" ? op.index : Infinity,
    });
  }
  for (const invoke of open.values()) {
    if (invoke.f === "read") continue;
    const [key, value] = invoke.value as [unknown, unknown];
    ops.push({ f: invoke.f, key: JSON.stringify(key), value, ok: false, call: invoke.index, ret: Infinity });
  }
  return ops;
}

function referenceStep(state: Map<string, string>, op: RefOp): boolean {
  const current = state.get(op.key) ?? "null";
  if (op.f === "read") return op.value === null || JSON.stringify(op.value) === current;
  if (op.f === "write") {
    state.set(op.key, JSON.stringify(op.value));
    return true;
  }
  const [from, to] = op.value as [unknown, unknown];
  if (JSON.stringify(from) !== current) return false;
  state.set(op.key, JSON.stringify(to));
  return true;
}

function bruteForceLinearizable(history: readonly Op[]): boolean {
  const ops = referencePairs(history);
  const placed = new Array<boolean>(ops.length).fill(false);
  const okTotal = ops.filter((op) => op.ok).length;
  const search = (state: Map<string, string>, okPlaced: number): boolean => {
    if (okPlaced === okTotal) return true;
    for (let i = 0; i < ops.length; i++) {
      if (placed[i]) continue;
      // Real time: every ok op that returned before this one was called must already be placed.
      if (ops.some((other, j) => !placed[j] && other.ret < ops[i]!.call)) continue;
      const next = new Map(state);
      if (!referenceStep(next, ops[i]!)) continue;
      placed[i] = true;
      const found = search(next, okPlaced + (ops[i]!.ok ? 1 : 0));
      placed[i] = false;
      if (found) return true;
    }
    return false;
  };
  return search(new Map(), 0);
}

// ---------------------------------------------------------------------------------------------
// Random histories from a real register with concurrent clients, and mutations of them.

function simulate(rng: Rng, options: { processes: number; ops: number; keys: number }): Op[] {
  const builder = new HistoryBuilder();
  const register = new Map<string, unknown>();
  const inFlight = new Map<
    number,
    { f: string; key: number; value: unknown; applied: boolean; result?: unknown; failed?: boolean }
  >();
  let started = 0;
  while (started < options.ops || inFlight.size > 0) {
    const process = rng.int(0, options.processes);
    const current = inFlight.get(process);
    if (!current) {
      if (started >= options.ops) continue;
      started++;
      const key = rng.int(0, options.keys);
      const roll = rng.float();
      const f = roll < 0.4 ? "read" : roll < 0.7 ? "write" : "cas";
      const value = f === "read" ? null : f === "write" ? rng.int(0, 3) : [rng.int(0, 3), rng.int(0, 3)];
      builder.invoke(process, f, [key, value]);
      inFlight.set(process, { f, key, value, applied: false });
    } else if (!current.applied) {
      // The linearization point: the op takes effect atomically now.
      current.applied = true;
      const k = String(current.key);
      if (current.f === "read") {
        if (register.has(k)) current.result = register.get(k);
        else current.failed = true;
      } else if (current.f === "write") register.set(k, current.value);
      else {
        const [from, to] = current.value as [number, number];
        if (register.has(k) && register.get(k) === from) register.set(k, to);
        else current.failed = true;
      }
    } else {
      inFlight.delete(process);
      const crashed = rng.chance(0.1);
      if (crashed) builder.complete(process, "info");
      else if (current.failed) builder.complete(process, "fail");
      else builder.complete(process, "ok", current.f === "read" ? [current.key, current.result] : undefined);
      if (crashed && rng.chance(0.5)) started = options.ops; // a crash near the end sometimes leaves it last
    }
  }
  return builder.ops;
}

/** One random change that often breaks linearizability: a read value, an outcome, or an order. */
function mutate(rng: Rng, history: Op[]): Op[] {
  const ops = history.map((op) => ({ ...op }));
  const completions = ops.filter((op) => op.type !== "invoke");
  if (completions.length === 0) return ops;
  const target = rng.pick(completions);
  const choice = rng.int(0, 3);
  if (choice === 0 && target.f === "read" && target.type === "ok") {
    target.value = [(target.value as unknown[])[0], rng.int(0, 3)];
  } else if (choice === 1 && target.type === "fail") {
    target.type = "ok"; // a cas or a read that failed now claims success
    if (target.f === "read") target.value = [(target.value as unknown[])[0], rng.int(0, 3)];
  } else {
    // Move a completion earlier, before other ops began: it now must precede them.
    const at = ops.indexOf(target);
    const invokeAt = ops.findLastIndex((op, i) => i < at && op.process === target.process && op.type === "invoke");
    ops.splice(at, 1);
    ops.splice(invokeAt + 1, 0, target);
  }
  return ops.map((op, index) => ({ ...op, index, time: index * 1e8 }));
}

// ---------------------------------------------------------------------------------------------

describe("linearizability checker: differential test against the brute-force reference", () => {
  test("agrees on thousands of small random histories, valid and mutated", () => {
    const rng = new Rng(20261201);
    const verdicts = { true: 0, false: 0 };
    for (let round = 0; round < 3000; round++) {
      const processes = rng.int(2, 6);
      const base = simulate(rng, { processes, ops: rng.int(3, 11), keys: rng.chance(0.2) ? 2 : 1 });
      // Odd rounds: mutate until the reference calls it invalid (a few tries), so both verdicts are common.
      let history = base;
      let expected = bruteForceLinearizable(history);
      for (let tries = 0; round % 2 === 1 && tries < 4 && (tries === 0 || expected); tries++) {
        history = mutate(rng, base);
        expected = bruteForceLinearizable(history);
      }
      const actual = checkLinearizable(history)["valid?"];
      if (actual !== expected)
        throw new Error(
          `disagreement on round ${round}: checker ${actual}, reference ${expected}\n${JSON.stringify(history)}`,
        );
      if (round % 2 === 0) expect(expected).toBe(true); // from a real register: always linearizable
      verdicts[String(expected) as "true" | "false"]++;
    }
    expect(verdicts.false).toBeGreaterThan(600);
    expect(verdicts.true).toBeGreaterThan(1500);
  });
});

describe("linearizability checker: the classics", () => {
  test("a stale read: a read begun after a write of 2 completed returns the older 1", () => {
    const h = new HistoryBuilder()
      .invoke(0, "write", [0, 1])
      .complete(0, "ok")
      .invoke(0, "write", [0, 2])
      .complete(0, "ok")
      .invoke(1, "read", [0, null])
      .complete(1, "ok", [0, 1]);
    const result = checkLinearizable(h.ops);
    expect(result["valid?"]).toBe(false);
    expect(result.failures).toEqual([0]);
    const key = keyCheck(result, "0");
    expect((key.op as Op).value).toBe(1); // the bare value, as Jepsen's independent subhistory has it
    expect((key.op as Op).f).toBe("read");
    expect((key["previous-ok"] as Op).f).toBe("write");
    expect(key["last-states"]).toEqual([2]);
    expect(key.explanation).toContain("key 0: read 1 by process 1");
    expect(key.explanation).toContain(
      "the last write of 1 (write 1 by process 0 at 0.000–0.100 s) was overwritten by write 2 by process 0",
    );
    expect(key.explanation).toContain("the last linearized state was 2");
  });

  test("a lost write: two writes acknowledged, later reads see the first one's value", () => {
    const h = new HistoryBuilder()
      .invoke(0, "write", [0, 1])
      .complete(0, "ok")
      .invoke(1, "write", [0, 2])
      .complete(1, "ok")
      .invoke(0, "read", [0, null])
      .complete(0, "ok", [0, 1]);
    expect(checkLinearizable(h.ops)["valid?"]).toBe(false);
  });

  test("concurrent writes may take effect in either order", () => {
    const h = new HistoryBuilder()
      .invoke(0, "write", [0, 1])
      .invoke(1, "write", [0, 2])
      .complete(0, "ok")
      .complete(1, "ok")
      .invoke(0, "read", [0, null])
      .complete(0, "ok", [0, 1]);
    expect(checkLinearizable(h.ops)["valid?"]).toBe(true);
  });

  test("a cas that succeeds twice from the same value", () => {
    const h = new HistoryBuilder()
      .invoke(0, "write", [0, 0])
      .complete(0, "ok")
      .invoke(1, "cas", [0, [0, 1]])
      .complete(1, "ok")
      .invoke(2, "cas", [0, [0, 2]])
      .complete(2, "ok");
    const result = checkLinearizable(h.ops);
    expect(result["valid?"]).toBe(false);
    const key = keyCheck(result, "0");
    expect((key.op as Op).value).toEqual([0, 2]);
    expect(JSON.stringify(key["final-paths"])).toContain("can't CAS 1 from 0 to 2");
  });

  test("an :info write may or may not have happened: both later reads are allowed", () => {
    for (const seen of [1, 2]) {
      const h = new HistoryBuilder()
        .invoke(0, "write", [0, 1])
        .complete(0, "ok")
        .invoke(1, "write", [0, 2])
        .complete(1, "info")
        .invoke(0, "read", [0, null])
        .complete(0, "ok", [0, seen]);
      expect(checkLinearizable(h.ops)["valid?"]).toBe(true);
    }
    // ... but it cannot un-happen once seen.
    const h = new HistoryBuilder()
      .invoke(0, "write", [0, 1])
      .complete(0, "ok")
      .invoke(1, "write", [0, 2])
      .complete(1, "info")
      .invoke(0, "read", [0, null])
      .complete(0, "ok", [0, 2])
      .invoke(0, "read", [0, null])
      .complete(0, "ok", [0, 1]);
    expect(checkLinearizable(h.ops)["valid?"]).toBe(false);
  });

  test("failed ops did not happen; a read of a value nobody wrote is named as such", () => {
    const h = new HistoryBuilder()
      .invoke(0, "write", [3, 4])
      .complete(0, "fail")
      .invoke(0, "write", [3, 1])
      .complete(0, "ok")
      .invoke(1, "read", [3, null])
      .complete(1, "ok", [3, 4]);
    const result = checkLinearizable(h.ops);
    expect(result.failures).toEqual([3]);
    const key = keyCheck(result, "3");
    expect(key.explanation).toContain("the only writes that could precede it wrote 1");
  });

  test("values compare as Clojure compares parsed JSON: a read of 1.0 is not the 1 that was written", () => {
    const read = (value: unknown) =>
      new HistoryBuilder()
        .invoke(0, "write", [0, 1])
        .complete(0, "ok")
        .invoke(1, "read", [0, null])
        .complete(1, "ok", [0, value]);
    expect(checkLinearizable(read(1).ops)["valid?"]).toBe(true);
    // How the runner keeps a reply's 1.0
    expect(checkLinearizable(read(JSON.rawJSON("1.0")).ops)["valid?"]).toBe(false);
    expect(checkLinearizable(read("1").ops)["valid?"]).toBe(false);
  });

  test("keys are independent: a bad key does not spoil a good one, and results are per key", () => {
    const h = new HistoryBuilder()
      .invoke(0, "write", [1, 1])
      .complete(0, "ok")
      .invoke(1, "write", [2, 1])
      .complete(1, "ok")
      .invoke(0, "read", [1, null])
      .complete(0, "ok", [1, 1])
      .invoke(1, "read", [2, null])
      .complete(1, "ok", [2, 3]);
    const result = checkLinearizable(h.ops);
    expect(result.failures).toEqual([2]);
    expect(keyCheck(result, "1")["valid?"]).toBe(true);
    expect(keyCheck(result, "2")["valid?"]).toBe(false);
  });

  test("a search over too many crashed ops stops at its bound with unknown, never hangs", () => {
    // 40 concurrent crashed writes could each have happened or not: 2^40 configurations.
    const h = new HistoryBuilder();
    for (let p = 0; p < 40; p++) h.invoke(p, "write", [0, p]);
    for (let p = 0; p < 40; p++) h.complete(p, "info");
    h.invoke(100, "read", [0, null]).complete(100, "ok", [0, 99]);
    const byMemory = checkLinearizable(h.ops, { maxConfigs: 50_000 });
    expect(byMemory["valid?"]).toBe("unknown");
    expect(byMemory.failures).toEqual([]);
    expect(keyCheck(byMemory, "0").cause).toBe("out-of-memory");
    const started = performance.now();
    const byTime = checkLinearizable(h.ops, { timeLimitMs: 300, maxConfigs: Infinity });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(byTime["valid?"]).toBe("unknown");
    expect(keyCheck(byTime, "0").cause).toBe("timeout");
  });

  test("a bad key gets a timeline picture among the run folder's files; the checker writes none itself", () => {
    const h = new HistoryBuilder()
      .invoke(0, "write", [5, 2])
      .complete(0, "ok")
      .invoke(1, "read", [5, null])
      .complete(1, "ok", [5, 4])
      .invoke(0, "write", [6, 1])
      .complete(0, "ok");
    const files: RunFiles = new Map();
    checkLinearizable(h.ops, { files });
    expect([...files.keys()].sort()).toEqual([
      "independent/5/history.jsonl",
      "independent/5/linear.svg",
      "independent/5/results.json",
      "independent/6/history.jsonl",
      "independent/6/results.json",
    ]);
    const svg = files.get("independent/5/linear.svg")!;
    expect(svg).toStartWith("<svg");
    expect(svg).toContain("read 4");
    expect(svg).toContain("#ff4d4d"); // the unlinearizable op, highlighted
    expect(svg).toContain("process 1");
    expect(JSON.parse(files.get("independent/5/results.json")!)["valid?"]).toBe(false);
    expect(files.get("independent/5/history.jsonl")!.trim().split("\n")).toHaveLength(4);
  });
});

// ---------------------------------------------------------------------------------------------
// The partial linearizations a bad key's result carries for the report (partials.ts).

type Partial = {
  length: number;
  steps: { index: number; process: unknown; op: string; model: { value: unknown } }[];
  earlier: number[];
  model: { value: unknown };
  next: { index: number; process: unknown; op: string; model: { value: unknown } | { msg: string } }[];
};
/** One key's linearizability check, from under its `linearizable` entry. */
const keyResult = (result: Record<string, unknown>, key: string) =>
  (result.results as Record<string, { linearizable: Record<string, unknown> }>)[key]!.linearizable;
const partialsOf = (key: Record<string, unknown>) => key["partial-linearizations"] as Partial[];

describe("linearizability checker: partial linearizations for the report", () => {
  test("a stale read: the longest partial linearization places both writes, then the read cannot come next", () => {
    const h = new HistoryBuilder()
      .invoke(0, "write", [0, 1])
      .complete(0, "ok")
      .invoke(0, "write", [0, 2])
      .complete(0, "ok")
      .invoke(1, "read", [0, null])
      .complete(1, "ok", [0, 1]);
    const key = keyResult(checkLinearizable(h.ops), "0");
    const [longest, ...others] = partialsOf(key);
    expect(others).toEqual([]); // the shorter dead ends are prefixes of it: nothing more to show
    expect(longest!.length).toBe(2);
    const steps = longest!.steps.map((step) => [step.index, step.op, step.model.value]);
    expect(steps).toEqual([
      [1, "write 1", 1],
      [3, "write 2", 2],
    ]);
    expect(longest!.model).toEqual({ value: 2 });
    const refused = { msg: "can't read 1 from register 2" };
    expect(longest!.next).toEqual([{ index: 5, process: 1, op: "read 1", model: refused }]);
    expect(key["window-ops"]).toEqual([1, 3, 5]);
  });

  test("an op the register allows next but that leads nowhere is listed with the state it would leave", () => {
    // cas 2→3 may go after write 2, but then the read of 1 still cannot.
    const h = new HistoryBuilder()
      .invoke(0, "write", [0, 1])
      .complete(0, "ok")
      .invoke(0, "write", [0, 2])
      .complete(0, "ok")
      .invoke(1, "read", [0, null])
      .invoke(2, "cas", [0, [2, 3]])
      .complete(2, "ok")
      .complete(1, "ok", [0, 1]);
    const [longest] = partialsOf(keyResult(checkLinearizable(h.ops), "0"));
    expect(longest!.steps.map((step) => step.op)).toEqual(["write 1", "write 2", "cas 2→3"]);
    const next = longest!.next.map((attempt) => [attempt.op, attempt.model]);
    expect(next).toEqual([["read 1", { msg: "can't read 1 from register 3" }]]);
  });

  test("a linearizable key carries none", () => {
    const h = new HistoryBuilder()
      .invoke(0, "write", [0, 1])
      .complete(0, "ok")
      .invoke(1, "read", [0, null])
      .complete(1, "ok", [0, 1]);
    const key = keyResult(checkLinearizable(h.ops), "0");
    expect(key["partial-linearizations"]).toBeUndefined();
    expect(key["window-ops"]).toBeUndefined();
  });

  test("random broken histories: longest first, no prefix of another, replayable, each drawn op accounted for", () => {
    const rng = new Rng(20261207);
    let checked = 0;
    for (let round = 0; round < 5000 && checked < 300; round++) {
      const history = mutate(rng, simulate(rng, { processes: rng.int(2, 7), ops: rng.int(4, 16), keys: 1 }));
      const result = checkLinearizable(history);
      if (result["valid?"] !== false) continue;
      checked++;
      const key = keyResult(result, "0");
      const partials = partialsOf(key);
      const drawn = new Set(key["window-ops"] as number[]);
      expect(partials.length).toBeGreaterThan(0);
      expect(partials.length).toBeLessThanOrEqual(4);
      partials.forEach((partial, i) => {
        if (i > 0) expect(partial.length).toBeLessThanOrEqual(partials[i - 1]!.length);
        const placed = [...partial.earlier, ...partial.steps.map((step) => step.index)];
        for (const step of partial.steps) expect(drawn.has(step.index)).toBe(true);
        for (const next of partial.next) expect(placed).not.toContain(next.index);
        expect(partial.next.length).toBeGreaterThan(0);
        if (partial.steps.length > 0) expect(partial.model.value).toEqual(partial.steps.at(-1)!.model.value);
        else if (partial.length === 0) expect(partial.model.value).toBeNull();
        const whole = (p: Partial) => (p.steps.length === p.length ? p.steps.map((step) => step.index) : undefined);
        for (const other of partials.slice(i + 1)) {
          const [longer, shorter] = [whole(partial), whole(other)];
          if (!longer || !shorter || shorter.length >= longer.length) continue;
          expect(longer.slice(0, shorter.length)).not.toEqual(shorter);
        }
      });
      // Each step's register follows from the op and the register before it (a read keeps it).
      for (const partial of partials.filter((p) => p.steps.length === p.length)) {
        let register: unknown = null;
        for (const step of partial.steps) {
          const [f, value] = step.op.split(" ");
          if (f === "write") register = JSON.parse(value!);
          if (f === "cas") register = JSON.parse(value!.split("→")[1]!);
          if (f === "read") expect(JSON.stringify(register)).toBe(value === "nil" ? JSON.stringify(register) : value!);
          expect(step.model.value).toEqual(register);
        }
      }
    }
    expect(checked).toBe(300);
  });

  test("linear.svg's caption wraps inside the picture, and the lanes start below it", () => {
    {
      const h = new HistoryBuilder()
        .invoke(0, "write", [5, 1])
        .complete(0, "ok")
        .invoke(0, "write", [5, 2])
        .complete(0, "ok")
        .invoke(1, "read", [5, null])
        .complete(1, "ok", [5, 1]);
      const files: RunFiles = new Map();
      checkLinearizable(h.ops, { files });
      const svg = files.get("independent/5/linear.svg")!;
      const width = Number(/width="(\d+)"/.exec(svg)![1]);
      const lines = [...svg.matchAll(/<tspan x="10" dy="\d+">([^<]*)<\/tspan>/g)].map((match) => match[1]!);
      expect(lines.length).toBeGreaterThan(1); // the explanation is longer than one line
      for (const line of lines) expect(10 + line.length * 7).toBeLessThanOrEqual(width);
      expect(lines.join(" ").replaceAll("&gt;", ">")).toStartWith("key 5: read 1 by process 1");
      const firstLaneY = Number(/<text x="10" y="(\d+)">process /.exec(svg)![1]);
      expect(firstLaneY).toBeGreaterThan(20 + (lines.length - 1) * 16);
    }
  });
});
