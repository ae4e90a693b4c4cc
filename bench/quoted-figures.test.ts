import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { QUOTING_PAGES, quote, quotedNames, type ResultsBlock, resultsBlocks } from "./quoted-figures.ts";

const REPO = join(import.meta.dir, "..");
const page = (path: string) => readFileSync(join(REPO, path), "utf8");

describe("quote", () => {
  const blocks = new Map<string, ResultsBlock>([
    ["kafka", { text: "| 5c | 0.064 |", file: "bench/results-kafka.md", run: "r1" }],
  ]);

  test("replaces a stale quoted block with the results' text and keeps the rest", () => {
    const stale = "before\n<!-- bench:kafka -->\n| 5c | 0.070 |\n<!-- /bench:kafka -->\nafter";
    expect(quote(stale, blocks)).toBe("before\n<!-- bench:kafka -->\n| 5c | 0.064 |\n<!-- /bench:kafka -->\nafter");
  });

  test("fills an empty quoted block", () => {
    expect(quote("<!-- bench:kafka -->\n<!-- /bench:kafka -->", blocks)).toBe(
      "<!-- bench:kafka -->\n| 5c | 0.064 |\n<!-- /bench:kafka -->",
    );
  });

  test("refuses a block no bench writes", () => {
    expect(() => quote("<!-- bench:nope -->\nx\n<!-- /bench:nope -->", blocks)).toThrow(/no bench/);
  });

  test("lists a page's quoted blocks, a repeated one twice", () => {
    const twice = "<!-- bench:a -->\n1\n<!-- /bench:a -->\n<!-- bench:a -->\n1\n<!-- /bench:a -->";
    expect(quotedNames(twice)).toEqual(["a", "a"]);
  });
});

describe("the README and docs quote the tracked bench results", () => {
  const blocks = resultsBlocks();
  const quoted = QUOTING_PAGES.flatMap((path) => quotedNames(page(path)).map((name) => ({ path, name })));

  test("every quoted block is as the results have it (run `bun bench/quoted-figures.ts --write`)", () => {
    for (const path of QUOTING_PAGES) expect(quote(page(path), blocks), path).toBe(page(path));
  });

  test("each block is quoted once, across all pages", () => {
    const names = quoted.map(({ name }) => name);
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
  });

  test("all quoted figures come from one bench run", () => {
    const runs = new Set(quoted.map(({ name }) => blocks.get(name)!.run));
    expect([...runs]).toHaveLength(1);
    expect([...runs][0]).not.toBe("unstamped");
  });

  test("the challenge figures are quoted, not typed", () => {
    const readme = quotedNames(page("README.md"));
    for (const name of ["broadcast", "flake", "kafka", "txn"]) expect(readme).toContain(name);
  });
});
