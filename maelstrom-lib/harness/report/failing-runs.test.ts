/**
 * Each kind of failure, from a real run of a node broken on purpose (testdata/), shows its
 * reason at the top of its page in real headless Chromium: lost broadcast values, G1b,
 * a kafka lost write, init-failed and node-crashed. The runs go in parallel with 2 s time
 * limits; the screenshots land in bench/tmp/failing-runs/ (not committed) for a person to look at.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runMaelstrom, type MaelstromRun } from "../index.ts";
import { CHROMIUM_PATH, chromiumAvailable, inspectPage } from "./chromium.ts";
import { RUN_FILES } from "./run-files.ts";
import { TIMELINE_FILE } from "./why.ts";

const TESTDATA = join(import.meta.dir, "testdata");
const SCREENSHOT_DIR = join(import.meta.dir, "..", "..", "..", "bench", "tmp", "failing-runs");
const SHORT = ["--node-count", "1", "--time-limit", "2"];

/** The failure kinds: the run, and what the top of its page must say. */
const KINDS = {
  "lost-broadcast": {
    argv: ["-w", "broadcast", "--bin", join(TESTDATA, "drops-odd-broadcasts.ts"), ...SHORT, "--rate", "20"],
    outcome: "invalid",
    says: [/Invalid: workload found a problem\./, /workload: lost \d+ values?, e\.g\. 1, 3/, /1: acknowledged at \d+\.\d\d s on n0; no read ever returned it; \d+ reads after that missed it/],
  },
  "g1b-txn": {
    argv: ["-w", "txn-rw-register", "--bin", join(TESTDATA, "dirty-txn.ts"), ...SHORT, "--rate", "200", "--concurrency", "8", "--key-count", "1", "--max-txn-length", "8", "--consistency-models", "read-committed"],
    outcome: "invalid",
    says: [/workload: anomalies .*G1b \d+/, /G1b: T\d+ read key \d+ = \d+, an intermediate value that T\d+ overwrote within the same txn/],
  },
  "kafka-lost-write": {
    argv: ["-w", "kafka", "--bin", join(TESTDATA, "kafka-hides-offsets.ts"), ...SHORT, "--rate", "50"],
    outcome: "invalid",
    says: [/workload: error types .*lost-write \d+/, /lost-write: key "\d+" offset 3: message \d+ was sent ok at \d+\.\d\d s, but no poll returned it/],
  },
  "init-failed": {
    argv: ["-w", "echo", "--bin", join(TESTDATA, "init-error.ts"), ...SHORT],
    outcome: "aborted",
    says: [/Aborted \(init-failed\): Expected an init_ok message, but node n0 responded with error 13 \(crash\): cannot open my database/, /n0's last stderr lines:\s*refusing to initialize/],
  },
  "node-crashed": {
    argv: ["-w", "echo", "--bin", join(TESTDATA, "crashes-after-init.ts"), ...SHORT, "--rate", "10"],
    outcome: "aborted",
    says: [/Aborted \(node-crashed\): Node n0 crashed with exit status 3/, /n0's last stderr lines:\s*echo budget exhausted: exiting with status 3/],
  },
} as const;
type Kind = keyof typeof KINDS;

/** Chromium takes a few seconds to start on a busy 2-core machine. */
const BROWSER_TIMEOUT_MS = 60_000;
const runs = new Map<Kind, MaelstromRun>();

beforeAll(async () => {
  const storeDir = join(mkdtempSync(join(tmpdir(), "failing-runs-")), "store");
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await Promise.all(
    (Object.keys(KINDS) as Kind[]).map(async (kind) => runs.set(kind, await runMaelstrom(["test", ...KINDS[kind].argv, "--store", storeDir]))),
  );
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
    whyAboveSections: !!why && !!firstHeading && why.getBoundingClientRect().bottom <= firstHeading.getBoundingClientRect().top,
    opLinks: [...document.querySelectorAll("#why a.op-link")].map((a) => a.getAttribute("href")),
  };
})()`;

const browserTest = chromiumAvailable() ? test : test.skip;
if (!chromiumAvailable()) console.warn(`SKIP browser checks: ${CHROMIUM_PATH} is missing (apt-get install -y chromium)`);

describe("a failing run's page shows its reason at the top", () => {
  for (const kind of Object.keys(KINDS) as Kind[]) {
    browserTest(kind, async () => {
      const run = runs.get(kind)!;
      expect(run.exitCode).toBe(KINDS[kind].outcome === "aborted" ? 255 : 1);
      const page = await inspectPage(`file://${join(run.runDir!, RUN_FILES.report)}`, {
        probe: PROBE,
        screenshotPath: join(SCREENSHOT_DIR, `${kind}.png`),
        viewportHeightPx: 900,
      });
      expect(page.scriptErrors).toEqual([]);
      const probe = page.probeValue as { ready: string; verdict: string; whyText: string; whyTopPx: number; whyAboveSections: boolean; opLinks: string[] };
      expect(probe.ready).toBe("1");
      expect(probe.verdict).toBe(KINDS[kind].outcome);
      expect(probe.whyTopPx).toBeGreaterThan(0);
      expect(probe.whyTopPx).toBeLessThan(120); // right under the title
      expect(probe.whyAboveSections).toBe(true);
      expect(probe.whyText).toStartWith(`${KINDS[kind].outcome} ${KINDS[kind].outcome === "aborted" ? "Aborted" : "Invalid"}`);
      for (const pattern of KINDS[kind].says) expect(probe.whyText).toMatch(pattern);
      // The console said the same thing, right after the verdict.
      const verdictLine = run.output.findIndex((line) => /^(Analysis invalid|The run was aborted)/.test(line));
      expect(verdictLine).toBeGreaterThanOrEqual(0);
      expect(run.output.slice(verdictLine).some((line) => line.includes("bun run maelstrom serve"))).toBe(true);
      if (KINDS[kind].outcome === "invalid") expect(probe.opLinks.length).toBeGreaterThan(0);
    }, BROWSER_TIMEOUT_MS);
  }

  browserTest("a finding's message link lands on the arrow of that op's request in messages.svg", async () => {
    const run = runs.get("lost-broadcast")!;
    const html = await Bun.file(join(run.runDir!, RUN_FILES.report)).text();
    // The first finding is about value 1; its first op is the broadcast's acknowledgement.
    const link = /<li>1: [^<]*<span class="ops">\(<a class="op-link" href="timeline\.html#op-\d+">op \d+<\/a> <a class="msg-link" href="messages\.svg#(m\d+)"/.exec(html)![1]!;
    const page = await inspectPage(`file://${join(run.runDir!, RUN_FILES.messagesSvg)}#${link}`, {
      probe: `(() => { const arrow = document.getElementById(${JSON.stringify(link)}); const box = arrow.getBoundingClientRect();
        return { inView: box.top >= 0 && box.top <= innerHeight, title: arrow.querySelector("title").textContent }; })()`,
      viewportHeightPx: 700,
    });
    expect(page.scriptErrors).toEqual([]);
    const probe = page.probeValue as { inView: boolean; title: string };
    expect(probe.inView).toBe(true);
    expect(probe.title).toMatch(/^c\d+ → n0 \{"type":"broadcast","message":1,"msg_id":\d+\}$/);
  }, BROWSER_TIMEOUT_MS);

  browserTest("a finding's op link lands on that op's bar on the timeline", async () => {
    const run = runs.get("g1b-txn")!;
    const html = await Bun.file(join(run.runDir!, RUN_FILES.report)).text();
    const link = /href="timeline\.html#(op-\d+)"/.exec(html)![1]!;
    const page = await inspectPage(`file://${join(run.runDir!, TIMELINE_FILE)}#${link}`, {
      probe: `(() => { const bar = document.getElementById(${JSON.stringify(link)}); const box = bar.getBoundingClientRect();
        return { target: bar.classList.contains("target"), inView: box.top >= 0 && box.bottom <= innerHeight && box.left >= 0 && box.right <= innerWidth, title: bar.querySelector("title").textContent }; })()`,
      screenshotPath: join(SCREENSHOT_DIR, "g1b-timeline.png"),
      viewportHeightPx: 700,
    });
    expect(page.scriptErrors).toEqual([]);
    const probe = page.probeValue as { target: boolean; inView: boolean; title: string };
    expect(probe.target).toBe(true);
    expect(probe.inView).toBe(true);
    expect(probe.title).toStartWith(`#${link.slice(3)} txn `);
  }, BROWSER_TIMEOUT_MS);
});
