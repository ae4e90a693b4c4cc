/**
 * A run folder is complete or visibly incomplete, whatever happens to the runner: a signal while
 * it checks, a second signal, a full disk, a store it may not write. `analyze` finishes a run
 * stopped during its checks.
 */
import { RealWorld } from "../world/real-world.ts";
import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repo } from "../testdata/test-runs.ts";
import { parseCommand } from "../cli/cli.ts";
import { analyzeRun } from "../index.ts";
import { renderRunList } from "../report/serve.ts";
import { NODE_FS, type StoreFs } from "../store/store.ts";
import { runTest } from "./run.ts";
import { WORKLOADS } from "../workloads/index.ts";

const main = join(repo, "maelstrom-lib/harness/cli/main.ts");
const neverFinish = join(repo, "maelstrom-lib/harness/run/testdata/checks-never-finish.ts");
const ECHO = ["-w", "echo", "--bin", "01-echo/main.ts", "--node-count", "1", "--time-limit", "1", "--rate", "10"];

const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8"));
const echo = WORKLOADS.get("echo")!;

/** A runner process whose checks never finish, its stderr in a file the test can watch. */
function runnerStuckInChecks(store: string) {
  const stderrPath = join(store, "..", "stderr.txt");
  const argv = [process.execPath, "--preload", neverFinish, main, "test", ...ECHO, "--no-progress", "--store", store];
  const proc = Bun.spawn(argv, {
    cwd: repo,
    stdout: "pipe",
    stderr: Bun.file(stderrPath),
  });
  const stderr = () => (existsSync(stderrPath) ? readFileSync(stderrPath, "utf8") : "");
  return { proc, stderr };
}

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition() && performance.now() < deadline) await Bun.sleep(20);
  expect(condition()).toBe(true);
}

/** The one run folder of a store's echo runs. */
function onlyRunDir(store: string): string {
  const runs = readdirSync(join(store, "echo")).filter((name) => name !== "latest");
  expect(runs.length).toBe(1);
  return join(store, "echo", runs[0]!);
}

function echoOptions(store: string) {
  const command = parseCommand(["test", ...ECHO, "--no-progress", "--store", store], repo);
  if (command.kind !== "test") throw new Error("expected a test command");
  return command.opts;
}

/** The real file system, but every write to a file whose name ends in `suffix` finds the disk full. */
function fullDiskFor(suffix: string): StoreFs {
  const enospc = () => {
    throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
  };
  const full = { write: enospc, close: () => {} };
  return { ...NODE_FS, open: (path) => (path.includes(suffix) ? full : NODE_FS.open(path)) };
}

describe("a signal while the runner checks (a real runner process)", () => {
  test("the first stops the checks, writes the folder marked interrupted; analyze then finishes it", async () => {
    const store = join(mkdtempSync(join(tmpdir(), "checking-signal-")), "store");
    const { proc, stderr } = runnerStuckInChecks(store);
    await waitFor(() => stderr().includes("checks started"));
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(143);
    const stdout = await new Response(proc.stdout).text();
    const said = "SIGTERM: interrupted; stopping the checks and writing the run folder, marked interrupted";
    expect(stdout).toContain(said);
    expect(stderr()).toBe("checks started\nchecks cancelled\n"); // no stack trace
    const runDir = onlyRunDir(store);
    const results = readJson(join(runDir, "results.json"));
    expect(results["valid?"]).toBe("unknown");
    expect(results["abort-type"]).toBe("interrupted");
    expect(results.aborted).toContain("while checking; the history is saved, and `maelstrom analyze");
    expect(results.net.all["msg-count"]).toBeGreaterThan(2); // what only the run could measure is kept
    expect(results.runner.seed).toBeDefined();
    expect(readlinkSync(join(store, "latest"))).toBe(`echo/${runDir.split("/").at(-1)}`);

    const lines: string[] = [];
    expect(await analyzeRun(runDir, (line) => lines.push(line))).toBe(0);
    expect(lines).toContain("The run was interrupted during its checks; its saved history is checked now");
    const finished = readJson(join(runDir, "results.json"));
    expect(finished["valid?"]).toBe(true);
    expect(finished.aborted).toBeUndefined();
    expect(finished.net).toEqual(results.net);
    expect(finished.runner).toEqual(results.runner);
  }, 40_000);

  test("a second one quits at once: no results.json, serve and analyze say so, analyze finishes it", async () => {
    const store = join(mkdtempSync(join(tmpdir(), "checking-quit-")), "store");
    const { proc, stderr } = runnerStuckInChecks(store);
    await waitFor(() => stderr().includes("checks started"));
    proc.kill("SIGINT");
    proc.kill("SIGTERM");
    expect([130, 143]).toContain(await proc.exited); // the second signal's code, whichever came second
    expect(await new Response(proc.stdout).text()).toMatch(/SIG(INT|TERM): interrupted; stopping the checks/);
    const runDir = onlyRunDir(store);
    expect(existsSync(join(runDir, "results.json"))).toBe(false);
    for (const saved of ["test.json", "history.jsonl", "history.edn", "net-journal.jsonl"]) {
      expect(existsSync(join(runDir, saved))).toBe(true);
    }
    expect(existsSync(join(store, "latest"))).toBe(false); // latest names complete runs only

    const runName = runDir.split("/").at(-1)!;
    expect(await renderRunList(store)).toContain(`<tr class="run verdict-incomplete" data-path="echo/${runName}">`);

    const lines: string[] = [];
    expect(await analyzeRun(runDir, (line) => lines.push(line))).toBe(0);
    expect(lines).toContain(
      "The run is incomplete: it has no results.json (stopped during its checks); " +
        "its saved history is checked now, and net counted from net-journal.jsonl",
    );
    const results = readJson(join(runDir, "results.json"));
    expect(results["valid?"]).toBe(true);
    // The journal gives the net checker's counts: init and init_ok, then a request and a reply per op.
    expect(results.net.all["msg-count"]).toBe(2 * results.stats.count + 2);
    expect(results.net.all["recv-count"]).toBe(results.net.all["send-count"]);
  }, 40_000);
});

describe("a full disk", () => {
  test("while the journal is written: the run stops with one line and 255, and the folder says why", async () => {
    const store = mkdtempSync(join(tmpdir(), "full-journal-"));
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);
    const outcome = await runTest(echoOptions(store), echo, log, new RealWorld(), fullDiskFor("net-journal.jsonl"));
    expect(outcome.exitCode).toBe(255);
    expect(outcome.results["abort-type"]).toBe("store-failed");
    const journal = join(outcome.runDir, "net-journal.jsonl");
    expect(lines).toContain(`ERROR: store-failed: cannot write ${journal}: no space left on the disk (ENOSPC)`);
    expect(readJson(join(outcome.runDir, "results.json"))["abort-type"]).toBe("store-failed");
  }, 30_000);

  test("while the results are written: one line, 255, no results.json, latest at the last complete run", async () => {
    const store = mkdtempSync(join(tmpdir(), "full-results-"));
    const complete = await runTest(echoOptions(store), echo, () => {});
    expect(complete.exitCode).toBe(0);
    const lines: string[] = [];
    const outcome = await runTest(
      echoOptions(store),
      echo,
      (line) => lines.push(line),
      new RealWorld(),
      fullDiskFor("results.edn"),
    );
    expect(outcome.exitCode).toBe(255);
    expect(outcome.incomplete).toBe(true);
    expect(lines.filter((line) => line.startsWith("ERROR"))).toEqual([
      `ERROR: cannot write ${outcome.runDir}/results.edn: no space left on the disk (ENOSPC); ` +
        `the run folder ${outcome.runDir} is incomplete (it has no results.json)`,
    ]);
    const files = readdirSync(outcome.runDir).sort();
    expect(files).toEqual([
      "history.edn",
      "history.jsonl",
      "history.txt",
      "net-journal.jsonl",
      "node-logs",
      "test.json",
    ]);
    expect(readlinkSync(join(store, "latest"))).toBe(`echo/${complete.runDir.split("/").at(-1)}`);
  }, 30_000);
});

describe("a store that cannot be written (a real runner process)", () => {
  test("is one line and exit 255, not a stack trace", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "store-file-")), "a-file");
    writeFileSync(file, "");
    const argv = [process.execPath, main, "test", ...ECHO, "--no-progress", "--store", join(file, "store")];
    const proc = Bun.spawn(argv, { cwd: repo, stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr] = [await new Response(proc.stdout).text(), await new Response(proc.stderr).text()];
    expect(await proc.exited).toBe(255);
    expect(stdout).toBe(`ERROR: cannot create ${file}/store/echo: a part of the path is not a folder (ENOTDIR)\n`);
    expect(stderr).toBe("");
  }, 30_000);
});
