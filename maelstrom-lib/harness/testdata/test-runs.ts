/** What the end-to-end tests share: a `maelstrom test` run from the repository root, and reading its run folder's JSON lines. */
import { readFileSync } from "node:fs";
import { runMaelstrom } from "../index.ts";

export const repo = new URL("../../..", import.meta.url).pathname;
export const testdata = "maelstrom-lib/harness/testdata";

/** `maelstrom test ARGS --no-progress`, as typed at the repository root. */
export function runAtRepoRoot(...args: string[]) {
  return runMaelstrom(["test", ...args, "--no-progress"], { cwd: repo });
}

/** A run file of one JSON value per line (history.jsonl, net-journal.jsonl). */
export function readJsonl<T>(path: string): T[] {
  return readFileSync(path, "utf8").trim().split("\n").map((line) => JSON.parse(line) as T);
}
