/**
 * The picture of one bad lin-kv key in linearizability.html: one lane per client process, a bar
 * per op of the window (ok ops solid, crashed ones dashed to the right edge, the op the checker
 * could not linearize outlined in red), and per partial linearization a group of black points
 * joined in the order it placed the ops, then red points on each op that could have come next
 * (dashed when the register allows it but nothing goes on from there). Only the first group is
 * shown until the page's script shows another; joins run from one lane's edge to the next as
 * Porcupine's index.js draws them.
 */
import type { PartialReport } from "../checkers/linearizable/partials.ts";
import { escapeXml, px } from "../primitives/svg-text.ts";
import type { Layout, WindowOp } from "./linearizability-layout.ts";

/** Sizes, in px, and colours. */
export const PICTURE = {
  laneHeight: 28,
  laneGap: 18,
  top: 14,
  bleed: 5,
  axisHeight: 22,
  labelCharWidth: 7.3,
  point: "rgba(0,0,0,0.7)",
  next: "rgba(225,0,0,0.8)",
  ok: { fill: "#cfe5fb", stroke: "#5d9bd6" },
  crashed: { fill: "#ffe4b8", stroke: "#e0962a" },
} as const;

/** Room left of the first bar, so a point at its start is not cut. */
const MARGIN = 12;

/** The lanes: processes in order, each labelled with its node; and the width the labels take. */
function lanesOf(ops: readonly WindowOp[]): { processes: string[]; labels: string[]; labelWidth: number } {
  const processes = [...new Set(ops.map((op) => op.process))];
  processes.sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
  const labels = processes.map((process) => {
    const node = ops.find((op) => op.process === process && op.node)?.node;
    return `process ${process}${node ? ` (${node})` : ""}`;
  });
  const longest = Math.max(...labels.map((label) => label.length), 8);
  return { processes, labels, labelWidth: longest * PICTURE.labelCharWidth + 16 };
}

/** A point (x, top of its lane). */
type At = { x: number; y: number };
/** From layout x to SVG x. */
type ToX = (value: number) => string;

/**
 * The key's picture: the lane labels in an SVG of their own (the page keeps them in view while
 * the picture scrolls), then the picture: bars, then each partial linearization's points.
 * `focusX` is where the longest partial linearization fails, for the page to scroll to.
 */
export function renderPicture(
  ops: readonly WindowOp[],
  partials: readonly PartialReport[],
  layout: Layout,
  failedIndex: number | undefined,
): { labels: string; picture: string; focusX: number } {
  const { processes, labels, labelWidth } = lanesOf(ops);
  const laneStep = PICTURE.laneHeight + PICTURE.laneGap;
  const laneY = new Map(processes.map((process, i) => [process, PICTURE.top + i * laneStep]));
  const height = PICTURE.top + processes.length * laneStep + PICTURE.axisHeight;
  const x: ToX = (value) => px(MARGIN + value);
  const texts = labels.map((label, i) => {
    const y = laneY.get(processes[i]!)! + PICTURE.laneHeight / 2 + 4;
    return `<text class="lane" x="${px(labelWidth - 8)}" y="${y}" text-anchor="end">${escapeXml(label)}</text>`;
  });
  const labelSize = `width="${px(labelWidth)}" height="${px(height)}"`;
  const labelSvg = `<svg xmlns="http://www.w3.org/2000/svg" class="lanes" ${labelSize}>${texts.join("")}</svg>`;
  const size = `width="${px(MARGIN + layout.width)}" height="${px(height)}"`;
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" class="linearizability" ${size}>`];
  for (const op of ops) parts.push(renderBar(op, laneY.get(op.process)!, layout, x, op.index === failedIndex));
  const laneOf = new Map(ops.map((op) => [op.index, laneY.get(op.process)!]));
  parts.push(...partials.map((partial, i) => renderPoints(partial, i, laneOf, layout, x)));
  parts.push(renderAxis(ops, layout, x, height), "</svg>");
  const focusX = MARGIN + Math.max(0, ...(layout.nextPoints[0]?.values() ?? []));
  return { labels: labelSvg, picture: parts.join("\n"), focusX };
}

function renderBar(op: WindowOp, y: number, layout: Layout, x: ToX, failed: boolean): string {
  const start = layout.startX.get(op.index)!;
  const end = layout.endX.get(op.index)!;
  const colour = op.type === "ok" ? PICTURE.ok : PICTURE.crashed;
  const dash = op.type === "ok" ? "" : ` stroke-dasharray="5 3"`;
  const box = `x="${x(start)}" y="${y}" width="${px(end - start)}" height="${PICTURE.laneHeight}" rx="4"`;
  const paint = `fill="${colour.fill}" stroke="${colour.stroke}"${dash}`;
  const rect = `<rect${failed ? ` class="failed"` : ""} ${box} ${paint}/>`;
  const textY = y + PICTURE.laneHeight / 2 + 4;
  const text = `<text x="${x((start + end) / 2)}" y="${textY}" text-anchor="middle">${escapeXml(op.text)}</text>`;
  return `<g class="op" id="op-${op.index}" data-op="${op.index}">${rect}${text}</g>`;
}

/** One partial linearization: its points joined in order, then red points on the ops that could have come next. */
function renderPoints(
  partial: PartialReport,
  i: number,
  laneOf: ReadonlyMap<number, number>,
  layout: Layout,
  x: ToX,
): string {
  const parts: string[] = [];
  let previous: At | undefined;
  for (const step of partial.steps) {
    const at = { x: layout.points[i]!.get(step.index)!, y: laneOf.get(step.index)! };
    if (at.y === undefined) continue;
    if (previous) parts.push(join(previous, at, PICTURE.point, "", x));
    parts.push(tick(at, PICTURE.point, ` data-step="${step.index}"`, x));
    previous = at;
  }
  for (const next of partial.next) {
    const at = { x: layout.nextPoints[i]!.get(next.index)!, y: laneOf.get(next.index)! };
    if (at.x === undefined || at.y === undefined) continue;
    const extra = `${"msg" in next.model ? "" : ` stroke-dasharray="4 3"`} data-next="${next.index}"`;
    if (previous) parts.push(join(previous, at, PICTURE.next, extra, x));
    parts.push(tick(at, PICTURE.next, extra, x));
  }
  return `<g class="lin${i === 0 ? "" : " off"}" data-lin="${i}">${parts.join("")}</g>`;
}

/** A linearization point: a thick line across the op's bar. */
function tick(at: At, colour: string, extra: string, x: ToX): string {
  const ys = `y1="${at.y - PICTURE.bleed}" y2="${at.y + PICTURE.laneHeight + PICTURE.bleed}"`;
  return `<line class="point" x1="${x(at.x)}" x2="${x(at.x)}" ${ys} stroke="${colour}" stroke-width="4"${extra}/>`;
}

/** From one point to the next: from the bottom of a higher lane to the top of a lower one, or the other way up. */
function join(from: At, to: At, colour: string, extra: string, x: ToX): string {
  const bottom = (at: At) => at.y + PICTURE.laneHeight + PICTURE.bleed;
  const y1 = from.y >= to.y ? from.y - PICTURE.bleed : bottom(from);
  const y2 = from.y <= to.y ? to.y - PICTURE.bleed : bottom(to);
  const line = `x1="${x(from.x)}" x2="${x(to.x)}" y1="${y1}" y2="${y2}"`;
  return `<line class="join" ${line} stroke="${colour}" stroke-width="2"${extra}/>`;
}

/** The first and last event's times under the picture (the axis is event order, so only the ends are named). */
function renderAxis(ops: readonly WindowOp[], layout: Layout, x: ToX, height: number): string {
  if (ops.length === 0) return "";
  const first = ops.reduce((a, b) => (a.startSec <= b.startSec ? a : b));
  const ends = ops.filter((op) => op.endSec !== undefined);
  const last = ends.length ? ends.reduce((a, b) => (a.endSec! >= b.endSec! ? a : b)) : undefined;
  const y = height - 6;
  const firstX = x(layout.startX.get(first.index)!);
  const firstText = `<text class="axis" x="${firstX}" y="${y}">${first.startSec.toFixed(3)} s</text>`;
  if (!last) return firstText;
  const lastX = x(layout.endX.get(last.index)!);
  return `${firstText}<text class="axis" x="${lastX}" y="${y}" text-anchor="end">${last.endSec!.toFixed(3)} s</text>`;
}
