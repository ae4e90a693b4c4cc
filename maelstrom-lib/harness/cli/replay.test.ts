/** The replay command: the options written back as flags, which parse back to the same options. */
import { describe, expect, test } from "bun:test";
import { parseCommand } from "./cli.ts";
import { replayCommand, shellQuote } from "./replay.ts";
import { repo } from "../testdata/test-runs.ts";
import type { TestOptions } from "../contracts/options.ts";

function optsOf(...args: string[]): TestOptions {
  const command = parseCommand(["test", "--sim", ...args], repo);
  if (command.kind !== "test") throw new Error(`expected a test command, got ${command.kind}`);
  return command.opts;
}

/** The replay's argv, split as a shell would split this command (single quotes only). */
function argvOf(command: string): string[] {
  const tokens = [...command.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) => m[1]?.replace(/'\\''/g, "'") ?? m[2]!);
  return tokens.slice(3);
}

const BIN = ["--bin", "6b-totally-available-read-uncommitted-transactions/main.ts"];

describe("replayCommand", () => {
  test("writes only the flags that differ from their defaults, in --help order, Kn workers as Kn, and the seed", () => {
    const opts = optsOf(
      "-w",
      "kafka",
      ...BIN,
      "--node-count",
      "2",
      "--concurrency",
      "2n",
      "--time-limit",
      "20",
      "--rate",
      "1000",
      "--seed",
      "7",
    );
    expect(replayCommand(opts, repo)).toBe(
      "bun run maelstrom test --sim -w kafka --bin 6b-totally-available-read-uncommitted-transactions/main.ts " +
        "--node-count 2 --time-limit 20 --rate 1000 --concurrency 2n --seed 7",
    );
  });

  test("default nodes n1 … n5 need no flag; other lists are --nodes; a --store outside ./store is kept", () => {
    expect(replayCommand(optsOf("-w", "echo", ...BIN, "--seed", "1"), repo)).not.toContain("--node");
    const listed = replayCommand(
      optsOf("-w", "echo", ...BIN, "--nodes", "a,b", "--seed", "1", "--store", "/tmp/x"),
      repo,
    );
    expect(listed).toContain("--nodes a,b ");
    expect(listed.endsWith("--seed 1 --store /tmp/x")).toBe(true);
  });

  test("parses back to the same options, lists and quoted values included", () => {
    const opts = optsOf(
      "-w",
      "txn-rw-register",
      ...BIN,
      "--node-count",
      "3",
      "--concurrency",
      "4",
      "--consistency-models",
      "read-committed , read-uncommitted",
      "--nemesis",
      "partition,kill",
      "--nemesis-interval",
      "2.5",
      "--availability",
      "0.9",
      "--strict",
      "--seed",
      "42",
      "--",
      "it's",
    );
    const command = replayCommand(opts, repo);
    expect(command).toContain("--consistency-models 'read-committed , read-uncommitted'");
    expect(command).toContain("--concurrency 4 ");
    const again = parseCommand(argvOf(command), repo);
    if (again.kind !== "test") throw new Error("expected a test command");
    expect(again.opts).toEqual(opts);
  });

  test("shellQuote leaves plain tokens bare and quotes the rest so that a shell reads them back", () => {
    expect(shellQuote("--rate")).toBe("--rate");
    expect(shellQuote("a b")).toBe("'a b'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });
});
