import { afterAll, describe, expect, test } from "bun:test";
import { cpSync, mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { writeRunReport } from "./index.ts";
import { binShown } from "../store/run-files.ts";
import { listRuns, serveStore } from "./serve.ts";
import { writeSyntheticRun } from "./testdata/synthetic-run.ts";

/** A node crash as the runner records it in results.json. */
const CRASH = { node: "n1", exitCode: 3, signal: null, stdoutTail: [], stderrTail: ["exiting"] };

describe("serveStore", async () => {
  const invalidRun = await writeSyntheticRun();
  await writeRunReport(invalidRun.runDir);
  const storeDir = dirname(dirname(invalidRun.runDir));
  // A second, valid run of another workload, and a `latest` link that must not be listed twice.
  const validRunDir = join(storeDir, "echo", "20260102T000000.000Z");
  mkdirSync(dirname(validRunDir), { recursive: true });
  cpSync(invalidRun.runDir, validRunDir, { recursive: true });
  const results = await Bun.file(join(validRunDir, "results.json")).json();
  await Bun.write(join(validRunDir, "results.json"), JSON.stringify({ ...results, "valid?": true }));
  symlinkSync(validRunDir, join(storeDir, "latest"));
  // An aborted run (a node crashed), which the list must tell apart from unknown.
  const abortedRunDir = join(storeDir, "echo", "20260103T000000.000Z");
  cpSync(invalidRun.runDir, abortedRunDir, { recursive: true });
  await Bun.write(
    join(abortedRunDir, "results.json"),
    JSON.stringify({
      "valid?": "unknown",
      aborted: "Node n1 crashed with exit status 3",
      errors: { crashes: [CRASH] },
    }),
  );
  const server = serveStore(storeDir, 0, "127.0.0.1", () => {});
  afterAll(() => server.stop(true));
  const base = `http://127.0.0.1:${server.port}`;

  test("lists each run once, coloured by its verdict", async () => {
    expect(
      listRuns(storeDir)
        .map((run) => run.path)
        .sort(),
    ).toEqual(["broadcast/20260101T000000.000Z", "echo/20260102T000000.000Z", "echo/20260103T000000.000Z"]);
    const page = await (await fetch(`${base}/`)).text();
    expect(page).toContain('<tr class="run verdict-invalid" data-path="broadcast/20260101T000000.000Z">');
    expect(page).toContain('<tr class="run verdict-valid" data-path="echo/20260102T000000.000Z">');
    expect(page).toContain('background:#FF1E90">invalid');
    expect(page).toContain('href="/broadcast/20260101T000000.000Z/index.html"');
    expect(page).toContain('<tr class="run verdict-aborted" data-path="echo/20260103T000000.000Z">');
    expect(page).toContain('background:#B39DDB">aborted');
    // Each row shows the bin, the node count and the nemesis from test.json.
    expect(page).toContain(
      '<td class="bin" title="/x/3c/main.ts"><code>/x/3c/main.ts</code></td><td class="num">3</td><td>partition</td>',
    );
    // And why it failed, in one phrase: the checker's summary, the abort's reason, nothing when valid.
    const why = (path: string) =>
      new RegExp(`data-path="${path}"><td>.*?</td><td class="reason" title="([^"]*)">`).exec(page)?.[1];
    expect(why("broadcast/20260101T000000.000Z")).toStartWith("workload: lost 1 value, e.g. 1");
    expect(why("echo/20260103T000000.000Z")).toBe("node-crashed: Node n1 crashed with exit status 3");
    expect(why("echo/20260102T000000.000Z")).toBe("");
    expect(page).toContain("<th>verdict</th><th>why</th>");
  });

  test("serves a run's report, its files and logs, and nothing outside the store", async () => {
    const report = await fetch(`${base}/broadcast/20260101T000000.000Z/`);
    expect(await report.text()).toContain('class="verdict verdict-invalid"');
    const log = await fetch(`${base}/broadcast/20260101T000000.000Z/node-logs/n1.log`);
    expect(log.headers.get("content-type")).toContain("text/plain");
    expect(await log.text()).toBe("n1 started\n");
    const svg = await fetch(`${base}/latest/messages.svg`);
    expect(svg.headers.get("content-type")).toContain("image/svg+xml");
    const files = await (await fetch(`${base}/broadcast/20260101T000000.000Z/?files`)).text();
    expect(files).toContain('<a href="history.jsonl">history.jsonl</a>');
    const outside = await fetch(`${base}/..%2F..%2Fetc/passwd`);
    expect([403, 404]).toContain(outside.status);
    expect((await fetch(`${base}/nope/`)).status).toBe(404);
  });

  test("a run without a report gets one when first viewed", async () => {
    const { rmSync, existsSync } = await import("node:fs");
    rmSync(join(validRunDir, "index.html"));
    rmSync(join(validRunDir, "messages.svg"));
    const report = await (await fetch(`${base}/echo/20260102T000000.000Z/index.html`)).text();
    expect(report).toContain('class="verdict verdict-valid"');
    expect(existsSync(join(validRunDir, "messages.svg"))).toBe(true);
  });
});

describe("serve on a port already in use", () => {
  test("one line and exit 254, not a stack trace", async () => {
    const taken = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("taken") });
    try {
      const store = mkdtempSync(join(tmpdir(), "serve-busy-"));
      const main = join(import.meta.dir, "..", "cli", "main.ts");
      const argv = [process.execPath, main, "serve", "--store", store, "-p", String(taken.port)];
      const proc = Bun.spawn(argv, { stdout: "pipe", stderr: "pipe" });
      expect(await proc.exited).toBe(254);
      expect((await new Response(proc.stderr).text()).trim().split("\n")).toEqual([
        `Cannot serve on 127.0.0.1:${taken.port}: port ${taken.port} is already in use ` +
          "(another `maelstrom serve`?); stop that one, or pick another port with -p",
      ]);
    } finally {
      taken.stop(true);
    }
  });
});

describe("binShown", () => {
  test("a bin inside the store's folder (the repo root) is shown relative to it, any other as recorded", () => {
    expect(binShown("/repo/3c-fault-tolerant-broadcast/main.ts", "/repo/store")).toBe(
      "3c-fault-tolerant-broadcast/main.ts",
    );
    expect(binShown("/elsewhere/main.ts", "/repo/store")).toBe("/elsewhere/main.ts");
    expect(binShown(undefined, "/repo/store")).toBe("—");
  });
});
