/**
 * What the end-to-end tests share: a store of their own, `maelstrom test` runs into it (from
 * the repository root or the current folder), and reading a run folder's JSON lines.
 */
import { readFileSync } from "node:fs";
import { runMaelstrom, type RunMaelstromOptions } from "../cli/commands.ts";
import { TEST_STORE } from "./test-store.ts";

export { TEST_STORE } from "./test-store.ts";

export const repo = new URL("../../..", import.meta.url).pathname;
export const testdata = "maelstrom-lib/harness/testdata";

/**
 * `runMaelstrom(argv)` with the run written into TEST_STORE. The flag goes right after the
 * command, before any `--` that hands the rest to the node; a later --store in argv still wins.
 */
export function runInTestStore(argv: readonly string[], options?: RunMaelstromOptions) {
  const [command = "test", ...rest] = argv;
  return runMaelstrom([command, "--store", TEST_STORE, ...rest], options);
}

/** `maelstrom test ARGS --no-progress`, as typed at the repository root, into TEST_STORE. */
export function runAtRepoRoot(...args: string[]) {
  return runInTestStore(["test", ...args, "--no-progress"], { cwd: repo });
}

/** A run file of one JSON value per line (history.jsonl, net-journal.jsonl). */
export function readJsonl<T>(path: string): T[] {
  return readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as T);
}
