#!/usr/bin/env bun
/**
 * The figures the README and docs quote, copied from the bench results that measured them.
 *
 * A bench marks what may be quoted with `<!-- bench:<block> -->` … `<!-- /bench:<block> -->` in
 * its bench/results-<name>.md; a page quotes it with the same markers, and this copies the
 * block's text in. So a quoted figure is typed by no one, and `quoted-figures.test.ts` fails when
 * a page differs from the results, quotes a block twice, or quotes results of different bench
 * runs (`bun run bench --write` stamps one run on all of them and then runs this).
 *
 *   bun bench/quoted-figures.ts           lists what is stale
 *   bun bench/quoted-figures.ts --write   rewrites the pages
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { benchRunOf } from "./results-file.ts";

const REPO = join(import.meta.dir, "..");

/** The pages that quote bench figures, from the repository root. */
export const QUOTING_PAGES = ["README.md", "docs/performance.md", "docs/simulation.md"];

/** A quotable block of a results file. */
export interface ResultsBlock {
  text: string;
  /** The results file it is in (bench/results-<name>.md). */
  file: string;
  /** The bench run stamped on that file. */
  run: string;
}

const BLOCK = /<!-- bench:([\w-]+) -->\n([\s\S]*?)\n?<!-- \/bench:\1 -->/g;

/** Every block of every tracked results file, by name. */
export function resultsBlocks(benchDir = import.meta.dir): Map<string, ResultsBlock> {
  const blocks = new Map<string, ResultsBlock>();
  for (const file of readdirSync(benchDir).filter((name) => /^results-[\w-]+\.md$/.test(name))) {
    const text = readFileSync(join(benchDir, file), "utf8");
    const run = benchRunOf(text);
    for (const [, name, body] of text.matchAll(BLOCK)) {
      if (blocks.has(name!)) throw new Error(`block ${name} is in both ${blocks.get(name!)!.file} and ${file}`);
      blocks.set(name!, { text: body!, file: `bench/${file}`, run });
    }
  }
  return blocks;
}

/** The names a page quotes, in order (a name twice means a figure quoted twice). */
export function quotedNames(page: string): string[] {
  return [...page.matchAll(BLOCK)].map((match) => match[1]!);
}

/** The page with every quoted block replaced by the results' text; throws on a block no bench writes. */
export function quote(page: string, blocks: ReadonlyMap<string, ResultsBlock>): string {
  return page.replace(BLOCK, (_whole, name: string) => {
    const block = blocks.get(name);
    if (!block) throw new Error(`a page quotes bench block "${name}", which no bench/results-*.md has`);
    return `<!-- bench:${name} -->\n${block.text}\n<!-- /bench:${name} -->`;
  });
}

if (import.meta.main) {
  const write = process.argv.includes("--write");
  const blocks = resultsBlocks();
  let stale = 0;
  for (const page of QUOTING_PAGES) {
    const path = join(REPO, page);
    const before = readFileSync(path, "utf8");
    const after = quote(before, blocks);
    if (after === before) continue;
    stale++;
    if (write) writeFileSync(path, after);
    console.log(
      `${page}: ${write ? "quoted figures brought up to date" : "quotes figures the results no longer have"}`,
    );
  }
  const quoted = QUOTING_PAGES.flatMap((page) => quotedNames(readFileSync(join(REPO, page), "utf8")));
  const runs = new Set(quoted.map((name) => blocks.get(name)?.run));
  console.log(`quoted bench runs: ${[...runs].join(", ") || "none"}`);
  process.exit(stale > 0 && !write ? 1 : 0);
}
