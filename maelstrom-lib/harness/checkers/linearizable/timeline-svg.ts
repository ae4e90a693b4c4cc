/**
 * A picture of one key's ops around the op that could not be linearized (Jepsen draws
 * `linear.svg` for a bad key, knossos/linear/report.clj): one lane per process, a bar from
 * invocation to completion, labelled with what the op did; ok ops blue, crashed ones orange
 * and open-ended, the unlinearizable op red.
 */
import type { KeyHistory, KeyOp } from "./history.ts";
import { describeOp } from "./analysis.ts";

/** Most ops drawn: the window around the failed op is cut to this. */
const MAX_OPS_DRAWN = 200;
const LANE_HEIGHT = 28;
const LEFT_MARGIN = 90;
const WIDTH = 1100;
const TOP_MARGIN = 40;

const COLOURS = { ok: "#6db6ff", crashed: "#ffc26b", failed: "#ff4d4d" } as const;

/** The SVG text for a bad key's ops near op `failed`. */
export function timelineSvg(history: KeyHistory, failed: number, title: string): string {
  const target = history.ops[failed]!;
  const drawn = window(history, target);
  const end = (op: KeyOp) => (op.ok ? op.completion!.time : Infinity);
  const from = Math.min(...drawn.map((op) => op.invoke.time));
  const lastTime = Math.max(...drawn.map((op) => (op.completion ?? op.invoke).time));
  const to = Math.max(lastTime, target.completion!.time) + 1;
  const processes = [...new Set(drawn.map((op) => op.invoke.process))].sort((a, b) => Number(a) - Number(b));
  const lane = new Map(processes.map((process, i) => [process, i]));
  const x = (time: number) => LEFT_MARGIN + ((Math.min(time, to) - from) / (to - from)) * (WIDTH - LEFT_MARGIN - 20);
  const height = TOP_MARGIN + processes.length * LANE_HEIGHT + 30;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<text x="10" y="20" font-size="13">${escapeXml(title)}</text>`,
  ];
  processes.forEach((process, i) => {
    const y = TOP_MARGIN + i * LANE_HEIGHT;
    parts.push(`<text x="10" y="${y + 17}">process ${escapeXml(String(process))}</text>`);
    parts.push(`<line x1="${LEFT_MARGIN}" y1="${y + LANE_HEIGHT}" x2="${WIDTH - 20}" y2="${y + LANE_HEIGHT}" stroke="#eee"/>`);
  });
  for (const op of drawn) {
    const y = TOP_MARGIN + lane.get(op.invoke.process)! * LANE_HEIGHT + 4;
    const left = x(op.invoke.time);
    const width = Math.max(2, x(end(op)) - left);
    const colour = op === target ? COLOURS.failed : op.ok ? COLOURS.ok : COLOURS.crashed;
    const stroke = op === target ? ` stroke="#900" stroke-width="2"` : op.ok ? "" : ` stroke="#c80" stroke-dasharray="4 2"`;
    const tip = `${describeOp(op)} (${op.ok ? "ok" : (op.completion?.type ?? "no completion")}) ${(op.invoke.time / 1e9).toFixed(3)}–${op.ok ? (op.completion!.time / 1e9).toFixed(3) : "∞"} s`;
    parts.push(
      `<g><title>${escapeXml(tip)}</title><rect x="${left.toFixed(1)}" y="${y}" width="${width.toFixed(1)}" height="${LANE_HEIGHT - 8}" fill="${colour}"${stroke}/>`,
      `<text x="${(left + 3).toFixed(1)}" y="${y + 14}">${escapeXml(describeOp(op))}</text></g>`,
    );
  }
  const axisY = height - 10;
  parts.push(`<text x="${LEFT_MARGIN}" y="${axisY}">${(from / 1e9).toFixed(3)} s</text>`);
  parts.push(`<text x="${WIDTH - 80}" y="${axisY}">${(to / 1e9).toFixed(3)} s</text>`);
  parts.push("</svg>\n");
  return parts.join("\n");
}

/** The failed op, the ops concurrent with it, and its neighbours in history order, at most MAX_OPS_DRAWN. */
function window(history: KeyHistory, target: KeyOp): KeyOp[] {
  const byInvoke = [...history.ops].sort((a, b) => a.invoke.index - b.invoke.index);
  const at = byInvoke.indexOf(target);
  const chosen = byInvoke.slice(Math.max(0, at - MAX_OPS_DRAWN / 2), at + MAX_OPS_DRAWN / 4);
  const start = target.invoke.index;
  for (const op of byInvoke) {
    if (chosen.length >= MAX_OPS_DRAWN) break;
    if (!op.ok && op.invoke.index < start && !chosen.includes(op)) chosen.push(op);
  }
  return chosen;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!);
}
