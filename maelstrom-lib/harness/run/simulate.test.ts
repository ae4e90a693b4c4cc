/**
 * `maelstrom test --sim` end to end on nodes written to misbehave: one that never hands control
 * back, one that throws while loading, one that escapes the simulation, one that leaves errors
 * unhandled; what the node reads of time and randomness; and the binaries it refuses.
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCommand } from "../cli/cli.ts";
import { repo, runAtRepoRoot, testdata } from "../testdata/test-runs.ts";
import { simulateTest } from "./simulate.ts";

const fixtures = "maelstrom-lib/harness/world/testdata";
const ECHO = ["-w", "echo", "--node-count", "2", "--time-limit", "3", "--rate", "5", "--sim"];

const nodeLog = (runDir: string, id: string) => readFileSync(join(runDir, "node-logs", `${id}.log`), "utf8");

describe("maelstrom test --sim", () => {
  test("a handler that never returns is stopped by the watchdog, naming the node and the message", async () => {
    const command = parseCommand(["test", ...ECHO, "--bin", `${fixtures}/endless-loop.ts`, "--seed", "1"], repo);
    if (command.kind !== "test") throw new Error(`expected a test command, got ${command.kind}`);
    const opts = { ...command.opts, progress: false };
    const lines: string[] = [];
    const startedMs = performance.now();
    const outcome = await simulateTest(opts, { hangMs: 500, log: (line) => lines.push(line) });
    expect(performance.now() - startedMs).toBeLessThan(10_000);
    expect(outcome.exitCode).toBe(255);
    expect(outcome.results["abort-type"]).toBe("node-hung");
    expect(outcome.results.aborted).toMatch(
      /^node-hung: Node n[01] did not hand control back for 0\.5 s while handling message \d+ \(echo\) at \d+\.\d s/,
    );
    expect(lines.at(-1)).toContain("ERROR: node-hung: Node n");
    // The run folder says so too, with the console lines up to the stop.
    const stored = JSON.parse(readFileSync(join(outcome.runDir, "results.json"), "utf8"));
    expect(stored["abort-type"]).toBe("node-hung");
    expect(readFileSync(join(outcome.runDir, "jepsen.log"), "utf8")).toContain("simulated in-process on virtual time");
  }, 30_000);

  test("a node that throws while loading has crashed, in Maelstrom's words, its error its last stderr", async () => {
    const run = await runAtRepoRoot(...ECHO, "--bin", `${fixtures}/throws-at-load.ts`);
    expect(run.exitCode).toBe(255);
    expect(run.results!["abort-type"]).toBe("node-crashed");
    expect(run.results!.aborted).toMatch(/^node-crashed: Node n[01] crashed with exit status 1$/);
    const crash = run.results!.errors!.crashes![0]!;
    expect(crash.stderrTail[0]).toBe("Error: ECHO_PEERS_THAT_ARE_NEVER_SET is not set");
    // The program's own frames only, named by its file, not where the runner or the program lives.
    expect(crash.stderrTail[1]).toMatch(/^ {4}at .* \(sim-bundle\/throws-at-load\.ts:\d+:\d+\)$/);
  });

  test("a program that does not build crashes at its start as its process would, in the compiler's words", async () => {
    const bin = join(mkdtempSync(join(tmpdir(), "sim-syntax-")), "main.ts");
    writeFileSync(bin, "#!/usr/bin/env bun\nconst node = new Node(;\n");
    const run = await runAtRepoRoot(...ECHO, "--bin", bin, "--node-count", "1");
    expect(run.exitCode).toBe(255);
    expect(run.results!.aborted).toBe("node-crashed: Node n0 crashed with exit status 1");
    expect(run.results!.errors!.crashes![0]!.stderrTail).toEqual([`${bin}:2:23: error: Unexpected ;`]);
  });

  test("a node that reads a file and imports node:os still runs; the results and console say it escaped", async () => {
    const run = await runAtRepoRoot(...ECHO, "--bin", `${fixtures}/escapes.ts`);
    expect(run.exitCode).toBe(0);
    const warnings = run.results!.runner!.warnings;
    expect(warnings).toContainEqual(
      expect.stringMatching(/^n0, n1 escaped the simulation: import "os" reaches the real machine/),
    );
    expect(warnings).toContainEqual(expect.stringMatching(/^n0, n1 escaped the simulation: fs\.readFileSync reaches/));
    expect(run.output.filter((line) => line.startsWith("WARN n0 escaped the simulation"))).toHaveLength(2);
  });

  test("a challenge's node escapes nothing: no warning, and the results say the run was simulated", async () => {
    const run = await runAtRepoRoot(...ECHO, "--bin", "01-echo/main.ts");
    expect(run.exitCode).toBe(0);
    expect(run.results!.runner!.warnings).toEqual([]);
    expect(run.results!.runner!.simulated).toBe(true);
    expect(run.results!.stats!["ok-count"]).toBeGreaterThan(10);
  });

  // In a CLI process: under `bun test`, Bun fails on any unhandled rejection, in a worker too,
  // before a handler can see it.
  test("an unhandled rejection and a throwing timer are logged in the node's log and the node goes on", () => {
    const store = mkdtempSync(join(tmpdir(), "sim-stray-"));
    const flags = [
      ...ECHO,
      "--bin",
      `${fixtures}/stray-errors.ts`,
      "--node-count",
      "1",
      "--store",
      store,
      "--no-progress",
    ];
    const cli = Bun.spawnSync(["bun", "maelstrom-lib/harness/cli/main.ts", "test", ...flags], { cwd: repo });
    expect(cli.exitCode).toBe(0);
    const log = nodeLog(join(store, "latest"), "n0");
    expect(log).toContain("unhandled rejection, node keeps running: Error: a forgotten rejection");
    expect(log).toContain("uncaught exception, node keeps running: Error: a throwing timer");
    const results = JSON.parse(readFileSync(join(store, "latest", "results.json"), "utf8"));
    expect(results.stats["fail-count"] + results.stats["info-count"]).toBe(0);
  });

  test("Date, performance, timers, Bun.sleep, Math.random and crypto are virtual and seeded", async () => {
    const flags = [...ECHO, "--bin", `${fixtures}/clock-and-random.ts`, "--node-count", "1"];
    const [first, again, otherSeed] = await Promise.all([
      runAtRepoRoot(...flags, "--seed", "5"),
      runAtRepoRoot(...flags, "--seed", "5"),
      runAtRepoRoot(...flags, "--seed", "6"),
    ]);
    const log = nodeLog(first.runDir!, "n0").split("\n");
    expect(log[0]).toBe("init at 1767225600000 perf 0 now 2026-01-01T00:00:00.000Z"); // init answered at virtual 0
    expect(log.slice(2, 7)).toEqual([
      "tick 1 after 100 ms",
      "tick 2 after 200 ms",
      "timeout after 250 ms",
      "tick 3 after 300 ms",
      "slept 400 ms",
    ]);
    expect(log[1]).toMatch(
      /^random 0\.\d+ uuid [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12} bytes [0-9a-f]{8}$/,
    );
    expect(nodeLog(again.runDir!, "n0")).toBe(nodeLog(first.runDir!, "n0"));
    expect(nodeLog(otherSeed.runDir!, "n0").split("\n")[1]).not.toBe(log[1]);
  });

  test("a script not built on our runtime, or not a script at all, gets one line and exit 254", async () => {
    const script = await runAtRepoRoot(...ECHO, "--bin", `${testdata}/never-inits.ts`);
    expect(script.exitCode).toBe(254);
    expect(script.output).toEqual([
      expect.stringMatching(
        /^--sim runs only nodes built on @gossip-glomers-ts\/maelstrom .*never-inits\.ts does not import its Node/,
      ),
    ]);
    const binary = await runAtRepoRoot(...ECHO, "--bin", ".ci/run");
    expect(binary.exitCode).toBe(254);
    expect(binary.output).toEqual([
      expect.stringMatching(
        /^--sim runs only TypeScript or JavaScript nodes .*\.ci\/run is neither \(run it without --sim\)$/,
      ),
    ]);
  });
});
