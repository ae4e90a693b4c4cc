/**
 * Elle's words for list-append cycles: each step of a cycle as its explainers put it
 * (elle/list_append.clj's WW/WR/RW explainers, elle/core.clj's process and realtime ones),
 * the whole cycle as elle/core.clj renders it ("Let: T1 = … Then: - T1 < T2, because …"),
 * and the files Elle writes: `elle/<anomaly>.txt` for every reportable cycle type, and
 * `elle/incompatible-order/<key>.html` for each key read in incompatible orders.
 */
import type { RunFiles } from "../../contracts/types.ts";
import { escapeXml } from "../../primitives/svg-text.ts";
import type { FoundCycle } from "./cycles.ts";
import { Rel } from "./graph.ts";
import { type AppendMop, lastOf, mopsOf } from "./list-append-history.ts";
import { INIT, type Indexes, type ListAppendCase, previousElement, show } from "./list-append-versions.ts";
import { type Txn, txnSummary } from "./txns.ts";
import { nanosToSeconds } from "../../contracts/history.ts";

/** One explained step: Elle's data, and how to say it given the two txns' names. */
interface Step {
  data: Record<string, unknown>;
  render: (a: string, b: string) => string;
}

/** What the explanations need besides the indexes: where each txn was invoked. */
export interface ExplainContext extends Indexes {
  invokeIndex: Map<number, number>;
}

function appendsOf(txn: Txn): (AppendMop & { 0: "append" })[] {
  return mopsOf(txn).filter((mop): mop is AppendMop & { 0: "append" } => mop[0] === "append");
}

function explainWw(a: Txn, b: Txn, ctx: ExplainContext): Step | undefined {
  for (const [, key, value] of appendsOf(b)) {
    const previous = previousElement(ctx.order, key, value);
    if (previous === INIT || ctx.writers.get(key)?.get(previous) !== a) continue;
    return {
      data: { type: "ww", key, value: previous, "value'": value },
      render: (an, bn) => `${bn} appended ${show(value)} after ${an} appended ${show(previous)} to ${show(key)}`,
    };
  }
  return undefined;
}

function explainWr(a: Txn, b: Txn, ctx: ExplainContext): Step | undefined {
  for (const [f, key, value] of mopsOf(b)) {
    if (f !== "r" || !value || value.length === 0) continue;
    const last = lastOf(value);
    if (ctx.writers.get(key)?.get(last) !== a) continue;
    return {
      data: { type: "wr", key, value: last },
      render: (an, bn) => `${bn} observed ${an}'s append of ${show(last)} to key ${show(key)}`,
    };
  }
  return undefined;
}

function explainRw(a: Txn, b: Txn, ctx: ExplainContext): Step | undefined {
  for (const [, key, value] of appendsOf(b)) {
    const previous = previousElement(ctx.order, key, value);
    if (!ctx.readers.get(key)?.get(previous)?.includes(a)) continue;
    if (previous === INIT) {
      return {
        data: { type: "rw", key, value: null, "value'": value },
        render: (an, bn) =>
          `${an} observed the initial (nil) state of ${show(key)}, which ${bn} created by appending ${show(value)}`,
      };
    }
    return {
      data: { type: "rw", key, value: previous, "value'": value },
      render: (an, bn) => `${an} did not observe ${bn}'s append of ${show(value)} to ${show(key)}`,
    };
  }
  return undefined;
}

function explainRealtime(a: Txn, b: Txn, ctx: ExplainContext): Step {
  const invoked = ctx.invokeIndex.get(b.id)!;
  const gapNs = b.invokeTimeNs - a.completeTimeNs;
  const gap = gapNs > 0 ? ` ${nanosToSeconds(gapNs).toFixed(3)} seconds` : " just";
  return {
    data: { type: "realtime", "a'": a.index, b: invoked },
    render: (an, bn) =>
      `${an} completed at index ${a.index},${gap} before the invocation of ${bn}, at index ${invoked}`,
  };
}

/** Explains why `b` follows `a` by the relationship the cycle search named. */
export function explainStep(a: Txn, b: Txn, rel: number, ctx: ExplainContext): Step {
  let step: Step | undefined;
  if (rel === Rel.ww) step = explainWw(a, b, ctx);
  else if (rel === Rel.wr) step = explainWr(a, b, ctx);
  else if (rel === Rel.rw) step = explainRw(a, b, ctx);
  else if (rel === Rel.process)
    step = {
      data: { type: "process", process: a.process },
      render: (an, bn) => `process ${a.process} executed ${an} before ${bn}`,
    };
  else step = explainRealtime(a, b, ctx);
  if (!step) throw new Error(`list-append: cannot explain the edge from T${a.index} to T${b.index}`);
  return step;
}

/** Elle's rendering of one cycle: the binding of names to txns, then each step. */
function renderCycle(cycle: FoundCycle, steps: Step[]): string {
  const names = cycle.steps.map((_, i) => `T${i + 1}`);
  const binding = cycle.steps.map(({ txn }, i) => `  ${names[i]} = ${show(txnSummary(txn))}`).join("\n");
  const lines = steps.map((step, i) => {
    const [a, b] = [names[i]!, names[(i + 1) % names.length]!];
    const text = `${a} < ${b}, because ${step.render(a, b)}`;
    return i === steps.length - 1 ? `  - However, ${text}: a contradiction!` : `  - ${text}.\n`;
  });
  return `Let:\n${binding}\n\nThen:\n${lines.join("")}`;
}

/** A found cycle as a result case: the txns, Elle's step data, and the rendered explanation. */
export function cycleCase(cycle: FoundCycle, ctx: ExplainContext): ListAppendCase {
  const steps = cycle.steps.map((step, i) =>
    explainStep(step.txn, cycle.steps[(i + 1) % cycle.steps.length]!.txn, step.rel, ctx),
  );
  // Elle's :cycle ends where it starts.
  const txns = [...cycle.steps.map(({ txn }) => txnSummary(txn)), txnSummary(cycle.steps[0]!.txn)];
  return { type: cycle.type, cycle: txns, steps: steps.map((s) => s.data), explanation: renderCycle(cycle, steps) };
}

/**
 * Adds `<dir>/<type>.txt` for each cycle type, as Elle's write-cycles! ("G-single #0", the explanation, blank lines
 * between).
 */
export function addCycleFiles(
  files: RunFiles,
  dir: string,
  cycleCases: ReadonlyMap<string, readonly ListAppendCase[]>,
): void {
  for (const [type, cases] of cycleCases) {
    files.set(`${dir}/${type}.txt`, cases.map((c, i) => `${type} #${i}\n${c.explanation}`).join("\n\n\n"));
  }
}

/**
 * Elle's incompatible-order pages, added as `<dir>/incompatible-order/<key>.html`, every ok read of the
 * key with the elements that disagree with the longest read highlighted.
 */
export function addIncompatibleOrderFiles(
  files: RunFiles,
  dir: string,
  cases: readonly ListAppendCase[],
  txns: readonly Txn[],
  longest: ReadonlyMap<unknown, readonly unknown[]>,
): void {
  const folder = `${dir}/incompatible-order`;
  for (const { key } of cases) {
    const reference = longest.get(key) ?? [];
    const rows: string[] = [];
    for (const txn of txns) {
      if (txn.status !== "ok") continue;
      for (const [f, k, value] of mopsOf(txn)) {
        if (f !== "r" || k !== key) continue;
        const cells = (value ?? []).map(
          (e, i) => `<td${e === reference[i] ? "" : ' style="background: #f6c"'}>${escapeXml(show(e))}</td>`,
        );
        rows.push(
          `<tr><td>${txn.index}</td><td>${nanosToSeconds(txn.completeTimeNs).toFixed(2)}</td>` +
            `<td>${escapeXml(String(txn.process))}</td><td>txn</td>${cells.join("")}</tr>`,
        );
      }
    }
    const title = `All Reads of ${escapeXml(show(key))}`;
    const head = '<tr><th>Index</th><th>Time (s)</th><th>Process</th><th>Fun</th><th colspan="32">Value</th></tr>';
    const html =
      `<html><head><style>th { text-align: left; }</style></head><body><h1>${title}</h1><table>` +
      `<thead>${head}</thead><tbody>${rows.join("")}</tbody></table></body></html>`;
    files.set(`${folder}/${show(key)}.html`, html);
  }
}
