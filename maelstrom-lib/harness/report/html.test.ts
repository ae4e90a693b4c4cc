import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { writeRunReport } from "./index.ts";
import { writeSyntheticRun } from "./testdata/synthetic-run.ts";
import { wellFormednessProblems } from "./xml-check.ts";

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

    // One latency plot per operation plus the throughput plot, each shading the partition window.
    expect(countMatches(html, /<svg xmlns="http:\/\/www.w3.org\/2000\/svg" class="plot"/g)).toBe(3);
    expect(countMatches(html, /<rect class="band"/g)).toBe(3);
    expect(html).toContain("broadcast latency");
    expect(html).toContain("read latency");

    // Broadcast's stable-latency quantiles, as results.json has them.
    expect(html).toMatch(/<table class="quantiles" data-name="stable-latencies"><tr>.*<\/tr><tr><td class="num">0<\/td><td class="num">12<\/td><td class="num">40<\/td>/);

    // Messages per op by type: the journal's server messages (the cut gossip counts as sent).
    expect(html).toContain('<tr class="msg-type" data-type="gossip" data-sent="2">');
    expect(html).toContain('<tr class="msg-type" data-type="error" data-sent="1">');
    expect(html).toContain('<tr class="msg-type" data-type="read" data-sent="1">');
    expect(html).not.toContain('data-type="broadcast"'); // client traffic is not server traffic
    expect(html).not.toContain("results.json counts"); // the totals agree with results.net

    // Diagram preview and links.
    expect(countMatches(html, /<g class="msg"/g)).toBe(8);
    expect(html).toContain('<a href="messages.svg">');
    expect(html).toContain('<a href="node-logs/n1.log">');
  });

  test("a run without results (a crash) still gets a page saying so", async () => {
    const run = await writeSyntheticRun();
    const { rmSync } = await import("node:fs");
    rmSync(join(run.runDir, "results.json"));
    await writeRunReport(run.runDir);
    const html = await Bun.file(join(run.runDir, "index.html")).text();
    expect(html).toContain('class="verdict verdict-missing"');
    expect(html).toContain("No results");
    expect(wellFormednessProblems(html, "html")).toEqual([]);
  });
});

describe("index.html of a crashed run", () => {
  test("names the crashed node and shows its last output lines", async () => {
    const run = await writeSyntheticRun();
    const crash = { node: "n1", exitCode: 3, signal: null, stdoutTail: ['{"src":"n1"}'], stderrTail: ["TypeError: <boom> & co"] };
    await Bun.write(join(run.runDir, "results.json"), JSON.stringify({ ...run.results, "valid?": "unknown", errors: { crashes: [crash], "protocol-violations": [] } }));
    await writeRunReport(run.runDir);
    const html = await Bun.file(join(run.runDir, "index.html")).text();
    expect(html).toContain('class="verdict verdict-unknown"');
    expect(html).toContain("The run was aborted: Node n1 exited with status 3.");
    expect(html).toContain("<h2>Errors</h2>");
    expect(html).toContain("TypeError: &lt;boom&gt; &amp; co");
    expect(wellFormednessProblems(html, "html")).toEqual([]);
  });
});
