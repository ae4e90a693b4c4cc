/**
 * A picture of one key's ops around the op that could not be linearized (Jepsen draws
 * `linear.svg` for a bad key, knossos/linear/report.clj): one lane per process, a bar from
 * invocation to completion, labelled with what the op did; ok ops blue, crashed ones orange
 * and open-ended, the unlinearizable op red. Like Knossos' picture, the horizontal axis is
 * the order of events, not time: ops that take microseconds would otherwise be slivers. Each
 * bar's tooltip gives its times. The caption, the failure in words, wraps to stay inside the picture.
 */
import type { KeyHistory, KeyOp } from "./history.ts";
import { describeOp } from "./analysis.ts";
import { nanosToSeconds } from "../../contracts/history.ts";

/** Ops drawn around the failed op, in invocation order, and the most drawn at all. */
const NEIGHBOURS_BEFORE = 16;
const NEIGHBOURS_AFTER = 4;
const MAX_OPS_DRAWN = 60;
const LANE_HEIGHT = 28;
const LEFT_MARGIN = 90;
const WIDTH = 1100;
const TOP_MARGIN = 40;
/** The caption's lines: 13 px sans-serif averages under 7 px a character, so this many fit the width. */
const CAPTION_LINE_HEIGHT = 16;
const CAPTION_CHARS_PER_LINE = Math.floor((WIDTH - 20) / 7);

const COLOURS = { ok: "#6db6ff", crashed: "#ffc26b", failed: "#ff4d4d" } as const;

/** The SVG text for a bad key's ops near op `failed`. */
export function timelineSvg(history: KeyHistory, failed: number, title: string): string {
  const target = history.ops[failed]!;
  const drawn = window(history, target);
  // One column per event of the drawn ok ops; older crashed ops start at the left edge.
  const okDrawn = drawn.filter((op) => op.ok);
  const firstOk = Math.min(...okDrawn.map((op) => op.invoke.index));
  const events = drawn.flatMap((op) =>
    op.ok ? [op.invoke.index, op.completion!.index] : op.invoke.index > firstOk ? [op.invoke.index] : [],
  );
  const columns = [...new Set(events)].sort((a, b) => a - b);
  const column = new Map(columns.map((index, i) => [index, i]));
  const columnWidth = (WIDTH - LEFT_MARGIN - 20) / Math.max(1, columns.length);
  const x = (index: number) =>
    LEFT_MARGIN + (column.get(index) ?? (index < columns[0]! ? 0 : columns.length)) * columnWidth;
  const processes = [...new Set(drawn.map((op) => op.invoke.process))].sort((a, b) => Number(a) - Number(b));
  const lane = new Map(processes.map((process, i) => [process, i]));
  // The caption wraps inside the picture; the lanes start below it.
  const caption = wrapWords(title, CAPTION_CHARS_PER_LINE);
  const top = TOP_MARGIN + (caption.length - 1) * CAPTION_LINE_HEIGHT;
  const height = top + processes.length * LANE_HEIGHT + 30;
  const captionLines = caption.map(
    (line, i) => `<tspan x="10" dy="${i === 0 ? 0 : CAPTION_LINE_HEIGHT}">${escapeXml(line)}</tspan>`,
  );
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" font-family="sans-serif" ` +
      `font-size="11">`,
    `<text class="caption" x="10" y="20" font-size="13">${captionLines.join("")}</text>`,
  ];
  processes.forEach((process, i) => {
    const y = top + i * LANE_HEIGHT;
    parts.push(`<text x="10" y="${y + 17}">process ${escapeXml(String(process))}</text>`);
    parts.push(
      `<line x1="${LEFT_MARGIN}" y1="${y + LANE_HEIGHT}" x2="${WIDTH - 20}" y2="${y + LANE_HEIGHT}" stroke="#eee"/>`,
    );
  });
  for (const op of drawn) {
    const y = top + lane.get(op.invoke.process)! * LANE_HEIGHT + 4;
    const left = x(op.invoke.index);
    const right = op.ok ? x(op.completion!.index) + columnWidth : x(Infinity);
    const width = Math.max(2, right - left - 2);
    const colour = op === target ? COLOURS.failed : op.ok ? COLOURS.ok : COLOURS.crashed;
    const stroke =
      op === target ? ` stroke="#900" stroke-width="2"` : op.ok ? "" : ` stroke="#c80" stroke-dasharray="4 2"`;
    const outcome = op.ok ? "ok" : (op.completion?.type ?? "no completion");
    const endSec = op.ok ? nanosToSeconds(op.completion!.time).toFixed(3) : "∞";
    const tip = `${describeOp(op)} (${outcome}) ${nanosToSeconds(op.invoke.time).toFixed(3)}–${endSec} s`;
    parts.push(
      `<g><title>${escapeXml(tip)}</title><rect x="${left.toFixed(1)}" y="${y}" width="${width.toFixed(1)}" ` +
        `height="${LANE_HEIGHT - 8}" fill="${colour}"${stroke}/>`,
      `<text x="${(left + 3).toFixed(1)}" y="${y + 14}">${escapeXml(describeOp(op))}</text></g>`,
    );
  }
  const axisY = height - 10;
  const timeOf = new Map(
    drawn.flatMap((op) => [op.invoke, ...(op.completion ? [op.completion] : [])]).map((op) => [op.index, op.time]),
  );
  const seconds = (index: number) => nanosToSeconds(timeOf.get(index)!).toFixed(3);
  parts.push(`<text x="${LEFT_MARGIN}" y="${axisY}">${seconds(columns[0]!)} s</text>`);
  parts.push(`<text x="${WIDTH - 80}" y="${axisY}">${seconds(columns[columns.length - 1]!)} s</text>`);
  parts.push("</svg>\n");
  return parts.join("\n");
}

/**
 * The failed op and its neighbourhood: the ops invoked just before and after it in history
 * order, and every crashed op still open when it began (they could have taken effect then).
 */
function window(history: KeyHistory, target: KeyOp): KeyOp[] {
  const byInvoke = [...history.ops].sort((a, b) => a.invoke.index - b.invoke.index);
  const at = byInvoke.indexOf(target);
  const chosen = new Set(byInvoke.slice(Math.max(0, at - NEIGHBOURS_BEFORE), at + NEIGHBOURS_AFTER + 1));
  for (const op of byInvoke) {
    if (chosen.size >= MAX_OPS_DRAWN) break;
    if (!op.ok && op.invoke.index < target.invoke.index) chosen.add(op);
  }
  return [...chosen];
}

/** Splits text into lines of at most `maxChars` characters at spaces (a longer word gets a line of its own). */
export function wrapWords(text: string, maxChars: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > maxChars) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!);
}
