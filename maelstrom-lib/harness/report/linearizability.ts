/**
 * `linearizability.html`: why each lin-kv key that is not linearizable is not, drawn as
 * Porcupine's visualization draws it (its visualization.go and index.js, read, not copied): per
 * key, the ops around the failure as bars in one lane per client process; the longest partial
 * linearizations the checker's search reached, each a chain of points through the bars in the
 * order it placed them; and where each one ends, a red point on every op that could have come
 * next, with what the register said to it (linearizability-svg.ts). Hover a bar for the op, its
 * step and the register; click one to show the longest partial linearization that holds it;
 * the buttons pick one. One self-contained file: inline SVG, CSS and a little script, nothing
 * fetched; without the script, the longest partial linearization shows.
 */
import type { NextAttempt, OpMention, PartialReport } from "../checkers/linearizable/partials.ts";
import { type LinKVKey, partialsOf } from "../checkers/linearizable/results.ts";
import { escapeXml, px } from "../primitives/svg-text.ts";
import { partialSentence } from "../checkers/linearizable/explain.ts";
import { LINEARIZABILITY_CSS, LINEARIZABILITY_JS } from "./linearizability-assets.ts";
import { layOut, type WindowOp } from "./linearizability-layout.ts";
import { PICTURE, renderPicture } from "./linearizability-svg.ts";
import { ERROR_TRAP_JS } from "./page-assets.ts";
import { TIMELINE_FILE, verdictBadge } from "./why.ts";

export { LINEARIZABILITY_FILE } from "../checkers/linearizable/explain.ts";
export { WindowOpCollector } from "./linearizability-layout.ts";

/** What the page shows: every key's result, and each bad key's window of ops from history.jsonl. */
export interface LinearizabilityPageData {
  title: string;
  keys: readonly LinKVKey[];
  /** Bad key name → the ops its `window-ops` names, in invocation order. */
  windows: ReadonlyMap<string, readonly WindowOp[]>;
}

/** Renders the whole page. */
export function renderLinearizabilityHtml(data: LinearizabilityPageData): string {
  const bad = data.keys.filter((key) => key.valid === false);
  const sections = bad.map((key) => renderKey(key, data.windows.get(key.name) ?? []));
  const none = `<p class="none">No key failed the linearizability check, so there is no failure to draw.</p>`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(data.title)}</title>
<style>${LINEARIZABILITY_CSS}</style>
<script>${ERROR_TRAP_JS}</script>
</head><body>
<p><a href="index.html">← run report</a></p>
<h1>${escapeXml(data.title)}</h1>
<p class="note">lin-kv is checked key by key. A key is linearizable when some order of its ops respects
real time (an op that completed before another began comes first) and the register (each read returns
what the ops before it left). For a key that is not, the checker's search kept the longest partial orders
it reached: its partial linearizations. Below, each such key's ops around the failure: one lane per client
process, a bar from each op's invocation to its completion. The horizontal axis is the order of events,
not time. An op that crashed (:info) may take effect any time after its invocation, or never, so its bar
runs to the right edge. ${legend()}</p>
${renderKeyTable(data.keys)}
${sections.length ? sections.join("\n") : none}
<div class="tip"></div>
<script>${LINEARIZABILITY_JS}</script>
</body></html>
`;
}

function legend(): string {
  const line = (colour: string, dash = "") => {
    const stroke = `stroke="${colour}" stroke-width="4"${dash}`;
    return `<svg width="26" height="12" class="key-mark"><line x1="2" y1="6" x2="24" y2="6" ${stroke}/></svg>`;
  };
  const dashed = line(PICTURE.next, ` stroke-dasharray="4 3"`);
  return `Black points ${line(PICTURE.point)}: a partial linearization, in the order it placed the ops.
Red ${line(PICTURE.next)}: the ops that could have come next, each refused by the register; dashed ${dashed}
when the register allows it but no order goes on from there.`;
}

const anchorOf = (key: LinKVKey): string => `key-${encodeURIComponent(key.name)}`;

function renderKeyTable(keys: readonly LinKVKey[]): string {
  const rows = keys.map((key) => {
    const link = `<a href="#${escapeXml(anchorOf(key))}">${escapeXml(key.name)}</a>`;
    const name = key.valid === false ? link : escapeXml(key.name);
    const verdict = key.valid === true ? "valid" : key.valid === false ? "invalid" : "unknown";
    const cause = String(key.check.cause ?? "no cause given");
    const words =
      key.valid === true
        ? "linearizable: one order of all its ops respects real time and the register"
        : key.valid === false
          ? String(key.check.explanation ?? "not linearizable")
          : `unknown: the search gave up (${cause}); nothing to draw`;
    const count = typeof key.check["op-count"] === "number" ? String(key.check["op-count"]) : "—";
    const cells = `<td>${verdictBadge(verdict)}</td><td class="num">${count}</td><td>${escapeXml(words)}</td>`;
    return `<tr class="key-row" data-key="${escapeXml(key.name)}"><th>${name}</th>${cells}</tr>`;
  });
  const header = `<tr><th>key</th><th>verdict</th><th class="num">ops</th><th></th></tr>`;
  return `<table class="keys">${header}${rows.join("")}</table>`;
}

/** One bad key: its sentences, the partial linearizations to pick from, the picture and the steps. */
function renderKey(key: LinKVKey, ops: readonly WindowOp[]): string {
  const partials = partialsOf(key);
  const layout = layOut(ops, partials);
  const failedIndex = (key.check.op as { index?: number } | undefined)?.index;
  const picks = partials.map((partial, i) => {
    const on = i === 0 ? " on" : "";
    return `<button class="pick${on}" data-pick="${i}">${escapeXml(pickLabel(partial, i))}</button>`;
  });
  const { labels, picture, focusX } = renderPicture(ops, partials, layout, failedIndex);
  const timeline =
    failedIndex === undefined ? "" : `<a href="${TIMELINE_FILE}#op-${failedIndex}">on the timeline</a>, `;
  const svgPath = `${escapeXml(key.folder)}/linear.svg`;
  const counts = `${ops.length} of its ${String(key.check["op-count"] ?? "?")} ops are drawn`;
  return `<section class="key" id="${escapeXml(anchorOf(key))}" data-key="${escapeXml(key.name)}">
<h2>key ${escapeXml(key.name)}</h2>
<p class="explanation">${escapeXml(String(key.check.explanation ?? ""))}</p>
<p class="partial-sentence">${escapeXml(partialSentence(key))}</p>
<p class="note">The op ${timeline}and as Knossos draws it: <a href="${svgPath}">${svgPath}</a>. ${counts}.
Partial linearizations, longest first: ${picks.join(" ")}</p>
<div class="picture-row">${labels}<div class="picture" data-focus-x="${px(focusX)}">${picture}</div></div>
${partials.map((partial, i) => renderSteps(partial, i)).join("\n")}
<script type="application/json" class="tips">${jsonForScript(tipsOf(ops, partials, failedIndex))}</script>
</section>`;
}

/** "#1: 812 ops, then read 4 (process 1) or 1 more". */
function pickLabel(partial: PartialReport, i: number): string {
  const [first, ...others] = partial.next;
  const more = others.length ? ` or ${others.length} more` : "";
  const then = first ? `, then ${first.op} (process ${String(first.process)})${more}` : "";
  return `#${i + 1}: ${partial.length} ops${then}`;
}

const register = (value: unknown): string => (value === null || value === undefined ? "nil" : JSON.stringify(value));

/** What the register said to an op that could have come next. */
function nextWords(attempt: NextAttempt): string {
  if ("msg" in attempt.model) return `refused: ${attempt.model.msg}`;
  return `allowed (it would leave ${register(attempt.model.value)}), but no order goes on from there`;
}

/** The first op that could come next completes before any other op left: it had to be placed here. */
const MUST_GO_HERE = "; it completes first of the ops left, so it had to go here";

/** A table row: its class and cells, the op linked to its bar on the timeline. */
function row(className: string, number: string, op: OpMention, last: string): string {
  const link = `<a href="${TIMELINE_FILE}#op-${op.index}">${escapeXml(op.op)}</a>`;
  const cells = `<td>${link}</td><td>${escapeXml(String(op.process))}</td><td>${escapeXml(last)}</td>`;
  return `<tr class="${className}"><td class="num">${number}</td>${cells}</tr>`;
}

/** A partial linearization's steps and its possible next ops, as a table (hidden until picked, but the first). */
function renderSteps(partial: PartialReport, i: number): string {
  const firstNumber = partial.length - partial.steps.length + 1;
  const notShown = firstNumber === 2 ? "step 1 is" : `steps 1–${firstNumber - 1} are`;
  const earlier =
    firstNumber > 1 ? [`<tr class="earlier"><td></td><td colspan="3">${notShown} not shown</td></tr>`] : [];
  const steps = partial.steps.map((step, j) => row("step", String(firstNumber + j), step, register(step.model.value)));
  const next = partial.next.map((attempt, j) =>
    row("next", "next?", attempt, nextWords(attempt) + (j ? "" : MUST_GO_HERE)),
  );
  const notListed = partial["next-not-shown"];
  const more = notListed
    ? [`<tr class="next"><td></td><td colspan="3">and ${notListed} older crashed ops</td></tr>`]
    : [];
  const leaving = escapeXml(register(partial.model.value));
  const head = `Partial linearization #${i + 1}: ${partial.length} ops placed, leaving the register at ${leaving}.`;
  const header = `<tr><th class="num">step</th><th>op</th><th>process</th><th>register after</th></tr>`;
  return `<div class="steps${i === 0 ? "" : " off"}" data-lin="${i}"><p>${head} Then no op could be placed next:</p>
<table>${header}${[...earlier, ...steps, ...next, ...more].join("")}</table></div>`;
}

/** What the hover box says about an op whatever is picked: what, who, when. */
function opTip(op: WindowOp, failedIndex: number | undefined): string {
  const mayTakeEffect = "it may take effect any time after its invocation, or never";
  const end =
    op.type === "ok"
      ? `completed ok at ${op.endSec!.toFixed(3)} s`
      : op.type === "info"
        ? `crashed (:info at ${op.endSec!.toFixed(3)} s): ${mayTakeEffect}`
        : `never completed: ${mayTakeEffect}`;
  const failed = op.index === failedIndex ? "\nthe op the checker could not linearize" : "";
  const who = `${op.text} by process ${op.process}${op.node ? ` on ${op.node}` : ""} (op ${op.index})`;
  return `${who}\ninvoked at ${op.startSec.toFixed(3)} s, ${end}${failed}`;
}

/** Where an op stands in one partial linearization, for the hover box; records the longest holding each op. */
function placeTips(partial: PartialReport, i: number, best: Record<number, number>): Record<number, string> {
  const tips: Record<number, string> = {};
  const firstNumber = partial.length - partial.steps.length + 1;
  partial.steps.forEach((step, j) => {
    const before = j > 0 ? register(partial.steps[j - 1]!.model.value) : firstNumber === 1 ? "nil" : undefined;
    const after = register(step.model.value);
    const change =
      before === undefined
        ? `becomes ${after}`
        : before === after
          ? `stays ${after}`
          : `goes from ${before} to ${after}`;
    tips[step.index] = `step ${firstNumber + j} of ${partial.length} in #${i + 1}: the register ${change}`;
    best[step.index] ??= i;
  });
  for (const index of partial.earlier) tips[index] = `placed in #${i + 1} before the steps shown`;
  partial.next.forEach((next, j) => {
    const after = `could come next after #${i + 1} (register ${register(partial.model.value)})`;
    tips[next.index] = `${after}: ${nextWords(next)}${j === 0 ? MUST_GO_HERE : ""}`;
    best[next.index] ??= i;
  });
  return tips;
}

/** Hover texts: per op; per partial linearization and op; and the longest partial linearization holding each op. */
function tipsOf(ops: readonly WindowOp[], partials: readonly PartialReport[], failedIndex: number | undefined) {
  const best: Record<number, number> = {};
  const lin = partials.map((partial, i) => placeTips(partial, i, best));
  const opTips = Object.fromEntries(ops.map((op) => [op.index, opTip(op, failedIndex)]));
  return { ops: opTips, lin, best, notIn: "not placed in this partial linearization" };
}

/** JSON inside a script element: no "</script>" can end it early. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}
