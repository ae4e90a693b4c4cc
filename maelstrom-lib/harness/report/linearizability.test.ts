/**
 * lin-kv's verdict in words and in pictures: a stale read named (key, op, partial linearization)
 * on the console, on index.html and on linearizability.html; a valid history drawing no
 * failure; results nested per key as Maelstrom nests them read alike; and the picture's
 * geometry on random broken histories (every point inside its op's bar, in order).
 */
import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkLinearizable } from "../checkers/linearizable/index.ts";
import { linKVKeys, partialsOf } from "../checkers/linearizable/results.ts";
import type { CheckResult, Op, RunFiles } from "../contracts/types.ts";
import { WORKLOADS } from "../workloads/index.ts";
import { Rng } from "../primitives/rng.ts";
import { wellFormednessProblems } from "../../../tools/xml-check.ts";
import { explainRun, explanationLines } from "./explain.ts";
import { writeRunReport } from "./index.ts";
import { layOut, textWidth, WindowOpCollector } from "./linearizability-layout.ts";
import { LINEARIZABILITY_JS } from "./linearizability-assets.ts";

/** A history builder: events in real-time order, 100 ms apart, clients on n0. */
class History {
  readonly ops: Op[] = [];
  private readonly open = new Map<number, Op>();
  invoke(process: number, f: string, value: unknown): this {
    const op: Op = {
      index: this.ops.length,
      time: this.ops.length * 1e8,
      type: "invoke",
      process,
      f,
      value,
      node: "n0",
    };
    this.ops.push(op);
    this.open.set(process, op);
    return this;
  }
  complete(process: number, type: "ok" | "info" = "ok", value?: unknown): this {
    const invoke = this.open.get(process)!;
    this.open.delete(process);
    const completion: Op = {
      ...invoke,
      index: this.ops.length,
      time: this.ops.length * 1e8,
      type,
      value: value ?? invoke.value,
    };
    this.ops.push(completion);
    return this;
  }
}

/** The classic stale read on key 0: write 1, write 2, then a read that returns 1; key 1 is fine. */
const staleRead = () =>
  new History()
    .invoke(0, "write", [0, 1])
    .complete(0)
    .invoke(0, "write", [0, 2])
    .complete(0)
    .invoke(1, "read", [0, null])
    .complete(1, "ok", [0, 1])
    .invoke(2, "write", [1, 7])
    .complete(2).ops;

/** Writes a run folder holding `history` and the workload result `workload` (default: checked here), and its report. */
async function writeRun(history: Op[], workload?: CheckResult) {
  const runDir = join(mkdtempSync(join(tmpdir(), "linviz-")), "store", "lin-kv", "20260101T000000.000Z");
  const files: RunFiles = new Map();
  const result = workload ?? checkLinearizable(history, { files });
  for (const [name, text] of files) await Bun.write(join(runDir, name), text);
  const stats = { count: 0, "ok-count": 0, "fail-count": 0, "info-count": 0, "valid?": true, "by-f": {} };
  const results = { workload: result, stats, "valid?": result["valid?"] };
  await Bun.write(join(runDir, "results.json"), JSON.stringify(results, null, 2));
  await Bun.write(join(runDir, "history.jsonl"), history.map((op) => `${JSON.stringify(op)}\n`).join(""));
  await Bun.write(
    join(runDir, "test.json"),
    JSON.stringify({ workload: "lin-kv", bin: "lin-kv-node", nodeIds: ["n0"] }),
  );
  await writeRunReport(runDir);
  const lines = explanationLines(await explainRun(results, WORKLOADS.get("lin-kv"), runDir), runDir);
  const read = (name: string) => Bun.file(join(runDir, name)).text();
  return { runDir, lines, index: await read("index.html"), viz: await read("linearizability.html") };
}

const STALE_EXPLANATION =
  "key 0: read 1 by process 1 at 0.400–0.500 s cannot be linearized: it needs 1, but the last write of 1 " +
  "(write 1 by process 0 at 0.000–0.100 s) was overwritten by write 2 by process 0 at 0.200–0.300 s " +
  "before it began; " +
  "the last linearized state was 2.";
const STALE_PARTIAL =
  "Longest partial linearization (2 ops): write 1 by process 0 → 1, write 2 by process 0 → 2; " +
  "then read 1 by process 1 could not be linearized: can't read 1 from register 2.";

describe("an invalid lin-kv run: a stale read", () => {
  test("the console names the key, the op that could not be linearized and the partial linearization", async () => {
    const { lines, runDir } = await writeRun(staleRead());
    expect(lines).toContain("workload invalid: key 0 not linearizable");
    expect(lines).toContain(`  - ${STALE_EXPLANATION} ${STALE_PARTIAL}`);
    expect(lines).toContain(`Partial linearizations: ${join(runDir, "linearizability.html")}`);
  });

  test("index.html says the same at the top and links linearizability.html and linear.svg", async () => {
    const { index, runDir } = await writeRun(staleRead());
    expect(wellFormednessProblems(index, "html")).toEqual([]);
    const why = index.slice(index.indexOf('<section id="why"'), index.indexOf("</section>"));
    expect(why).toContain("<b>workload</b>: key 0 not linearizable");
    expect(why).toContain(`<li>${STALE_EXPLANATION} ${STALE_PARTIAL.replace("'", "&#39;")}`);
    expect(why).toContain('<a class="op-link" href="timeline.html#op-5">op 5</a>');
    expect(why).toContain('<a class="page-link" href="linearizability.html#key-0">partial linearizations</a>');
    expect(why).toContain('<a class="page-link" href="independent/0/linear.svg">linear.svg</a>');
    expect(existsSync(join(runDir, "independent", "0", "linear.svg"))).toBe(true);
    expect(index).toContain('<p class="note linearizability">');
    expect(index).toContain('<a href="linearizability.html">linearizability.html</a>');
    expect(index).not.toContain("see results.json");
  });

  test("linearizability.html draws the ops, the partial linearization and the red point where it ends", async () => {
    const { viz } = await writeRun(staleRead());
    expect(wellFormednessProblems(viz, "html")).toEqual([]);
    expect(viz).not.toMatch(/(src|href)="(https?:)?\/\//); // self-contained
    expect(viz).not.toMatch(/<link|@import|url\(/);
    expect(viz).toMatch(
      /<tr class="key-row" data-key="0"><th><a href="#key-0">0<\/a><\/th><td><span class="badge verdict-invalid"/,
    );
    expect(viz).toMatch(/<tr class="key-row" data-key="1"><th>1<\/th><td><span class="badge verdict-valid"/);
    const section = viz.slice(viz.indexOf('<section class="key" id="key-0"'), viz.indexOf("</section>"));
    expect(section).toContain(`<p class="explanation">${STALE_EXPLANATION}</p>`);
    expect(section).toContain(`<p class="partial-sentence">${STALE_PARTIAL.replace("'", "&#39;")}</p>`);
    // One bar per op of key 0 (key 1's write is not drawn); the read outlined as the op that failed.
    expect([...section.matchAll(/<g class="op" id="op-(\d+)"/g)].map((match) => match[1])).toEqual(["1", "3", "5"]);
    expect(section).toMatch(/<g class="op" id="op-5" data-op="5"><rect class="failed"/);
    expect(section).toContain(">read 1</text>");
    // The longest partial linearization: points on both writes, joined, then a red point on the read.
    const longest = /<g class="lin" data-lin="0">(.*?)<\/g>/.exec(section)![1]!;
    expect([...longest.matchAll(/data-step="(\d+)"/g)].map((match) => match[1])).toEqual(["1", "3"]);
    expect([...longest.matchAll(/<line class="point"[^>]*data-next="(\d+)"/g)].map((match) => match[1])).toEqual(["5"]);
    expect(longest).toContain('stroke="rgba(225,0,0,0.8)"');
    expect(longest).not.toContain("stroke-dasharray"); // refused by the register, not a dead end further on
    // Its steps as a table, then the op that could not come next and why.
    expect(section).toContain("Partial linearization #1: 2 ops placed, leaving the register at 2.");
    expect(section).toContain(
      '<tr class="step"><td class="num">2</td><td><a href="timeline.html#op-3">write 2</a></td>',
    );
    expect(section).toContain(
      "<td>refused: can&#39;t read 1 from register 2; it completes first of the ops left, so it had to go here</td>",
    );
  });

  test("the hover texts and the script parse", async () => {
    const { viz } = await writeRun(staleRead());
    const tips = JSON.parse(/<script type="application\/json" class="tips">(.*?)<\/script>/.exec(viz)![1]!);
    expect(tips.ops["5"]).toBe(
      "read 1 by process 1 on n0 (op 5)\ninvoked at 0.400 s, completed ok at 0.500 s\n" +
        "the op the checker could not linearize",
    );
    expect(tips.lin[0]["3"]).toBe("step 2 of 2 in #1: the register goes from 1 to 2");
    expect(tips.lin[0]["5"]).toStartWith(
      "could come next after #1 (register 2): refused: can't read 1 from register 2",
    );
    expect(tips.best).toEqual({ "1": 0, "3": 0, "5": 0 });
    expect(() => new Function(LINEARIZABILITY_JS)).not.toThrow();
  });
});

describe("a valid lin-kv run", () => {
  test("draws no failure, and the console points nowhere else", async () => {
    const history = new History()
      .invoke(0, "write", [0, 1])
      .complete(0)
      .invoke(1, "read", [0, null])
      .invoke(0, "write", [0, 2])
      .complete(0)
      .complete(1, "ok", [0, 2]).ops;
    const { viz, index, lines } = await writeRun(history);
    expect(wellFormednessProblems(viz, "html")).toEqual([]);
    expect(viz).toContain("No key failed the linearizability check, so there is no failure to draw.");
    expect(viz).toMatch(/<tr class="key-row" data-key="0"><th>0<\/th><td><span class="badge verdict-valid"/);
    const drawings = ['<section class="key"', "data-next=", 'class="failed"', 'class="linearizability"'];
    for (const drawn of drawings) expect(viz).not.toContain(drawn);
    expect(index).toContain('<a href="linearizability.html">linearizability.html</a>');
    expect(lines.some((line) => line.startsWith("Partial linearizations:"))).toBe(false);
  });

  test("a key the search gave up on is unknown, in words, with nothing drawn", async () => {
    const history = new History();
    for (let p = 0; p < 30; p++) history.invoke(p, "write", [0, p]);
    for (let p = 0; p < 30; p++) history.complete(p, "info");
    history.invoke(100, "read", [0, null]).complete(100, "ok", [0, 99]);
    const workload = checkLinearizable(history.ops, { maxConfigs: 5_000 });
    const { viz, lines } = await writeRun(history.ops, workload);
    expect(lines).toContain("workload unknown: key 0 unknown (the search gave up)");
    const finding = lines.find((line) => line.startsWith("  - key 0: unknown: "))!;
    expect(finding).toMatch(/the linearizability search hit its memory bound after \d+ configurations/);
    expect(viz).toContain("unknown: the search gave up (out-of-memory); nothing to draw");
    expect(viz).not.toContain('<section class="key"');
  });
});

describe("results nested per key under linearizable, as Maelstrom nests them", () => {
  test("are read by the one accessor, and explained and drawn alike", async () => {
    const history = staleRead();
    // The checker nests each key's check under `linearizable`; older runs stored it flat.
    const nested = checkLinearizable(history);
    const flatResults = Object.fromEntries(
      Object.entries(nested.results).map(([key, composed]) => [key, composed.linearizable]),
    );
    const flat = { ...nested, results: flatResults } as unknown as CheckResult;
    expect(linKVKeys(flat)!.map((key) => [key.name, key.valid, partialsOf(key).length])).toEqual([
      ["0", false, 1],
      ["1", true, 0],
    ]);
    expect(linKVKeys(nested)!.map((key) => [key.name, key.valid, partialsOf(key).length])).toEqual([
      ["0", false, 1],
      ["1", true, 0],
    ]);
    for (const stored of [flat, nested]) {
      const { lines, viz } = await writeRun(history, stored);
      expect(lines).toContain(`  - ${STALE_EXPLANATION} ${STALE_PARTIAL}`);
      expect(viz).toMatch(/<g class="lin" data-lin="0">.*data-next="5"/);
    }
  });
});

/** A register used by concurrent clients whose reads sometimes return the value before the last write. */
function staleRegisterHistory(rng: Rng, opCount: number): Op[] {
  const history = new History();
  const pending = new Map<number, { f: string; value: unknown }>();
  let [current, previous] = [0, 0];
  history.invoke(99, "write", [0, 0]).complete(99);
  for (let started = 0; started < opCount || pending.size > 0; ) {
    const process = rng.int(0, 5);
    const op = pending.get(process);
    if (op) {
      pending.delete(process);
      const stale = rng.chance(0.15) ? previous : current;
      history.complete(
        process,
        rng.chance(0.1) && op.f !== "read" ? "info" : "ok",
        op.f === "read" ? [0, stale] : undefined,
      );
    } else if (started < opCount) {
      started++;
      const f = rng.chance(0.5) ? "read" : "write";
      const value = f === "read" ? null : rng.int(1, 5);
      if (f === "write") [previous, current] = [current, value as number];
      pending.set(process, { f, value });
      history.invoke(process, f, [0, value]);
    }
  }
  return history.ops;
}

describe("the picture's geometry", () => {
  test("on random broken histories every point is inside its op's bar, in order, and every label fits its bar", () => {
    const rng = new Rng(20261208);
    let drawnKeys = 0;
    for (let round = 0; round < 600; round++) {
      const history = staleRegisterHistory(rng, rng.int(6, 40));
      const [key] = linKVKeys(checkLinearizable(history))!;
      if (key!.valid !== false) continue;
      drawnKeys++;
      const collector = new WindowOpCollector([key!]);
      for (const op of history) collector.add(op);
      const ops = collector.result([key!]).get("0")!;
      // Every op the checker named, from history.jsonl, in invocation order.
      expect(new Set(ops.map((op) => op.index))).toEqual(new Set(key!.check["window-ops"] as number[]));
      expect(ops.map((op) => op.invokeIndex)).toEqual(ops.map((op) => op.invokeIndex).sort((a, b) => a - b));
      const partials = partialsOf(key!);
      const layout = layOut(ops, partials);
      for (const op of ops) {
        const width = layout.endX.get(op.index)! - layout.startX.get(op.index)!;
        expect(width).toBeGreaterThanOrEqual(textWidth(op.text) - 1e-9);
      }
      partials.forEach((partial, i) => {
        const xs = [...partial.steps.map((step) => layout.points[i]!.get(step.index)!)];
        xs.forEach((x, j) => {
          const index = partial.steps[j]!.index;
          expect(x).toBeGreaterThan(layout.startX.get(index)!);
          expect(x).toBeLessThan(layout.endX.get(index)!);
          if (j > 0) expect(x).toBeGreaterThan(xs[j - 1]!);
        });
        for (const next of partial.next) {
          const x = layout.nextPoints[i]!.get(next.index);
          if (x === undefined) continue; // an old crashed op outside the window
          expect(x).toBeGreaterThan(layout.startX.get(next.index)!);
          expect(x).toBeLessThan(layout.endX.get(next.index)!);
          if (xs.length) expect(x).toBeGreaterThan(xs.at(-1)!);
        }
      });
    }
    expect(drawnKeys).toBeGreaterThan(50);
  });
});
