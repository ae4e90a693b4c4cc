/**
 * Seed search and shrinking end to end, on a node with a deliberate rare bug (about one client
 * broadcast in 40 acknowledged and forgotten): a small seed range finds it, each failing seed's
 * printed command replays it to the byte, and shrinking finds a smaller run that fails the
 * same way and stores it with its report.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runMaelstrom } from "./commands.ts";
import { repo, testdata } from "../testdata/test-runs.ts";
import { failureKinds } from "../report/failure-kind.ts";

const RARE_BUG = [
  "-w",
  "broadcast",
  "--bin",
  `${testdata}/rare-forgetful-broadcast.ts`,
  "--node-count",
  "3",
  "--time-limit",
  "3",
];
const CORRECT = [
  "-w",
  "broadcast",
  "--bin",
  "3b-multi-node-broadcast/main.ts",
  "--node-count",
  "3",
  "--time-limit",
  "3",
];

function run(store: string, ...args: string[]) {
  return runMaelstrom(["test", "--sim", ...args, "--rate", "10", "--store", store, "--no-progress"], { cwd: repo });
}

/** The run folders a store holds for a workload (not its `latest` link). */
function runFolders(store: string, workload: string): string[] {
  return readdirSync(join(store, workload)).filter((name) => name !== "latest");
}

/** The argv of a printed replay command, without `bun run maelstrom`. */
function argvOf(command: string): string[] {
  return command.trim().split(" ").slice(3);
}

describe("seed search: --sim --test-count N", () => {
  test("finds the rare bug in seeds 1-20: a row and a replay command per failing seed; keeps only those", async () => {
    const store = mkdtempSync(join(tmpdir(), "seed-search-"));
    const search = await run(store, ...RARE_BUG, "--seed", "1", "--test-count", "20");
    expect(search.exitCode).toBe(1);
    expect(search.runs).toHaveLength(20);
    const failing = search.runs.filter((outcome) => outcome.exitCode !== 0);
    expect(failing.length).toBeGreaterThan(0);
    expect(failing.length).toBeLessThan(20); // rare: most seeds pass
    expect(search.output[0]).toBe("Seed search: 20 simulated runs of broadcast, seeds 1 … 20");
    const counts = new RegExp(`^20 seeds in \\d+\\.\\d s: ${20 - failing.length} valid, ${failing.length} invalid$`);
    expect(search.output.filter((line) => counts.test(line))).toHaveLength(1);
    const rows = search.output.filter((line) => /^\d+ +invalid +workload: /.test(line));
    expect(rows).toHaveLength(failing.length);
    const commands = search.output.filter((line) => line.startsWith("  bun run maelstrom test --sim"));
    expect(commands).toHaveLength(failing.length);
    // Failing runs are stored with their reports; passing ones are not.
    expect(runFolders(store, "broadcast").sort()).toEqual(
      failing.map((outcome) => outcome.runDir.split("/").at(-1)!).sort(),
    );
    for (const outcome of failing) expect(existsSync(join(outcome.runDir, "index.html"))).toBe(true);
    expect(search.runDir).toBe(failing[0]!.runDir);

    // The first replay command gives the same run again, byte for byte.
    const replay = await runMaelstrom([...argvOf(commands[0]!), "--no-progress"], { cwd: repo });
    expect(replay.exitCode).toBe(1);
    const history = (dir: string) => readFileSync(join(dir, "history.jsonl"), "utf8");
    expect(history(replay.runDir!)).toBe(history(failing[0]!.runDir));
  }, 120_000);

  test("a range where every seed passes exits 0, prints no table, and keeps the last run for `latest`", async () => {
    const store = mkdtempSync(join(tmpdir(), "seed-search-"));
    const search = await run(store, ...CORRECT, "--seed", "100", "--test-count", "3");
    expect(search.exitCode).toBe(0);
    expect(search.output.at(-1)).toMatch(/^3 seeds in \d+\.\d s: 3 valid$/);
    expect(runFolders(store, "broadcast")).toHaveLength(1);
    expect(readFileSync(join(store, "latest", "test.json"), "utf8")).toContain('"seed": 102');
  }, 60_000);
});

describe("shrinking: --sim --shrink", () => {
  test("finds a smaller run with the same failure kind, prints its command and stores it with its report", async () => {
    const store = mkdtempSync(join(tmpdir(), "shrink-"));
    const args = [
      ...RARE_BUG,
      "--nemesis",
      "partition",
      "--nemesis-interval",
      "1",
      "--seed",
      "1",
      "--test-count",
      "20",
      "--shrink",
    ];
    const search = await run(store, ...args);
    const shrunk = search.shrunk!;
    expect(shrunk).toBeDefined();
    const before = shrunk.original.opts;
    const after = shrunk.smallest.opts;
    expect(shrunk.kind).toBe("workload: lost");
    expect(shrunk.steps.length).toBeGreaterThan(0);
    // Never larger in any dimension, and smaller in at least one.
    expect(after.nodeIds.length).toBeLessThanOrEqual(before.nodeIds.length);
    expect(after.nemesis.length).toBeLessThanOrEqual(before.nemesis.length);
    expect(after.timeLimitSec).toBeLessThanOrEqual(before.timeLimitSec);
    expect(after.rate).toBeLessThanOrEqual(before.rate);
    expect(after.concurrency).toBeLessThanOrEqual(before.concurrency);
    const size = (o: typeof before) => [o.nodeIds.length, o.nemesis.length, o.timeLimitSec, o.rate, o.concurrency];
    expect(size(after)).not.toEqual(size(before));
    // The stored run fails the same way, and its printed command replays it.
    const stored = JSON.parse(readFileSync(join(shrunk.smallest.outcome.runDir, "results.json"), "utf8"));
    expect(failureKinds(stored)).toContain("workload: lost");
    expect(existsSync(join(shrunk.smallest.outcome.runDir, "index.html"))).toBe(true);
    const printed = search.output[search.output.findIndex((line) => line.startsWith("Smallest failing run")) + 1]!;
    const replay = await runMaelstrom([...argvOf(printed), "--no-progress"], { cwd: repo });
    expect(failureKinds(replay.results)).toContain("workload: lost");
    // The store is a temporary folder outside the repository: its path is shown whole.
    expect(search.output.at(-1)).toBe(`Stored, with its report: ${shrunk.smallest.outcome.runDir}`);
  }, 180_000);

  test("--shrink on a passing run says there is nothing to shrink; without --sim it is refused", async () => {
    const store = mkdtempSync(join(tmpdir(), "shrink-"));
    const passing = await run(store, ...CORRECT, "--seed", "5", "--shrink");
    expect(passing.exitCode).toBe(0);
    expect(passing.output.at(-1)).toBe("Nothing to shrink: the run passed.");
    const refused = await runMaelstrom(["test", ...CORRECT, "--shrink"], { cwd: repo });
    expect(refused.exitCode).toBe(254);
    expect(refused.output).toEqual([
      "--shrink needs --sim: only a simulated run replays exactly, candidate by candidate",
    ]);
  }, 60_000);
});
