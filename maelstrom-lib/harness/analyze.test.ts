import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeRun, runMaelstrom } from "./index.ts";
import type { Op } from "./types.ts";

const repo = new URL("../..", import.meta.url).pathname;
const store = mkdtempSync(join(tmpdir(), "analyze-"));
afterAll(() => rmSync(store, { recursive: true, force: true }));

const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8"));

describe("maelstrom analyze", () => {
  test("re-checks a stored run: a real run stays valid, and a history broken on purpose turns invalid", async () => {
    const run = await runMaelstrom(
      ["test", "-w", "echo", "--bin", "01-echo/main.ts", "--node-count", "1", "--time-limit", "1", "--rate", "20", "--store", store, "--no-progress"],
      { cwd: repo },
    );
    expect(run.exitCode).toBe(0);
    const runDir = run.runDir!;
    const before = readJson(join(runDir, "results.json"));

    const lines: string[] = [];
    expect(await analyzeRun(runDir, (line) => lines.push(line))).toBe(0);
    const again = readJson(join(runDir, "results.json"));
    expect(again["valid?"]).toBe(true);
    expect(again.stats).toEqual(before.stats);
    expect(again.net).toEqual(before.net);
    expect(again.runner).toEqual(before.runner);
    expect(lines[0]).toContain(`Analyzing ${runDir}`);

    const historyPath = join(runDir, "history.jsonl");
    const ops = readFileSync(historyPath, "utf8").trim().split("\n").map((line) => JSON.parse(line) as Op);
    const ok = ops.find((op) => op.type === "ok")!;
    ok.value = { ...(ok.value as object), echo: "tampered" };
    writeFileSync(historyPath, ops.map((op) => JSON.stringify(op)).join("\n") + "\n");
    expect(await analyzeRun(runDir, () => {})).toBe(1);
    const broken = readJson(join(runDir, "results.json"));
    expect(broken["valid?"]).toBe(false);
    expect(broken.workload["valid?"]).toBe(false);
    expect(JSON.stringify(broken.workload.errors)).toContain("tampered");
  });

  test("a folder that is not a run is one line and exit 254", async () => {
    const lines: string[] = [];
    expect(await analyzeRun(join(store, "nothing-here"), (line) => lines.push(line))).toBe(254);
    expect(lines).toEqual([`${join(store, "nothing-here")} is not a run folder: it has no test.json`]);
  });

  test("the CLI analyzes store/latest of the caller's folder by default", async () => {
    const proc = Bun.spawn([process.execPath, join(repo, "maelstrom-lib/harness/main.ts"), "analyze", "--store", store], { cwd: store, stdout: "pipe" });
    expect(await proc.exited).toBe(1); // the run tampered with above is the latest
    expect(await new Response(proc.stdout).text()).toContain("Analysis invalid!");
  });
});
