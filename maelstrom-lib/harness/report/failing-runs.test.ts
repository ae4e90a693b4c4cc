/**
 * Each kind of failure, from a run of a node broken on purpose (testdata/), shows its reason
 * at the top of its page in real headless Chromium: lost broadcast values, G1b, a kafka lost
 * write, a lin-kv key that is not linearizable (and its linearizability.html), init-failed and
 * node-crashed. The runs go in parallel with 2 s time limits, simulated
 * where the node is on our runtime (the init-failed node speaks raw lines, so it is a real
 * process); the screenshots land in bench/tmp/failing-runs/ (not committed) for a person to
 * look at. A simulated run under kill, pause and partition, alongside them, checks the fault
 * bands as drawn.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runMaelstrom, type MaelstromRun } from "../index.ts";
import { readJsonl } from "../testdata/test-runs.ts";
import type { Op } from "../contracts/types.ts";
import { CHROMIUM_PATH, chromiumAvailable, inspectPage } from "../../../tools/chromium.ts";
import { faultBands, faultStyle } from "./fault-bands.ts";
import { RUN_FILES } from "../contracts/run-files.ts";
import { TIMELINE_FILE } from "./why.ts";
import { LINEARIZABILITY_FILE } from "./linearizability.ts";

const TESTDATA = join(import.meta.dir, "testdata");
const SCREENSHOT_DIR = join(import.meta.dir, "..", "..", "..", "bench", "tmp", "failing-runs");
const SHORT = ["--node-count", "1", "--time-limit", "2"];
/** The simulation, with a seed. */
const SIM = ["--sim", "--seed", "1"];

/** The failure kinds: the run, and what the top of its page must say. */
const KINDS = {
  "lost-broadcast": {
    argv: ["-w", "broadcast", "--bin", join(TESTDATA, "drops-odd-broadcasts.ts"), ...SHORT, "--rate", "20", ...SIM],
    outcome: "invalid",
    says: [
      /Invalid: workload found a problem\./,
      /workload: lost \d+ values?, e\.g\. 1, 3/,
      /1: acknowledged at \d+\.\d\d s on n0; no read ever returned it; \d+ reads after that missed it/,
    ],
  },
  "g1b-txn": {
    argv: [
      "-w",
      "txn-rw-register",
      "--bin",
      join(TESTDATA, "dirty-txn.ts"),
      ...SHORT,
      "--rate",
      "200",
      "--concurrency",
      "8",
      "--key-count",
      "1",
      "--max-txn-length",
      "8",
      "--consistency-models",
      "read-committed",
      ...SIM,
    ],
    outcome: "invalid",
    says: [
      /workload: anomalies .*G1b \d+/,
      /G1b: T\d+ read key \d+ = \d+, an intermediate value that T\d+ overwrote within the same txn/,
      /T\d+ += \[\[.*\]\] \(ok, process \d+ on n0\)/,
      /More cases: elle\/G1b\.txt/,
    ],
  },
  "kafka-lost-write": {
    argv: ["-w", "kafka", "--bin", join(TESTDATA, "kafka-hides-offsets.ts"), ...SHORT, "--rate", "50", ...SIM],
    outcome: "invalid",
    says: [
      /workload: error types .*lost-write \d+/,
      /lost-write: key "\d+" offset 3: message \d+ was sent ok at \d+\.\d\d s, but no poll returned it/,
    ],
  },
  "lin-kv-own-map": {
    argv: [
      "-w",
      "lin-kv",
      "--bin",
      join(import.meta.dir, "..", "workloads", "testdata", "lin-kv-own-map.ts"),
      "--node-count",
      "3",
      "--concurrency",
      "2n",
      "--time-limit",
      "2",
      "--rate",
      "50",
    ],
    outcome: "invalid",
    says: [
      /workload: key \d+ not linearizable/,
      /key \d+: .+ cannot be linearized: /,
      /Longest partial linearization \(\d+ ops?\): .+; then /,
    ],
  },
  "init-failed": {
    argv: ["-w", "echo", "--bin", join(TESTDATA, "init-error.ts"), ...SHORT],
    outcome: "aborted",
    says: [
      /Aborted \(init-failed\): Expected an init_ok message, but node n0 responded with error 13 \(crash\): cannot open my database/,
      /n0's last stderr lines:\s*refusing to initialize/,
    ],
  },
  "node-crashed": {
    argv: ["-w", "echo", "--bin", join(TESTDATA, "crashes-after-init.ts"), ...SHORT, "--rate", "10", ...SIM],
    outcome: "aborted",
    says: [
      /Aborted \(node-crashed\): Node n0 crashed with exit status 3/,
      /n0's last stderr lines:\s*echo budget exhausted: exiting with status 3/,
    ],
  },
} as const;
type Kind = keyof typeof KINDS;

/** Chromium takes a few seconds to start on a busy 2-core machine. */
const BROWSER_TIMEOUT_MS = 60_000;
const runs = new Map<Kind, MaelstromRun>();

/**
 * Seed 1 fixes the nemesis's first ops, all within 0.6 s: partition n2 off, kill all three
 * nodes, start them, kill nobody (minority-third of 3), pause n1.
 */
const FAULTS_ARGV = [
  "-w",
  "g-set",
  "--bin",
  join(import.meta.dir, "..", "testdata", "g-set-crdt.ts"),
  "--node-count",
  "3",
  "--time-limit",
  "2",
  "--rate",
  "20",
  "--nemesis",
  "kill,pause,partition",
  "--nemesis-interval",
  "0.3",
  "--seed",
  "1",
  "--sim",
];
let faultsRun: MaelstromRun;

beforeAll(async () => {
  const storeDir = join(mkdtempSync(join(tmpdir(), "failing-runs-")), "store");
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await Promise.all([
    ...(Object.keys(KINDS) as Kind[]).map(async (kind) =>
      runs.set(kind, await runMaelstrom(["test", ...KINDS[kind].argv, "--store", storeDir])),
    ),
    runMaelstrom(["test", ...FAULTS_ARGV, "--store", storeDir]).then((run) => (faultsRun = run)),
  ]);
}, 120_000);

/** What a reader sees first: the why-box's text, where it sits, and the page's verdict. */
const PROBE = `(() => {
  const why = document.querySelector("#why");
  const firstHeading = document.querySelector("h2");
  return {
    ready: document.documentElement.dataset.reportReady,
    verdict: document.querySelector(".verdict").textContent,
    whyText: why ? why.innerText : "",
    whyTopPx: why ? why.getBoundingClientRect().top : -1,
    whyAboveSections:
      !!why && !!firstHeading && why.getBoundingClientRect().bottom <= firstHeading.getBoundingClientRect().top,
    opLinks: [...document.querySelectorAll("#why a.op-link")].map((a) => a.getAttribute("href")),
  };
})()`;

const browserTest = chromiumAvailable() ? test : test.skip;
if (!chromiumAvailable())
  console.warn(`SKIP browser checks: ${CHROMIUM_PATH} is missing (apt-get install -y chromium)`);

describe("a failing run's page shows its reason at the top", () => {
  for (const kind of Object.keys(KINDS) as Kind[]) {
    browserTest(
      kind,
      async () => {
        const run = runs.get(kind)!;
        expect(run.exitCode).toBe(KINDS[kind].outcome === "aborted" ? 255 : 1);
        const page = await inspectPage(`file://${join(run.runDir!, RUN_FILES.report)}`, {
          probe: PROBE,
          screenshotPath: join(SCREENSHOT_DIR, `${kind}.png`),
          viewportHeightPx: 900,
        });
        expect(page.scriptErrors).toEqual([]);
        const probe = page.probeValue as {
          ready: string;
          verdict: string;
          whyText: string;
          whyTopPx: number;
          whyAboveSections: boolean;
          opLinks: string[];
        };
        expect(probe.ready).toBe("1");
        expect(probe.verdict).toBe(KINDS[kind].outcome);
        expect(probe.whyTopPx).toBeGreaterThan(0);
        expect(probe.whyTopPx).toBeLessThan(120); // right under the title
        expect(probe.whyAboveSections).toBe(true);
        expect(probe.whyText).toStartWith(
          `${KINDS[kind].outcome} ${KINDS[kind].outcome === "aborted" ? "Aborted" : "Invalid"}`,
        );
        for (const pattern of KINDS[kind].says) expect(probe.whyText).toMatch(pattern);
        // The console said the same thing, right after the verdict.
        const verdictLine = run.output.findIndex((line) => /^(Analysis invalid|The run was aborted)/.test(line));
        expect(verdictLine).toBeGreaterThanOrEqual(0);
        expect(run.output.slice(verdictLine).some((line) => line.includes("bun run maelstrom serve"))).toBe(true);
        if (KINDS[kind].outcome === "invalid") expect(probe.opLinks.length).toBeGreaterThan(0);
      },
      BROWSER_TIMEOUT_MS,
    );
  }

  browserTest(
    "a finding's message link lands on the arrow of that op's request in messages.svg",
    async () => {
      const run = runs.get("lost-broadcast")!;
      const html = await Bun.file(join(run.runDir!, RUN_FILES.report)).text();
      // The first finding is about value 1; its first op is the broadcast's acknowledgement.
      const link =
        /<li>1: [^<]*<span class="ops">\(<a class="op-link" href="timeline\.html#op-\d+">op \d+<\/a> <a class="msg-link" href="messages\.svg#(m\d+)"/.exec(
          html,
        )![1]!;
      const page = await inspectPage(`file://${join(run.runDir!, RUN_FILES.messagesSvg)}#${link}`, {
        probe: `(() => { const arrow = document.getElementById(${JSON.stringify(link)});
        const box = arrow.getBoundingClientRect();
        return { inView: box.top >= 0 && box.top <= innerHeight,
          title: arrow.querySelector("title").textContent }; })()`,
        viewportHeightPx: 700,
      });
      expect(page.scriptErrors).toEqual([]);
      const probe = page.probeValue as { inView: boolean; title: string };
      expect(probe.inView).toBe(true);
      expect(probe.title).toMatch(/^c\d+ → n0 \{"type":"broadcast","message":1,"msg_id":\d+\}$/);
    },
    BROWSER_TIMEOUT_MS,
  );

  browserTest(
    "a finding's op link lands on that op's bar on the timeline",
    async () => {
      const run = runs.get("g1b-txn")!;
      const html = await Bun.file(join(run.runDir!, RUN_FILES.report)).text();
      const link = /href="timeline\.html#(op-\d+)"/.exec(html)![1]!;
      const page = await inspectPage(`file://${join(run.runDir!, TIMELINE_FILE)}#${link}`, {
        probe: `(() => { const bar = document.getElementById(${JSON.stringify(link)});
        const box = bar.getBoundingClientRect();
        return { target: bar.classList.contains("target"),
          inView: box.top >= 0 && box.bottom <= innerHeight && box.left >= 0 && box.right <= innerWidth,
          title: bar.querySelector("title").textContent }; })()`,
        screenshotPath: join(SCREENSHOT_DIR, "g1b-timeline.png"),
        viewportHeightPx: 700,
      });
      expect(page.scriptErrors).toEqual([]);
      const probe = page.probeValue as { target: boolean; inView: boolean; title: string };
      expect(probe.target).toBe(true);
      expect(probe.inView).toBe(true);
      expect(probe.title).toStartWith(`#${link.slice(3)} txn `);
    },
    BROWSER_TIMEOUT_MS,
  );
});

/**
 * linearizability.html as drawn: every point of the shown partial linearization inside its op's
 * bar, every label inside its bar, the hover box, and the buttons switching partial linearizations.
 */
const LINEARIZABILITY_PROBE = `(() => {
  const section = document.querySelector("section.key");
  const bars = new Map([...section.querySelectorAll("g.op")].map((g) => [g.dataset.op, g]));
  const rectOf = (op) => bars.get(op).querySelector("rect").getBBox();
  const shown = () => [...section.querySelectorAll("g.lin")].map((g) => getComputedStyle(g).display !== "none");
  const first = section.querySelector("g.lin");
  const points = [...first.querySelectorAll("line.point")].map((line) => {
    const box = rectOf(line.dataset.step || line.dataset.next);
    const x = Number(line.getAttribute("x1"));
    const op = line.dataset.step || line.dataset.next;
    return { op, next: !!line.dataset.next, inside: x > box.x && x < box.x + box.width };
  });
  const fits = (g) => g.querySelector("text").getBBox().width <= g.querySelector("rect").getBBox().width;
  const labels = [...bars.values()].map(fits);
  const blocked = points.find((point) => point.next).op;
  bars.get(blocked).dispatchEvent(new MouseEvent("mousemove", { bubbles: true, clientX: 20, clientY: 20 }));
  const tip = document.querySelector(".tip");
  const hover = { text: tip.textContent, display: getComputedStyle(tip).display };
  const picks = [...section.querySelectorAll("button.pick")];
  const before = shown();
  picks[picks.length - 1].click();
  const afterLast = shown();
  picks[0].click();
  const explanation = section.querySelector(".explanation").textContent;
  const ready = document.documentElement.dataset.reportReady;
  return { ready, explanation, points, labels, hover, picks: picks.length, before, afterLast, after: shown() };
})()`;

/**
 * Every fault band as drawn: its kind, nodes, strip (colour, row) and the label text shown; on
 * the plot also where the strip and the rendered label lie, and the plot area's top.
 */
const FAULT_PROBE = `(() => {
  const strip = (g, selector) => {
    const rect = g.querySelector(selector);
    return { fill: rect.getAttribute("fill"), y: rect.getAttribute("y") };
  };
  const timeline = [...document.querySelectorAll("g.fault")].map((g) => ({
    kind: g.dataset.kind, nodes: g.dataset.nodes, title: g.querySelector("title").textContent,
    shown: g.querySelector("text").textContent, shownWidthPx: g.querySelector("text").getBBox().width,
    ...strip(g, "rect.fault-strip") }));
  const svg = document.querySelector("svg.plot");
  const box = (element) => {
    if (!element) return null;
    const b = element.getBBox();
    return { x: b.x, y: b.y, right: b.x + b.width, bottom: b.y + b.height };
  };
  const plot = [...(svg?.querySelectorAll("g.band") ?? [])].map((g) => ({
    title: g.querySelector("title").textContent,
    shown: [...g.querySelectorAll("text tspan")].map((line) => line.textContent).join(" "),
    ...strip(g, "rect.band-strip"), stripBox: box(g.querySelector("rect.band-strip")),
    labelBox: box(g.querySelector("text")) }));
  return { ready: document.documentElement.dataset.reportReady, timeline, plot,
    plotTop: Number(svg?.dataset.top), plotRight: Number(svg?.dataset.right) };
})()`;

type Box = { x: number; y: number; right: number; bottom: number };

interface DrawnBand {
  kind?: string;
  nodes?: string;
  title: string;
  shown: string;
  shownWidthPx?: number;
  fill: string;
  y: string;
  stripBox?: Box;
  labelBox?: Box | null;
}

describe("a lin-kv run that is not linearizable", () => {
  browserTest(
    "linearizability.html: points and labels inside their bars, hover and picking work",
    async () => {
      const run = runs.get("lin-kv-own-map")!;
      const page = await inspectPage(`file://${join(run.runDir!, LINEARIZABILITY_FILE)}`, {
        probe: LINEARIZABILITY_PROBE,
        screenshotPath: join(SCREENSHOT_DIR, "lin-kv-linearizability.png"),
        screenshotFrom: "section.key",
        viewportWidthPx: 1300,
        viewportHeightPx: 800,
      });
      expect(page.scriptErrors).toEqual([]);
      expect(page.requestUrls.every((url) => url.startsWith("file://"))).toBe(true);
      type Probe = {
        ready: string;
        explanation: string;
        points: { op: string; next: boolean; inside: boolean }[];
        labels: boolean[];
        hover: { text: string; display: string };
        picks: number;
        before: boolean[];
        afterLast: boolean[];
        after: boolean[];
      };
      const probe = page.probeValue as Probe;
      expect(probe.ready).toBe("1");
      expect(probe.explanation).toMatch(/^key \d+: .+ cannot be linearized: /);
      expect(probe.points.filter((point) => !point.next).length).toBeGreaterThan(0);
      expect(probe.points.filter((point) => point.next).length).toBeGreaterThan(0);
      expect(probe.points.every((point) => point.inside)).toBe(true);
      expect(probe.labels.every(Boolean)).toBe(true);
      expect(probe.hover.display).toBe("block");
      const hover = probe.hover.text.split("\n");
      expect(hover[0]).toMatch(/ by process \d+ on n\d \(op \d+\)$/);
      expect(hover[1]).toMatch(/^invoked at [\d.]+ s, completed ok at [\d.]+ s$/);
      expect(hover.at(-1)).toMatch(/^could come next after #1 \(register .+\): refused: can't /);
      expect(probe.before).toEqual(Array.from({ length: probe.picks }, (_, i) => i === 0));
      expect(probe.afterLast).toEqual(Array.from({ length: probe.picks }, (_, i) => i === probe.picks - 1));
      expect(probe.after).toEqual(probe.before);
    },
    BROWSER_TIMEOUT_MS,
  );
});

describe("a run under kill, pause and partition", () => {
  browserTest(
    "draws each fault kind's bands in its own colour and row, labelled with the nodes they hit",
    async () => {
      expect(faultsRun.results?.["abort-type"]).toBeUndefined();
      const expected = faultBands(readJsonl<Op>(join(faultsRun.runDir!, RUN_FILES.history)), ["n0", "n1", "n2"]);
      // The seed's schedule: kills and a pause that hit nodes, and a kill that hit nobody.
      expect(expected.some((band) => band.kind === "kill" && band.label === "killed n0 n1 n2 (all)")).toBe(true);
      expect(expected.some((band) => band.kind === "kill" && !band.effective)).toBe(true);
      expect(expected.some((band) => band.kind === "pause" && band.label === "paused n1 (random subset)")).toBe(true);
      expect(expected.some((band) => band.kind === "partition" && band.effective)).toBe(true);
      const [timeline, index] = await Promise.all([
        inspectPage(`file://${join(faultsRun.runDir!, TIMELINE_FILE)}`, {
          probe: FAULT_PROBE,
          screenshotPath: join(SCREENSHOT_DIR, "faults-timeline.png"),
          viewportHeightPx: 400,
        }),
        inspectPage(`file://${join(faultsRun.runDir!, RUN_FILES.report)}`, {
          probe: FAULT_PROBE,
          screenshotPath: join(SCREENSHOT_DIR, "faults-latency.png"),
          screenshotFrom: "svg.plot",
          viewportHeightPx: 700,
        }),
      ]);
      expect([...timeline.scriptErrors, ...index.scriptErrors]).toEqual([]);
      const drawn = (timeline.probeValue as { timeline: DrawnBand[] }).timeline;
      const {
        plot: plotted,
        plotTop,
        plotRight,
      } = index.probeValue as { plot: DrawnBand[]; plotTop: number; plotRight: number };
      expect(drawn.length).toBe(expected.length);
      expect(plotted.length).toBe(expected.length);
      expected.forEach((band, i) => {
        const [onTimeline, onPlot] = [drawn[i]!, plotted[i]!];
        expect(onTimeline).toMatchObject({ kind: band.kind, nodes: band.nodes.join(" ") });
        for (const shape of [onTimeline, onPlot]) {
          expect(shape.title).toEndWith(`: ${band.label}`);
          expect(band.label.startsWith(shape.shown.replace(/…$/, ""))).toBe(true);
          expect(shape.fill).toBe(band.effective ? faultStyle(band.kind).fill : "none");
        }
        expect(onTimeline.shownWidthPx).toBeGreaterThan(0);
      });
      // A label is cut only where the next band of its kind begins: on the timeline, a kill and a pause name their
      // nodes in full.
      const named = (verb: string) =>
        drawn.some((shape, i) => shape.shown.startsWith(`${verb} ${expected[i]!.nodes.join(" ")} (`));
      expect(named("killed")).toBe(true);
      expect(named("paused")).toBe(true);
      // On the plot, strips and labels as the browser lays them out stay above the plot area, and a
      // label ends before the next strip of its row begins (or the plot's right edge).
      for (const [i, shape] of plotted.entries()) {
        expect(shape.stripBox!.bottom).toBeLessThan(plotTop);
        if (!shape.labelBox) continue;
        expect(shape.labelBox.bottom).toBeLessThan(plotTop);
        const next = plotted.find((other, j) => j > i && other.y === shape.y && other.stripBox!.x > shape.stripBox!.x);
        expect(shape.labelBox.right).toBeLessThanOrEqual(next ? next.stripBox!.x : plotRight + 16);
      }
      expect(plotted.filter((shape) => shape.labelBox).length).toBeGreaterThan(0);
      // Each kind keeps to its own row, in both views.
      for (const shapes of [drawn, plotted]) {
        const kinds = ["partition", "kill", "pause"];
        const rows = kinds.map(
          (kind) => new Set(shapes.filter((_, i) => expected[i]!.kind === kind).map((shape) => shape.y)),
        );
        for (const row of rows) expect(row.size).toBe(1);
        expect(new Set(rows.map((row) => [...row][0])).size).toBe(kinds.length);
      }
    },
    BROWSER_TIMEOUT_MS,
  );
});
