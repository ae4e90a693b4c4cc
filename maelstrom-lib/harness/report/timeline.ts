/**
 * The timeline page (`timeline.html`), as Jepsen's timeline checker draws one: one lane per
 * process, each op a bar from its invocation to its completion coloured by outcome (ok blue,
 * info orange, fail pink, never completed grey), and the nemesis's fault bands across every
 * lane with their labels. Bars have ids (`#op-<completion index>`), so the run page's findings
 * link to the ops they are about. One static SVG; past `TIMELINE.maxBars` bars it draws the
 * first ones (and every op a finding names) and says how many it left out.
 */
import type { Op, OpType } from "../contracts/types.ts";
import { faultKey, faultLanes, faultStyle, nextStartOfKind, type FaultBand } from "./fault-bands.ts";
import { PAGE_CSS } from "./page-assets.ts";
import { COMPLETION_COLORS, formatNumber } from "./plots.ts";
import { escapeXml, px, truncate } from "../primitives/svg-text.ts";
import { nanosToSeconds } from "../contracts/history.ts";

/** Sizes and caps. */
export const TIMELINE = {
  laneHeightPx: 14,
  laneLabelWidthPx: 90,
  axisHeightPx: 24,
  /** One row per fault kind present, for its bands' labels. */
  faultRowHeightPx: 16,
  /** Horizontal scale: as many px per second as fit this width, within the bounds below. */
  targetWidthPx: 4000,
  minPxPerSec: 40,
  maxPxPerSec: 4000,
  /** More ops than this are not all drawn (a 20 s run at 1000 ops/s has 20,000). */
  maxBars: 20_000,
  valueMaxChars: 80,
  pendingColor: "#bbb",
} as const;

/** One op as the timeline draws it. */
export interface TimelineOp {
  /** History index of the completion (of the invocation when it never completed). */
  index: number;
  process: string;
  node: string | undefined;
  f: string;
  type: Exclude<OpType, "invoke"> | "pending";
  startSec: number;
  /** Undefined when the op never completed. */
  endSec: number | undefined;
  /** Short text of the invocation's and completion's values, for the hover title. */
  detail: string;
}

/** How many elements of a long array the hover text shows (a broadcast read can return 10⁴). */
const ARRAY_HEAD = 8;
/** A value's JSON, cut short; long arrays are not serialized whole. */
function shortJson(value: unknown): string {
  const text =
    Array.isArray(value) && value.length > ARRAY_HEAD
      ? `[${value
          .slice(0, ARRAY_HEAD)
          .map((item) => JSON.stringify(item))
          .join(",")},… ${value.length} items]`
      : (JSON.stringify(value) ?? "null");
  return truncate(text, TIMELINE.valueMaxChars);
}

/** Pairs invocations with completions by process, fed the history in order. */
export class TimelineCollector {
  private readonly ops: TimelineOp[] = [];
  private readonly pending = new Map<string, Op>();
  private lastTimeNs = 0;

  add(op: Op): void {
    this.lastTimeNs = Math.max(this.lastTimeNs, op.time);
    if (op.process === "nemesis") return;
    const process = String(op.process);
    if (op.type === "invoke") {
      this.pending.set(process, op);
      return;
    }
    const invoke = this.pending.get(process);
    if (!invoke) return;
    this.pending.delete(process);
    const error = op.error === undefined ? "" : ` ${shortJson(op.error)}`;
    this.ops.push({
      ...this.base(invoke, op.index),
      type: op.type,
      endSec: nanosToSeconds(op.time),
      detail: `${invoke.f} ${shortJson(invoke.value)} → ${op.type} ${shortJson(op.value)}${error}`,
    });
  }

  private base(invoke: Op, index: number): Omit<TimelineOp, "type" | "endSec" | "detail"> {
    return {
      index,
      process: String(invoke.process),
      node: invoke.node,
      f: invoke.f,
      startSec: nanosToSeconds(invoke.time),
    };
  }

  /** The ops, never-completed ones included, and the run's duration in seconds. */
  result(): { ops: TimelineOp[]; durationSec: number } {
    const unfinished = [...this.pending.values()].map((invoke) => ({
      ...this.base(invoke, invoke.index),
      type: "pending" as const,
      endSec: undefined,
      detail: `${invoke.f} ${shortJson(invoke.value)} → never completed`,
    }));
    return { ops: [...this.ops, ...unfinished], durationSec: nanosToSeconds(this.lastTimeNs) };
  }
}

/** What the timeline page shows. */
export interface TimelineData {
  title: string;
  ops: TimelineOp[];
  bands: FaultBand[];
  durationSec: number;
  /** Ops to draw even past the cap (those the run page's findings link to). */
  mustDraw?: ReadonlySet<number>;
}

/** Processes in order: numbers numerically. */
function lanesOf(ops: readonly TimelineOp[]): { process: string; node: string | undefined }[] {
  const nodeOf = new Map<string, string | undefined>();
  for (const op of ops) if (!nodeOf.has(op.process)) nodeOf.set(op.process, op.node);
  return [...nodeOf.keys()]
    .sort((a, b) => Number(a) - Number(b) || a.localeCompare(b))
    .map((process) => ({ process, node: nodeOf.get(process) }));
}

/** The first `maxBars` ops by invocation time, plus every op in `mustDraw`. */
function opsToDraw(ops: readonly TimelineOp[], mustDraw: ReadonlySet<number>): TimelineOp[] {
  if (ops.length <= TIMELINE.maxBars) return [...ops];
  const byStart = [...ops].sort((a, b) => a.startSec - b.startSec);
  return byStart.filter((op, order) => order < TIMELINE.maxBars || mustDraw.has(op.index));
}

/** Renders the whole timeline page. */
export function renderTimelineHtml(data: TimelineData): string {
  const lanes = lanesOf(data.ops);
  const drawn = opsToDraw(data.ops, data.mustDraw ?? new Set());
  const pxPerSec = Math.min(
    TIMELINE.maxPxPerSec,
    Math.max(TIMELINE.minPxPerSec, TIMELINE.targetWidthPx / Math.max(data.durationSec, 1e-3)),
  );
  const cut = data.ops.length - drawn.length;
  const note =
    cut > 0
      ? `<p class="note cap">${cut} of ${data.ops.length} ops are not drawn (the first ${TIMELINE.maxBars} by ` +
        `invocation time are, and every op the run page links to); history.jsonl has them all.</p>`
      : "";
  const lanesNote =
    "One lane per process (a client's session; a process that ended in :info is replaced by a new one). " +
    "Each bar runs from an op's invocation to its completion:";
  const bandsNote = data.bands.length
    ? ` Bands across the lanes are the nemesis's faults, ${faultKey(faultLanes(data.bands))}, ` +
      "each kind labelled in its own row with the nodes it hit (dashed: it changed nothing)."
    : "";
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(data.title)}</title>
<style>${PAGE_CSS}${TIMELINE_CSS}</style></head><body>
<p><a href="index.html">← run report</a></p>
<h1>${escapeXml(data.title)}</h1>
<p class="note">${lanesNote}
${legend()}.${bandsNote} Hover a bar for the op.</p>
${note}
<div class="timeline">${renderTimelineSvg(lanes, drawn, data.bands, data.durationSec, pxPerSec)}</div>
<script>${TIMELINE_JS}</script>
</body></html>
`;
}

function legend(): string {
  const swatch = (color: string, name: string) => `<span class="swatch" style="background:${color}"></span> ${name}`;
  return [
    swatch(COMPLETION_COLORS.ok, "ok"),
    swatch(COMPLETION_COLORS.info, "info"),
    swatch(COMPLETION_COLORS.fail, "fail"),
    swatch(TIMELINE.pendingColor, "never completed"),
  ].join(", ");
}

function renderTimelineSvg(
  lanes: { process: string; node: string | undefined }[],
  ops: TimelineOp[],
  bands: FaultBand[],
  durationSec: number,
  pxPerSec: number,
): string {
  const left = TIMELINE.laneLabelWidthPx;
  const faultRows = faultLanes(bands);
  const top = TIMELINE.axisHeightPx + faultRows.length * TIMELINE.faultRowHeightPx;
  const widthPx = Math.ceil(left + durationSec * pxPerSec + 20);
  const heightPx = top + lanes.length * TIMELINE.laneHeightPx + 4;
  const x = (sec: number) => px(left + sec * pxPerSec);
  const laneOf = new Map(lanes.map((lane, i) => [lane.process, i]));
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="${widthPx}" height="${heightPx}" ` +
      `data-lanes="${lanes.length}" data-bars="${ops.length}">`,
  ];
  parts.push(renderAxis(durationSec, pxPerSec, left, heightPx));
  for (const band of bands)
    parts.push(
      renderFaultBand(
        band,
        { rows: faultRows, labelUntilSec: nextStartOfKind(bands, band) ?? durationSec },
        durationSec,
        x,
        heightPx,
      ),
    );
  lanes.forEach((lane, i) => {
    const y = top + i * TIMELINE.laneHeightPx;
    const name = `p${escapeXml(lane.process)}${lane.node ? ` ${escapeXml(lane.node)}` : ""}`;
    parts.push(`<text class="lane" x="4" y="${y + TIMELINE.laneHeightPx - 3}">${name}</text>`);
  });
  for (const op of ops) {
    const y = top + laneOf.get(op.process)! * TIMELINE.laneHeightPx + 2;
    const end = op.endSec ?? durationSec;
    const width = Math.max(1, (end - op.startSec) * pxPerSec);
    const color = op.type === "pending" ? TIMELINE.pendingColor : COMPLETION_COLORS[op.type];
    const latency =
      op.endSec === undefined ? "" : `, ${formatNumber(Number(((end - op.startSec) * 1000).toFixed(2)))} ms`;
    const where = `p${op.process}${op.node ? ` on ${op.node}` : ""}, ${op.startSec.toFixed(3)} s${latency}`;
    parts.push(
      `<rect id="op-${op.index}" class="op ${op.type}" x="${x(op.startSec)}" y="${y}" width="${px(width)}" ` +
        `height="${TIMELINE.laneHeightPx - 4}" fill="${color}">` +
        `<title>${escapeXml(`#${op.index} ${op.detail} (${where})`)}</title></rect>`,
    );
  }
  parts.push(`</svg>`);
  return parts.join("\n");
}

function renderAxis(durationSec: number, pxPerSec: number, left: number, heightPx: number): string {
  const stepSec = [0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60].find((step) => step * pxPerSec >= 80) ?? 60;
  const ticks: string[] = [];
  for (let sec = 0; sec <= durationSec + 1e-9; sec += stepSec) {
    const xPx = px(left + sec * pxPerSec);
    ticks.push(
      `<line x1="${xPx}" x2="${xPx}" y1="${TIMELINE.axisHeightPx - 6}" y2="${heightPx}" stroke="#eee"/><text ` +
        `x="${xPx}" y="${TIMELINE.axisHeightPx - 9}" text-anchor="middle">${formatNumber(Number(sec.toFixed(1)))} ` +
        `s</text>`,
    );
  }
  return `<g class="axis">${ticks.join("")}</g>`;
}

function renderFaultBand(
  band: FaultBand,
  lane: { rows: readonly string[]; labelUntilSec: number },
  durationSec: number,
  x: (sec: number) => string,
  heightPx: number,
): string {
  const end = band.end ?? durationSec;
  const { fill, ink } = faultStyle(band.kind);
  const x0 = Number(x(band.start));
  const width = Math.max(1, Number(x(end)) - x0);
  const rowTop = TIMELINE.axisHeightPx + lane.rows.indexOf(band.kind) * TIMELINE.faultRowHeightPx;
  const room = Math.max(width, Number(x(lane.labelUntilSec)) - x0);
  const label = `${band.kind} ${band.start.toFixed(2)}–${end.toFixed(2)} s: ${band.label}`;
  const shown = truncate(band.label, Math.max(4, Math.floor(room / 6.5)));
  const [shade, strip] = band.effective
    ? [` fill="${fill}" fill-opacity="0.25"`, ` fill="${fill}"`]
    : [` fill="none" stroke="${ink}" stroke-dasharray="4 3"`, ` fill="none" stroke="${ink}" stroke-dasharray="4 3"`];
  return (
    `<g class="fault" data-kind="${escapeXml(band.kind)}" data-nodes="${escapeXml(band.nodes.join(" "))}">` +
    `<title>${escapeXml(label)}</title>` +
    `<rect x="${px(x0)}" y="${TIMELINE.axisHeightPx}" width="${px(width)}" ` +
    `height="${heightPx - TIMELINE.axisHeightPx}"${shade}/>` +
    `<rect class="fault-strip" x="${px(x0)}" y="${rowTop}" width="${px(width)}" ` +
    `height="${TIMELINE.faultRowHeightPx - 2}"${strip}/>` +
    `<text class="fault-label" x="${px(x0 + 3)}" y="${rowTop + 11}" fill="${ink}">${escapeXml(shown)}</text></g>`
  );
}

const TIMELINE_CSS = `
body { max-width: none; }
.timeline { overflow: auto; border: 1px solid #ddd; max-height: 80vh; }
svg.timeline { font-size: 10px; font-family: inherit; display: block; }
svg.timeline .lane { fill: #555; } svg.timeline .fault-label { font-weight: bold; }
svg.timeline rect.op.target { stroke: #000; stroke-width: 2; }
.swatch { display: inline-block; width: 10px; height: 10px; vertical-align: middle; }
`;

/** Scrolls to and outlines the op named in the address (#op-123), as the run page links it. */
const TIMELINE_JS = `
(function () {
  function show() {
    document.querySelectorAll("rect.op.target").forEach(function (bar) { bar.classList.remove("target"); });
    var bar = location.hash.length > 1 && document.getElementById(location.hash.slice(1));
    if (!bar) return;
    bar.classList.add("target");
    bar.scrollIntoView({ block: "center", inline: "center" });
  }
  window.addEventListener("hashchange", show);
  show();
  document.documentElement.setAttribute("data-report-ready", "1");
})();
`;
