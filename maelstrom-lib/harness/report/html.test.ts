import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { writeRunReport } from "./index.ts";
import { writeSyntheticRun } from "./testdata/synthetic-run.ts";
import { wellFormednessProblems } from "../../../tools/xml-check.ts";

const countMatches = (text: string, pattern: RegExp): number => [...text.matchAll(pattern)].length;

describe("index.html of a synthetic run", () => {
  test("is well-formed, self-contained and shows the run's own data", async () => {
    const run = await writeSyntheticRun();
    await writeRunReport(run.runDir);
    const html = await Bun.file(join(run.runDir, "index.html")).text();
    expect(wellFormednessProblems(html, "html")).toEqual([]);
    // Self-contained: nothing fetched from anywhere.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/<link|@import|url\(http/);

    // The verdict and each checker's verdict match results.json.
    expect(run.results["valid?"]).toBe(false);
    expect(html).toContain('class="verdict verdict-invalid"');
    expect(html).toMatch(/<tr class="checker" data-checker="workload"><td><span class="badge verdict-invalid"/);
    expect(html).toMatch(/<tr class="checker" data-checker="stats"><td><span class="badge verdict-valid"/);

    // One latency plot per operation plus the throughput plot, each shading the four fault windows.
    expect(countMatches(html, /<svg xmlns="http:\/\/www.w3.org\/2000\/svg" class="plot"/g)).toBe(3);
    expect(countMatches(html, /<rect class="band"/g)).toBe(12);
    expect(html).toContain("broadcast latency");
    expect(html).toContain("read latency");

    // Broadcast's stable-latency quantiles, as results.json has them.
    expect(html).toMatch(
      /<table class="quantiles" data-name="stable-latencies"><tr>.*<\/tr><tr><td class="num">0<\/td><td class="num">12<\/td><td class="num">40<\/td>/,
    );

    // Messages per op by type: the journal's server messages (the cut gossip counts as sent).
    expect(html).toContain('<tr class="msg-type" data-type="gossip" data-sent="2">');
    expect(html).toContain('<tr class="msg-type" data-type="error" data-sent="1">');
    expect(html).toContain('<tr class="msg-type" data-type="read" data-sent="1">');
    expect(html).not.toContain('data-type="broadcast"'); // client traffic is not server traffic
    expect(html).not.toContain("results.json counts"); // the totals agree with results.net

    // The verdict's reason first: the lost value, with the op it is about linked to the timeline.
    const top = html.slice(html.indexOf("<body>"), html.indexOf("<h2>Test</h2>"));
    expect(top).toContain('<section id="why" class="why why-invalid">');
    expect(top).toContain("Invalid: workload found a problem.");
    expect(top).toContain("<b>workload</b>: lost 1 value, e.g. 1");
    expect(top).toContain(
      '<li>1: never acknowledged; first returned by a read at 7.00 s <span class="ops">(<a class="op-link" ' +
        'href="timeline.html#op-25">op 25</a>)</span></li>',
    );

    // Each band is labelled with what it did, in its kind's lane above the plot; no checker row for the plot-only
    // checkers.
    expect(html).toContain(
      '<text class="band-label" fill="#7a6a1e"><tspan x="66.1" y="49">n2 hears nothing from n0 n1</tspan></text>',
    );
    expect(html).toContain(
      '<text class="band-label" fill="#a3322b"><tspan x="300.2" y="63">killed n1 (one)</tspan></text>',
    );
    expect(html).not.toContain('data-checker="perf"');
    expect(html).not.toContain('data-checker="timeline"');
    expect(html).toContain("perf and timeline in results.json are Maelstrom's plot checkers: they check nothing");

    // One op count: the client invocations, everywhere the page counts ops.
    expect(html).toContain("5 client operations (ok 3, fail 1, info 1)");
    expect(html).toContain("over 5 operations");

    // Diagram preview and links.
    expect(countMatches(html, /<g class="msg"/g)).toBe(8);
    expect(html).toContain('<a href="messages.svg">');
    expect(html).toContain('<a href="node-logs/n1.log">');
    expect(html).toContain('<a href="timeline.html">timeline.html</a>');
    // The preview puts node lanes first, clients after.
    const lanes = [...html.matchAll(/<text class="participant"[^>]*>([^<]+)<\/text>/g)].map((match) => match[1]);
    expect(lanes).toEqual(["n0", "n1", "n2", "lin-kv", "c3", "c4"]);
  });

  test("the nemesis table lists every fault and heal in time order, with its time and what it did", async () => {
    const run = await writeSyntheticRun();
    await writeRunReport(run.runDir);
    const html = await Bun.file(join(run.runDir, "index.html")).text();
    const section = html.slice(html.indexOf('<h2 id="nemesis">'), html.indexOf("<h2>Stable latencies</h2>"));
    expect(section).toContain('<table class="nemesis-events">');
    const row = /<tr class="nemesis-event" data-kind="([^"]+)" data-at-sec="([^"]+)"><td class="num">([^<]+)<\/td>/;
    const cells = /<td class="kind">.*?<\/td><td[^>]*>([^<]+)<\/td><\/tr>/;
    const rows = [...section.matchAll(new RegExp(row.source + cells.source, "g"))];
    expect(rows.map(([, kind, , at, text]) => [at, kind, text])).toEqual([
      ["0.00", "partition", "cut: n2 hears nothing from n0 n1"],
      ["1.50", "partition", "healed the network"],
      ["2.00", "kill", "killed n1 (one)"],
      ["2.50", "kill", "restarted n1"],
      ["3.00", "pause", "paused n0 (minority)"],
      ["4.25", "pause", "resumed n0"],
      ["5.00", "kill", "nobody was killed (minority-third)"],
      ["5.50", "kill", "nobody needed restarting"],
    ]);
    // Each row's time is its op's invocation in history.jsonl, in order.
    const invocations = run.history.filter((op) => op.process === "nemesis").filter((_, i) => i % 2 === 0);
    expect(rows.map(([, , atSec]) => Number(atSec))).toEqual(invocations.map((op) => op.time / 1e9));
    expect(section).toContain('<td class="muted">nobody was killed (minority-third)</td>');
    expect(section).toContain("Greyed: 1 that changed nothing");
    // The plots' note points at the table, and the table comes after the plots.
    expect(html).toContain('<a href="#nemesis">the nemesis table</a>');
    const lastPlot = html.lastIndexOf('<svg xmlns="http://www.w3.org/2000/svg" class="plot"');
    expect(html.indexOf('<h2 id="nemesis">')).toBeGreaterThan(lastPlot);
  });

  test("the timeline page: one lane per process, one bar per op coloured by outcome, the fault band", async () => {
    const run = await writeSyntheticRun();
    await writeRunReport(run.runDir);
    const html = await Bun.file(join(run.runDir, "timeline.html")).text();
    expect(wellFormednessProblems(html, "html")).toEqual([]);
    expect(html).toContain('data-lanes="4" data-bars="5"');
    expect(countMatches(html, /<rect id="op-\d+" class="op ok"/g)).toBe(3);
    expect(html).toMatch(
      /<rect id="op-7" class="op fail"[^>]*><title>#7 read null → fail null &quot;net-timeout&quot; \(p2, 0.140 s, 1000 ms\)/,
    );
    expect(html).toMatch(/<rect id="op-23" class="op info"/);
    expect(html).toContain('<g class="fault" data-kind="partition" data-nodes="n0 n1 n2">');
    expect(html).toContain("n2 hears nothing from n0 n1");
    expect(html).toContain('<a href="index.html">');
  });

  test("a run without results (stopped before writing them) still gets a page saying it is incomplete", async () => {
    const run = await writeSyntheticRun();
    const { rmSync } = await import("node:fs");
    rmSync(join(run.runDir, "results.json"));
    await writeRunReport(run.runDir);
    const html = await Bun.file(join(run.runDir, "index.html")).text();
    expect(html).toContain('class="verdict verdict-incomplete"');
    expect(html).toContain("Incomplete: no results.json, the runner was stopped before writing it.");
    expect(wellFormednessProblems(html, "html")).toEqual([]);
  });
});

describe("index.html of a run with a protocol violation", () => {
  test("says at the top which node broke the protocol, why, and quotes the line", async () => {
    const run = await writeSyntheticRun();
    const violation = {
      node: "n2",
      type: "line-not-valid-json",
      reason: "invalid JSON on stdout",
      line: "hello <world>",
    };
    await Bun.write(
      join(run.runDir, "results.json"),
      JSON.stringify({ ...run.results, errors: { "protocol-violations": [violation] } }),
    );
    await writeRunReport(run.runDir);
    const html = await Bun.file(join(run.runDir, "index.html")).text();
    const top = html.slice(html.indexOf('<section id="why"'), html.indexOf("</section>"));
    expect(top).toContain("<b>protocol</b>: n2 broke the protocol (invalid JSON on stdout)");
    expect(top).toContain("log to stderr. The line:</p><pre>hello &lt;world&gt;</pre>");
    expect(top.indexOf("<b>protocol</b>")).toBeLessThan(top.indexOf("<b>workload</b>"));
    expect(wellFormednessProblems(html, "html")).toEqual([]);
  });
});

describe("index.html of a run the machine could not keep up with", () => {
  test("says so in the verdict box", async () => {
    const run = await writeSyntheticRun();
    const warning = "deliveries ran late (p99 12.0 ms): the machine was overloaded; latencies may be distorted";
    await Bun.write(
      join(run.runDir, "results.json"),
      JSON.stringify({ ...run.results, runner: { seed: 42, warnings: [warning] } }),
    );
    await writeRunReport(run.runDir);
    const html = await Bun.file(join(run.runDir, "index.html")).text();
    const top = html.slice(html.indexOf('<section id="why"'), html.indexOf("</section>"));
    expect(top).toContain(`<p class="note runner-warning">Runner: ${warning}.</p>`);
  });
});

describe("index.html of a crashed run", () => {
  test("names the crashed node and shows its last output lines", async () => {
    const run = await writeSyntheticRun();
    const crash = {
      node: "n1",
      exitCode: 3,
      signal: null,
      stdoutTail: ['{"src":"n1"}'],
      stderrTail: ["TypeError: <boom> & co"],
    };
    const results = {
      "valid?": "unknown",
      aborted: "Node n1 crashed with exit status 3",
      errors: { crashes: [crash], "protocol-violations": [] },
    };
    await Bun.write(join(run.runDir, "results.json"), JSON.stringify(results));
    await writeRunReport(run.runDir);
    const html = await Bun.file(join(run.runDir, "index.html")).text();
    expect(html).toContain('class="verdict verdict-aborted"');
    expect(html).toContain("Aborted (node-crashed): Node n1 crashed with exit status 3</span>");
    expect(html).toContain('<pre class="tail tail-stderr">TypeError: &lt;boom&gt; &amp; co</pre>');
    expect(html).toContain('<a href="node-logs/n1.log">node-logs/n1.log</a>');
    expect(html).not.toContain("<h2>Errors</h2>"); // the only crash is already at the top
    expect(wellFormednessProblems(html, "html")).toEqual([]);
  });
});
