/**
 * Determinism of the simulation: every challenge's published command (time limit shortened),
 * run twice with one seed, writes byte-identical history.jsonl, net-journal.jsonl, node logs
 * and results.json (less the figures that measure the host), and passes. One command is run
 * a third time in a separate CLI process, to show the replay does not depend on the process.
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHALLENGES, overrideFlags } from "../../../tools/challenge.ts";
import { runMaelstrom } from "../index.ts";
import { withoutHostFigures, type RunResults } from "../contracts/results.ts";
import { repo } from "../testdata/test-runs.ts";

const SEED = "42";
const SHORT = ["--time-limit", "5"];

/** The files that must replay, by name, as text. */
function replayedFiles(runDir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of ["history.jsonl", "net-journal.jsonl"]) files.set(name, readFileSync(join(runDir, name), "utf8"));
  for (const name of readdirSync(join(runDir, "node-logs")).sort()) {
    files.set(`node-logs/${name}`, readFileSync(join(runDir, "node-logs", name), "utf8"));
  }
  const results = JSON.parse(readFileSync(join(runDir, "results.json"), "utf8")) as RunResults;
  files.set("results.json (less host figures)", JSON.stringify(withoutHostFigures(results), null, 2));
  return files;
}

/** The first difference between two runs' files, said in one line, or undefined. */
function firstDifference(first: Map<string, string>, second: Map<string, string>): string | undefined {
  if ([...first.keys()].join() !== [...second.keys()].join())
    return `files differ: ${[...first.keys()]} vs ${[...second.keys()]}`;
  for (const [name, text] of first) {
    const other = second.get(name)!;
    if (text === other) continue;
    const lines = text.split("\n");
    const otherLines = other.split("\n");
    const at = lines.findIndex((line, i) => line !== otherLines[i]);
    return `${name} line ${at + 1}: ${lines[at]?.slice(0, 200)} vs ${otherLines[at]?.slice(0, 200)}`;
  }
  return undefined;
}

function simulateArgs(folder: string, flags: readonly string[], store: string): string[] {
  return [
    "test",
    ...overrideFlags(flags, SHORT),
    "--bin",
    `${folder}/main.ts`,
    "--sim",
    "--seed",
    SEED,
    "--store",
    store,
    "--no-progress",
  ];
}

describe("the simulation replays every challenge byte for byte", () => {
  for (const challenge of CHALLENGES) {
    for (const command of challenge.commands) {
      test(`${command.label}: one seed twice, the same files, and valid`, async () => {
        const stores = [1, 2].map(() => mkdtempSync(join(tmpdir(), "sim-replay-")));
        const runs = await Promise.all(
          stores.map((store) => runMaelstrom(simulateArgs(challenge.folder, command.flags, store), { cwd: repo })),
        );
        for (const run of runs) {
          expect(run.results?.["valid?"]).toBe(true);
          expect(run.exitCode).toBe(0);
          expect(run.results?.runner?.simulated).toBe(true);
          expect(run.results?.runner?.seed).toBe(Number(SEED));
        }
        expect(firstDifference(replayedFiles(runs[0]!.runDir!), replayedFiles(runs[1]!.runDir!))).toBeUndefined();
      }, 60_000);
    }
  }

  test("a run in another process, of 3c under partitions, replays the same files too", async () => {
    const challenge = CHALLENGES.find((candidate) => candidate.folder.startsWith("3c"))!;
    const [here, there] = [1, 2].map(() => mkdtempSync(join(tmpdir(), "sim-replay-")));
    const args = simulateArgs(challenge.folder, challenge.commands[0]!.flags, here!);
    const run = await runMaelstrom(args, { cwd: repo });
    const cli = Bun.spawnSync(
      [
        "bun",
        "maelstrom-lib/harness/cli/main.ts",
        ...simulateArgs(challenge.folder, challenge.commands[0]!.flags, there!),
      ],
      { cwd: repo },
    );
    expect(cli.exitCode).toBe(0);
    expect(firstDifference(replayedFiles(run.runDir!), replayedFiles(join(there!, "latest")))).toBeUndefined();
  }, 60_000);

  test("another seed makes another run", async () => {
    const challenge = CHALLENGES.find((candidate) => candidate.folder.startsWith("3b"))!;
    const stores = [1, 2].map(() => mkdtempSync(join(tmpdir(), "sim-replay-")));
    const args = stores.map((store) => simulateArgs(challenge.folder, challenge.commands[0]!.flags, store));
    args[1]![args[1]!.indexOf("--seed") + 1] = "43";
    const runs = await Promise.all(args.map((argv) => runMaelstrom(argv, { cwd: repo })));
    expect(firstDifference(replayedFiles(runs[0]!.runDir!), replayedFiles(runs[1]!.runDir!))).toStartWith(
      "history.jsonl line",
    );
  }, 60_000);
});
