/**
 * Static SVG plots for the report page, with no plotting library: a scatter/line plot with
 * axes, a legend, shaded bands (fault windows, each kind in its colour) and a linear or log y
 * axis. Each fault kind's labels sit in a lane of their own above the plot area, never on the
 * data: the top of a latency plot is where the timeouts land. Thousands of points cost one
 * <path> per series (each point is a zero-length round-capped segment).
 * The page's script reads the data-* attributes for the hover read-out and legend toggles.
 */
import { escapeXml, px, truncate } from "../primitives/svg-text.ts";

/** One series of a plot. */
export interface PlotSeries {
  name: string;
  color: string;
  /** [x, y] pairs, in data units. */
  points: ReadonlyArray<readonly [number, number]>;
  style: "points" | "line";
  /** SVG stroke-dasharray for a dashed line. */
  dash?: string;
  /** A line breaks where consecutive points are further apart in x than this (no data between). */
  gapX?: number;
}

/** A shaded span of x (a fault window), labelled in the plot with what it did. */
export interface PlotBand {
  startX: number;
  endX: number;
  /** The hover text. */
  label: string;
  /** The text drawn in the band's lane above the plot, wrapped and cut to fit. */
  shortLabel?: string;
  /** Draw only a dashed outline: the fault changed nothing. */
  outlineOnly?: boolean;
  /** The fault kind's fill and ink (text, outline); grey when unset. */
  fill?: string;
  ink?: string;
  /** Which lane above the plot area its strip and label go in (one per fault kind), 0 at the top. */
  lane?: number;
  /** How far right the label may run (the next band in its lane); the band's own end when unset. */
  labelUntilX?: number;
}

/** Everything one plot shows. */
export interface PlotSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  yScale: "linear" | "log";
  series: PlotSeries[];
  bands?: PlotBand[];
  /** Right end of the x axis (the run's duration); defaults to the largest x. */
  xMax?: number;
  widthPx?: number;
  heightPx?: number;
}

/** Plot sizing and caps. */
export const PLOT = {
  widthPx: 900,
  heightPx: 300,
  marginLeftPx: 64,
  marginRightPx: 16,
  marginTopPx: 44,
  marginBottomPx: 42,
  /** More points than this per series are thinned evenly, so a plot stays light. */
  maxPointsPerSeries: 20_000,
  bandColor: "#888",
  bandOpacity: 0.22,
  /** Where the first fault lane starts, under the title and the legend. */
  bandLanesTopPx: 40,
  /** One line of band label text in a fault lane. */
  bandLineHeightPx: 11,
  /** How many lines a band label may wrap to before it is cut (its hover text is whole). */
  bandLabelMaxLines: 2,
  /** Space between the lowest lane and the plot area, so a dot on the top edge stays clear of the strips. */
  bandLaneGapPx: 6,
  /** Roughly how wide one character of a band label is, to wrap labels to their room. */
  bandLabelCharPx: 6,
  pointSizePx: 4,
} as const;

/** Jepsen's colours for completion types: ok blue, info orange, fail pink. */
export const COMPLETION_COLORS = { ok: "#6DB6FE", info: "#FFAA26", fail: "#FF1E90" } as const;

/** A palette for per-operation series, distinct from the completion colours. */
export const SERIES_PALETTE = ["#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"];

interface Scale {
  toPx(value: number): number;
  ticks: number[];
  format(value: number): string;
}

function linearScale(min: number, max: number, fromPx: number, toPx: number): Scale {
  const upper = max > min ? max : min + 1;
  const step = niceStep((upper - min) / 5);
  const ticks: number[] = [];
  for (let tick = Math.ceil(min / step) * step; tick <= upper + step * 1e-9; tick += step) ticks.push(tick);
  return {
    toPx: (value) => fromPx + ((value - min) / (upper - min)) * (toPx - fromPx),
    ticks,
    format: formatNumber,
  };
}

function logScale(min: number, max: number, fromPx: number, toPx: number): Scale {
  const lowDecade = Math.floor(Math.log10(min));
  const highDecade = Math.max(lowDecade + 1, Math.ceil(Math.log10(max)));
  const ticks: number[] = [];
  for (let decade = lowDecade; decade <= highDecade; decade++) ticks.push(10 ** decade);
  return {
    toPx: (value) => {
      const clamped = Math.max(value, 10 ** lowDecade);
      return fromPx + ((Math.log10(clamped) - lowDecade) / (highDecade - lowDecade)) * (toPx - fromPx);
    },
    ticks,
    format: formatNumber,
  };
}

/** 1, 2 or 5 times a power of ten, at least `rough`. */
function niceStep(rough: number): number {
  const power = 10 ** Math.floor(Math.log10(rough));
  const multiple = [1, 2, 5, 10].find((candidate) => candidate * power >= rough) ?? 10;
  return multiple * power;
}

/** A number in a short human form: integers whole, 0.00123 → "0.00123", 2500000.5 → "2.5e6". */
export function formatNumber(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6 || magnitude < 1e-3) return value.toExponential(1).replace("e+", "e");
  return String(Number(value.toPrecision(magnitude >= 1 ? 6 : 3)));
}

function thin<T>(points: ReadonlyArray<T>, maxCount: number): ReadonlyArray<T> {
  if (points.length <= maxCount) return points;
  const stride = points.length / maxCount;
  return Array.from({ length: maxCount }, (_, index) => points[Math.floor(index * stride)]!);
}

/** Largest x and y and smallest positive y over all series (loops: spreading 10⁵ points overflows the stack). */
function dataExtent(series: PlotSeries[]): { xMax: number; yMax: number; yMinPositive: number } {
  let xMax = 1;
  let yMax = 1;
  let yMinPositive = 1;
  for (const entry of series) {
    for (const [x, y] of entry.points) {
      if (x > xMax) xMax = x;
      if (y > yMax) yMax = y;
      if (y > 0 && y < yMinPositive) yMinPositive = y;
    }
  }
  return { xMax, yMax, yMinPositive };
}

/** Renders one plot as an inline <svg> element; fault lanes make the picture taller, not its plot area smaller. */
export function renderPlot(spec: PlotSpec): string {
  const widthPx = spec.widthPx ?? PLOT.widthPx;
  const left = PLOT.marginLeftPx;
  const right = widthPx - PLOT.marginRightPx;
  const extent = dataExtent(spec.series);
  const xMax = spec.xMax ?? extent.xMax;
  const xScale = linearScale(0, xMax, left, right);
  const bands = spec.bands ?? [];
  const lanes = layoutBandLanes(bands, xScale, xMax);
  const top = lanes.bottomPx === undefined ? PLOT.marginTopPx : lanes.bottomPx + PLOT.bandLaneGapPx;
  const heightPx = (spec.heightPx ?? PLOT.heightPx) + (top - PLOT.marginTopPx);
  const bottom = heightPx - PLOT.marginBottomPx;
  const yScale =
    spec.yScale === "log"
      ? logScale(extent.yMinPositive, extent.yMax, bottom, top)
      : linearScale(0, extent.yMax, bottom, top);

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="plot" width="${widthPx}" height="${heightPx}" viewBox="0 ` +
      `0 ${widthPx} ${heightPx}"` +
      ` data-x-max="${xMax}" data-y-scale="${spec.yScale}" data-left="${left}" data-right="${right}" ` +
      `data-top="${top}" data-bottom="${bottom}"` +
      ` data-y-min="${yScale.ticks[0]}" data-y-max="${yScale.ticks.at(-1)}">`,
  );
  parts.push(`<text class="plot-title" x="${left}" y="16">${escapeXml(spec.title)}</text>`);
  for (const [index, band] of bands.entries()) {
    parts.push(renderBand(band, lanes.placed[index]!, xScale, xMax, { top, bottom }));
  }
  parts.push(renderAxes(spec, xScale, yScale, { left, right, top, bottom }));
  spec.series.forEach((series, index) => parts.push(renderSeries(series, index, xScale, yScale)));
  parts.push(renderLegend(spec.series, left, right));
  parts.push(
    `<g class="readout" visibility="hidden"><line y1="${top}" y2="${bottom}" stroke="#999" stroke-dasharray="3 3"/>` +
      `<text y="${top + 12}"></text></g>`,
  );
  parts.push(`</svg>`);
  return parts.join("\n");
}

/** Where one band's strip goes (its lane, in px) and the lines of its label. */
interface PlacedBand {
  laneTopPx: number;
  laneHeightPx: number;
  lines: string[];
}

/**
 * The fault lanes above the plot area: each lane as tall as its most-wrapped label needs, one
 * under the other from `PLOT.bandLanesTopPx`; `bottomPx` is undefined when there is no band.
 */
function layoutBandLanes(
  bands: readonly PlotBand[],
  xScale: Scale,
  xMax: number,
): { placed: PlacedBand[]; bottomPx: number | undefined } {
  if (bands.length === 0) return { placed: [], bottomPx: undefined };
  const lines = bands.map((band) => {
    const x0 = xScale.toPx(Math.max(0, band.startX));
    const untilX = Math.max(band.endX, band.labelUntilX ?? band.endX);
    const maxChars = Math.floor((xScale.toPx(Math.min(xMax, untilX)) - x0 - 4) / PLOT.bandLabelCharPx);
    return band.shortLabel && maxChars > 1 ? wrapLabel(band.shortLabel, maxChars, PLOT.bandLabelMaxLines) : [];
  });
  const laneCount = Math.max(...bands.map((band) => band.lane ?? 0)) + 1;
  const laneLines = Array.from({ length: laneCount }, (_, lane) =>
    Math.max(1, ...bands.flatMap((band, index) => ((band.lane ?? 0) === lane ? [lines[index]!.length] : []))),
  );
  const laneTops: number[] = [];
  let y = PLOT.bandLanesTopPx;
  for (const count of laneLines) {
    laneTops.push(y);
    y += count * PLOT.bandLineHeightPx + 3;
  }
  const placed = bands.map((band, index) => {
    const lane = band.lane ?? 0;
    const laneHeightPx = laneLines[lane]! * PLOT.bandLineHeightPx + 3;
    return { laneTopPx: laneTops[lane]!, laneHeightPx, lines: lines[index]! };
  });
  return { placed, bottomPx: y };
}

/**
 * `text` in at most `maxLines` lines of at most `maxChars` characters, broken between words;
 * what does not fit is cut with "…", so the lines joined by spaces are always a prefix of `text`.
 */
export function wrapLabel(text: string, maxChars: number, maxLines: number): string[] {
  const lines: string[] = [];
  let words = text.split(" ").filter((word) => word !== "");
  while (words.length > 0 && lines.length < maxLines) {
    let line = words[0]!;
    let used = 1;
    while (used < words.length && line.length + 1 + words[used]!.length <= maxChars) line += " " + words[used++]!;
    words = words.slice(used);
    const lastLine = lines.length === maxLines - 1;
    if (line.length > maxChars || (lastLine && words.length > 0)) {
      lines.push(truncate(lastLine && words.length > 0 ? `${line} ${words.join(" ")}` : line, maxChars));
      break;
    }
    lines.push(line);
  }
  return lines;
}

function renderBand(
  band: PlotBand,
  placed: PlacedBand,
  xScale: Scale,
  xMax: number,
  box: { top: number; bottom: number },
): string {
  const x0 = xScale.toPx(Math.max(0, band.startX));
  const width = Math.max(1, xScale.toPx(Math.min(xMax, band.endX)) - x0);
  const fill = band.fill ?? PLOT.bandColor;
  const ink = band.ink ?? PLOT.bandColor;
  const [shade, strip] = band.outlineOnly
    ? [`fill="none" stroke="${ink}" stroke-dasharray="4 3"`, `fill="none" stroke="${ink}" stroke-dasharray="4 3"`]
    : [`fill="${fill}" fill-opacity="${PLOT.bandOpacity}"`, `fill="${fill}"`];
  const x = px(x0 + 2);
  const tspans = placed.lines.map((line, index) => {
    const baselinePx = placed.laneTopPx + 9 + index * PLOT.bandLineHeightPx;
    return `<tspan x="${x}" y="${baselinePx}">${escapeXml(line)}</tspan>`;
  });
  const label = tspans.length ? `<text class="band-label" fill="${ink}">${tspans.join("")}</text>` : "";
  const area = `x="${px(x0)}" y="${box.top}" width="${px(width)}" height="${box.bottom - box.top}"`;
  const lane = `x="${px(x0)}" y="${placed.laneTopPx}" width="${px(width)}" height="${placed.laneHeightPx - 1}"`;
  return (
    `<g class="band"><title>${escapeXml(band.label)}</title><rect class="band" ${area} ${shade}/>` +
    `<rect class="band-strip" ${lane} ${strip}/>${label}</g>`
  );
}

function renderAxes(
  spec: PlotSpec,
  xScale: Scale,
  yScale: Scale,
  box: { left: number; right: number; top: number; bottom: number },
): string {
  const parts: string[] = [`<g class="axes">`];
  parts.push(
    `<rect x="${box.left}" y="${box.top}" width="${box.right - box.left}" height="${box.bottom - box.top}" ` +
      `fill="none" stroke="#bbb"/>`,
  );
  for (const tick of xScale.ticks) {
    const x = px(xScale.toPx(tick));
    parts.push(`<line x1="${x}" x2="${x}" y1="${box.bottom}" y2="${box.bottom + 4}" stroke="#666"/>`);
    parts.push(`<text x="${x}" y="${box.bottom + 16}" text-anchor="middle">${xScale.format(tick)}</text>`);
  }
  for (const tick of yScale.ticks) {
    const y = px(yScale.toPx(tick));
    parts.push(`<line x1="${box.left}" x2="${box.right}" y1="${y}" y2="${y}" stroke="#eee"/>`);
    parts.push(
      `<text x="${box.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${yScale.format(tick)}</text>`,
    );
  }
  parts.push(
    `<text x="${(box.left + box.right) / 2}" y="${box.bottom + 34}" ` +
      `text-anchor="middle">${escapeXml(spec.xLabel)}</text>`,
  );
  parts.push(
    `<text transform="translate(14 ${(box.top + box.bottom) / 2}) rotate(-90)" ` +
      `text-anchor="middle">${escapeXml(spec.yLabel)}</text>`,
  );
  parts.push(`</g>`);
  return parts.join("");
}

function renderSeries(series: PlotSeries, index: number, xScale: Scale, yScale: Scale): string {
  const points = thin(series.points, PLOT.maxPointsPerSeries);
  const coordinates = points.map(([x, y]) => `${px(xScale.toPx(x))} ${px(yScale.toPx(y))}`);
  const gapX = series.gapX ?? Infinity;
  const lineD = coordinates
    .map((xy, index) => (index === 0 || points[index]![0] - points[index - 1]![0] > gapX ? "M" : "L") + xy)
    .join("");
  const path =
    series.style === "line"
      ? `<path d="${lineD}" fill="none" stroke="${series.color}" ` +
        `stroke-width="1.5"${series.dash ? ` stroke-dasharray="${series.dash}"` : ""}/>`
      : `<path d="${coordinates.map((xy) => `M${xy}h0`).join("")}" stroke="${series.color}" ` +
        `stroke-width="${PLOT.pointSizePx}" stroke-linecap="round"/>`;
  return `<g class="series" data-series="${index}" data-count="${series.points.length}">${path}</g>`;
}

function legendSwatch(series: PlotSeries): string {
  if (series.style === "points") return `<rect width="10" height="10" y="-9" fill="${series.color}"/>`;
  const dash = series.dash ? ` stroke-dasharray="${series.dash}"` : "";
  return `<line x1="0" x2="11" y1="-4" y2="-4" stroke="${series.color}" stroke-width="2"${dash}/>`;
}

function renderLegend(series: PlotSeries[], left: number, right: number): string {
  const parts: string[] = [`<g class="legend">`];
  let x = left;
  series.forEach((entry, index) => {
    // A point count means something for scatter plots only; a line's points are bins.
    const label = entry.style === "points" ? `${entry.name} (${entry.points.length})` : entry.name;
    const itemWidthPx = 22 + label.length * 6.5;
    if (x + itemWidthPx > right) return; // the rest would run off the plot; the table lists them
    parts.push(
      `<g class="legend-item" data-series="${index}" transform="translate(${px(x)} ` +
        `32)">${legendSwatch(entry)}<text x="14">${escapeXml(label)}</text></g>`,
    );
    x += itemWidthPx;
  });
  parts.push(`</g>`);
  return parts.join("");
}
