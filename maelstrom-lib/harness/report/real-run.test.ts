/**
 * The report of a whole run: the 3c solution (5 nodes gossiping under a partition nemesis)
 * under the simulation, then the page opened in real headless Chromium. The screenshot lands
 * in the run folder (report.png) so a person can look.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { MaelstromRun } from "../index.ts";
import { CHROMIUM_PATH, chromiumAvailable, inspectPage } from "../../../tools/chromium.ts";
import { isDiagramEvent, LAMPORT } from "./lamport-svg.ts";
import { RUN_FILES } from "../contracts/run-files.ts";
import type { JournalEvent } from "../contracts/journal.ts";
import { wellFormednessProblems } from "../../../tools/xml-check.ts";
import { verdictOf } from "./html.ts";
import { runInTestStore } from "../testdata/test-runs.ts";

const countMatches = (text: string, pattern: RegExp): number => [...text.matchAll(pattern)].length;
const readLines = async <T>(path: string): Promise<T[]> =>
  (await Bun.file(path).text())
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as T);

/** Chromium takes a few seconds to start on a busy 2-core machine. */
const BROWSER_TIMEOUT_MS = 60_000;

let run: MaelstromRun;
let runDir: string;

beforeAll(async () => {
  run = await runInTestStore([
    "test",
    "-w",
    "broadcast",
    "--bin",
    "3c-fault-tolerant-broadcast/main.ts",
    "--node-count",
    "5",
    "--time-limit",
    "4",
    "--rate",
    "10",
    "--nemesis",
    "partition",
    "--sim",
    "--seed",
    "1",
  ]);
  runDir = run.runDir!;
}, 60_000);

describe("report of a 3c run", () => {
  test("messages.svg has one arrow per delivered message of the journal", async () => {
    expect(run.exitCode).toBeLessThan(254);
    const journal = await readLines<JournalEvent>(join(runDir, RUN_FILES.journal));
    const drawn = journal.filter(isDiagramEvent).slice(0, LAMPORT.eventLimit);
    const sentIds = new Set(drawn.filter((event) => event.type === "send").map((event) => event.id));
    const delivered = drawn.filter((event) => event.type === "recv" && sentIds.has(event.id)).length;
    const svg = await Bun.file(join(runDir, RUN_FILES.messagesSvg)).text();
    expect(delivered).toBeGreaterThan(0);
    expect(countMatches(svg, /<g class="msg"/g)).toBe(delivered);
    expect(wellFormednessProblems(svg, "xml")).toEqual([]);
    for (const node of ["n0", "n1", "n2", "n3", "n4"]) expect(svg).toContain(`>${node}</text>`);
    expect(svg).toContain("gossip"); // server traffic is drawn (black)
  });

  test("index.html shows the run's verdict, partitions and message counts", async () => {
    const html = await Bun.file(join(runDir, RUN_FILES.report)).text();
    const results = run.results as Record<string, any>;
    expect(wellFormednessProblems(html, "html")).toEqual([]);
    expect(html).toContain(`class="verdict verdict-${verdictOf(results["valid?"])}"`);
    expect(html).toMatch(
      new RegExp(`data-checker="workload"><td><span class="badge verdict-${verdictOf(results.workload["valid?"])}"`),
    );
    const history = await readLines<{ process: unknown; f: string }>(join(runDir, RUN_FILES.history));
    expect(history.some((op) => op.process === "nemesis" && op.f === "start-partition")).toBe(true);
    expect(countMatches(html, /<rect class="band"/g)).toBeGreaterThan(0);
    // The per-type split adds up to the runner's own server message count.
    const sentByType = [...html.matchAll(/<tr class="msg-type" data-type="[^"]*" data-sent="(\d+)">/g)].map((match) =>
      Number(match[1]),
    );
    expect(sentByType.reduce((sum, count) => sum + count, 0)).toBe(results.net.servers["msg-count"]);
    expect(html).toContain(`<b class="servers-mpo">`);
    expect(html).toContain('data-name="stable-latencies"');
  });

  const browserTest = chromiumAvailable() ? test : test.skip;
  if (!chromiumAvailable())
    console.warn(`SKIP browser checks: ${CHROMIUM_PATH} is missing (apt-get install -y chromium)`);

  browserTest(
    "Chromium renders the page: plots, diagram, no script errors, no fetches, a screenshot",
    async () => {
      const pageUrl = `file://${join(runDir, RUN_FILES.report)}`;
      const screenshotPath = join(runDir, RUN_FILES.screenshot);
      const page = await inspectPage(pageUrl, {
        screenshotPath,
        probe: `(() => {
        const box = (element) => {
          const rect = element.getBoundingClientRect();
          return rect.width > 0 && rect.height > 0;
        };
        const plots = [...document.querySelectorAll("svg.plot")];
        return {
          ready: document.documentElement.dataset.reportReady,
          trappedErrors: window.reportErrors,
          plotCount: plots.length,
          plotsVisible: plots.every(box),
          seriesWithPoints: plots.map((plot) => [...plot.querySelectorAll("g.series path")]
            .filter((path) => path.getAttribute("d").length > 0 && path.getTotalLength() >= 0).length),
          arrows: document.querySelectorAll(".diagram g.msg").length,
          arrowsVisible: [...document.querySelectorAll(".diagram g.msg rect")].slice(0, 20).every(box),
          verdict: document.querySelector(".verdict").textContent,
        };
      })()`,
      });
      expect(page.scriptErrors).toEqual([]);
      expect(page.consoleErrors).toEqual([]);
      expect(page.requestUrls).toEqual([pageUrl]);
      const probe = page.probeValue as Record<string, any>;
      expect(probe.ready).toBe("1");
      expect(probe.trappedErrors).toEqual([]);
      expect(probe.plotCount).toBe(3); // broadcast latency, read latency, throughput
      expect(probe.plotsVisible).toBe(true);
      expect(probe.seriesWithPoints.every((count: number) => count > 0)).toBe(true);
      expect(probe.arrows).toBeGreaterThan(0);
      expect(probe.arrowsVisible).toBe(true);
      expect(probe.verdict).toBe(verdictOf((run.results as Record<string, unknown>)["valid?"]));
      const png = new Uint8Array(await Bun.file(screenshotPath).arrayBuffer());
      expect([...png.slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
      expect(png.length).toBeGreaterThan(20_000);
    },
    BROWSER_TIMEOUT_MS,
  );

  browserTest(
    "Chromium parses messages.svg as XML and draws every arrow",
    async () => {
      const svgUrl = `file://${join(runDir, RUN_FILES.messagesSvg)}`;
      const svg = await Bun.file(join(runDir, RUN_FILES.messagesSvg)).text();
      const page = await inspectPage(svgUrl, {
        probe:
          `({ root: document.documentElement.tagName, parseErrors: ` +
          `document.getElementsByTagName("parsererror").length, arrows: document.querySelectorAll("g.msg").length })`,
      });
      expect(page.scriptErrors).toEqual([]);
      expect(page.probeValue).toEqual({ root: "svg", parseErrors: 0, arrows: countMatches(svg, /<g class="msg"/g) });
    },
    BROWSER_TIMEOUT_MS,
  );
});
