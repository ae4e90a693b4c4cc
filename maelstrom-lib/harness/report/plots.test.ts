/**
 * The fault bands' labels live in lanes above the plot area, never on the data: geometry read
 * back from the SVG the plot writes. A 5 s timeout, at the top of a latency plot, stays in view.
 */
import { describe, expect, test } from "bun:test";
import { PLOT, renderPlot, wrapLabel, type PlotBand, type PlotSpec } from "./plots.ts";

/** The plot area and the SVG's height, from the attributes the page's script reads. */
function plotBox(svg: string): { top: number; bottom: number; left: number; right: number; heightPx: number } {
  const attr = (name: string) => Number(new RegExp(`<svg [^>]*\\b${name}="([\\d.]+)"`).exec(svg)![1]);
  return {
    top: attr("data-top"),
    bottom: attr("data-bottom"),
    left: attr("data-left"),
    right: attr("data-right"),
    heightPx: attr("height"),
  };
}

/** Every strip: its box. */
function strips(svg: string): { x: number; y: number; width: number; height: number }[] {
  return [
    ...svg.matchAll(/<rect class="band-strip" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/g),
  ].map((match) => ({
    x: Number(match[1]),
    y: Number(match[2]),
    width: Number(match[3]),
    height: Number(match[4]),
  }));
}

/** Every label line: its baseline and text. */
function labelLines(svg: string): { x: number; y: number; text: string }[] {
  return [...svg.matchAll(/<tspan x="([\d.]+)" y="([\d.]+)">([^<]*)<\/tspan>/g)].map((match) => ({
    x: Number(match[1]),
    y: Number(match[2]),
    text: match[3]!.replaceAll("&amp;", "&"),
  }));
}

/** A point series' dot centres, in px. */
function dots(svg: string, seriesIndex: number): { x: number; y: number }[] {
  const path = new RegExp(`<g class="series" data-series="${seriesIndex}"[^>]*><path d="([^"]+)"`).exec(svg)![1]!;
  return [...path.matchAll(/M([\d.]+) ([\d.]+)h0/g)].map((match) => ({ x: Number(match[1]), y: Number(match[2]) }));
}

const LONG = "n0 n3 hears nothing from n1 n2 n4; n1 hears nothing from n0 n4 (majorities-ring)";

/** A 20 s latency plot with ok dots and 5 s timeouts under bands of three kinds, one lane each. */
function latencySpec(bands: PlotBand[]): PlotSpec {
  const ok = Array.from({ length: 40 }, (_, i) => [i * 0.5, 3 + (i % 7)] as const);
  const timeouts = [
    [2.5, 5000],
    [9, 5000],
    [15.2, 5000],
  ] as const;
  return {
    title: "read latency",
    xLabel: "time (s)",
    yLabel: "latency (ms)",
    yScale: "log",
    series: [
      { name: "ok", color: "#6DB6FE", style: "points", points: ok },
      { name: "info", color: "#FFAA26", style: "points", points: timeouts },
    ],
    bands,
    xMax: 20,
  };
}

const BANDS: PlotBand[] = [
  { startX: 1, endX: 6, label: `partition 1–6 s: ${LONG}`, shortLabel: LONG, lane: 0, fill: "#E9DCA0" },
  {
    startX: 8,
    endX: 10,
    label: "partition 8–10 s: n0 | n1 n2 n3 n4 (one)",
    shortLabel: "n0 | n1 n2 n3 n4 (one)",
    lane: 0,
    labelUntilX: 20,
  },
  {
    startX: 2,
    endX: 2.3,
    label: "kill 2–2.3 s: killed n1 n3 (minority)",
    shortLabel: "killed n1 n3 (minority)",
    lane: 1,
    labelUntilX: 14,
  },
  {
    startX: 14,
    endX: 19,
    label: "kill 14–19 s: nobody was killed (one)",
    shortLabel: "nobody was killed (one)",
    lane: 1,
    outlineOnly: true,
  },
  {
    startX: 12,
    endX: 12.1,
    label: "pause 12–12.1 s: paused n2 (one)",
    shortLabel: "paused n2 (one)",
    lane: 2,
    labelUntilX: 20,
  },
];

describe("fault lanes above the plot", () => {
  test("no strip and no label line reaches into the plot area; lanes stack in order without overlapping", () => {
    const svg = renderPlot(latencySpec(BANDS));
    const box = plotBox(svg);
    const drawn = strips(svg);
    expect(drawn).toHaveLength(BANDS.length);
    for (const strip of drawn) {
      expect(strip.y).toBeGreaterThanOrEqual(PLOT.bandLanesTopPx);
      expect(strip.y + strip.height).toBeLessThanOrEqual(box.top - PLOT.bandLaneGapPx);
    }
    // A label line's descenders reach about 3 px under its baseline.
    for (const line of labelLines(svg)) expect(line.y + 3).toBeLessThan(box.top);
    // One lane per kind: the bands of one lane share a row, and the rows are apart.
    const rowOf = (index: number) => `${drawn[index]!.y}/${drawn[index]!.height}`;
    expect(rowOf(0)).toBe(rowOf(1));
    expect(rowOf(2)).toBe(rowOf(3));
    const laneTops = [drawn[0]!, drawn[2]!, drawn[4]!];
    for (let i = 1; i < laneTops.length; i++)
      expect(laneTops[i]!.y).toBeGreaterThanOrEqual(laneTops[i - 1]!.y + laneTops[i - 1]!.height);
    // The shading still spans the plot area, translucent, under the dots.
    const shades = [
      ...svg.matchAll(/<rect class="band" x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)" ([^/]*)\/>/g),
    ];
    for (const [, y, height, paint] of shades) {
      expect([Number(y), Number(y) + Number(height)]).toEqual([box.top, box.bottom]);
      expect(paint).toMatch(/fill-opacity="0\.\d+"|fill="none"/);
    }
  });

  test("the plot area keeps its size: the lanes make the picture taller", () => {
    const bare = plotBox(renderPlot(latencySpec([])));
    const banded = plotBox(renderPlot(latencySpec(BANDS)));
    expect(bare.top).toBe(PLOT.marginTopPx);
    expect(banded.bottom - banded.top).toBe(bare.bottom - bare.top);
    expect(banded.heightPx - bare.heightPx).toBe(banded.top - bare.top);
  });

  test("a 5 s timeout dot stays inside the plot area, clear of every strip, drawn over the shading", () => {
    const svg = renderPlot(latencySpec(BANDS));
    const box = plotBox(svg);
    const timeouts = dots(svg, 1);
    expect(timeouts).toHaveLength(3);
    const radius = PLOT.pointSizePx / 2;
    for (const dot of timeouts) {
      expect(dot.y - radius).toBeGreaterThanOrEqual(box.top);
      expect(dot.y + radius).toBeLessThanOrEqual(box.bottom);
      for (const strip of strips(svg)) expect(dot.y - radius).toBeGreaterThan(strip.y + strip.height);
    }
    // Inside the partition band, and the dots come after every band in paint order.
    expect(timeouts[0]!.x).toBeGreaterThan(strips(svg)[0]!.x);
    expect(svg.indexOf('<g class="series" data-series="1"')).toBeGreaterThan(svg.lastIndexOf('<g class="band">'));
  });

  test("a dot on the very top of the axis (a 10 s timeout) still clears the lanes", () => {
    const spec = latencySpec(BANDS);
    spec.series[1] = { ...spec.series[1]!, points: [[3, 10_000]] };
    const svg = renderPlot(spec);
    const [dot] = dots(svg, 1);
    expect(dot!.y).toBe(plotBox(svg).top);
    for (const strip of strips(svg)) expect(dot!.y - PLOT.pointSizePx / 2).toBeGreaterThan(strip.y + strip.height);
  });

  test("a long label wraps to two lines within its room and is cut with …; the hover has it whole", () => {
    const svg = renderPlot(latencySpec(BANDS));
    const first = svg.slice(svg.indexOf('<g class="band">'), svg.indexOf("</g>", svg.indexOf('<g class="band">')));
    expect(first).toContain(`<title>partition 1–6 s: ${LONG}</title>`);
    const lines = labelLines(first);
    expect(lines).toHaveLength(2);
    expect(lines[1]!.y - lines[0]!.y).toBe(PLOT.bandLineHeightPx);
    expect(lines[1]!.text.endsWith("…")).toBe(true);
    expect(
      LONG.startsWith(
        lines
          .map((line) => line.text)
          .join(" ")
          .replace(/…$/, ""),
      ),
    ).toBe(true);
    // Room: its own band, 1 s to 6 s, when no labelUntilX lets it run on.
    const box = plotBox(svg);
    const endPx = box.left + (6 / 20) * (box.right - box.left);
    for (const line of lines) expect(line.x + line.text.length * PLOT.bandLabelCharPx).toBeLessThanOrEqual(endPx);
  });

  test("a lane whose labels all fit on one line is one line tall", () => {
    const svg = renderPlot(latencySpec(BANDS));
    const drawn = strips(svg);
    expect(drawn[0]!.height).toBe(2 * PLOT.bandLineHeightPx + 2);
    expect(drawn[4]!.height).toBe(PLOT.bandLineHeightPx + 2);
    expect(labelLines(svg).filter((line) => line.text === "paused n2 (one)")).toHaveLength(1);
    // A narrow band's label runs on in its lane until the next band of its kind.
    expect(drawn[2]!.width).toBeLessThan(20);
    expect(labelLines(svg).map((line) => line.text)).toContain("killed n1 n3 (minority)");
  });
});

describe("wrapLabel", () => {
  test("breaks between words, and what is left over is cut with …", () => {
    expect(wrapLabel("killed n1 n3 (minority)", 40, 2)).toEqual(["killed n1 n3 (minority)"]);
    expect(wrapLabel("killed n1 n3 (minority)", 12, 2)).toEqual(["killed n1 n3", "(minority)"]);
    expect(wrapLabel("n0 n1 | n2 n3 n4 (majority)", 8, 2)).toEqual(["n0 n1 |", "n2 n3 n…"]);
    expect(wrapLabel("nobody-was-killed", 8, 2)).toEqual(["nobody-…"]);
    expect(wrapLabel("", 8, 2)).toEqual([]);
  });
});
