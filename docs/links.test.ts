/**
 * Every relative link in the project's Markdown (README, docs/, the package's README) points at
 * a file that exists, and every `#anchor` at a heading that exists (GitHub's heading slugs).
 */
import { expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";

const REPO_ROOT = join(import.meta.dir, "..");

/** The repository's Markdown files, as git lists them. */
function markdownFiles(): string[] {
  const listed = Bun.spawnSync(["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.md"], {
    cwd: REPO_ROOT,
  });
  return listed.stdout
    .toString()
    .split("\n")
    .filter((file) => file.length > 0 && existsSync(join(REPO_ROOT, file)));
}

/** The text outside fenced code blocks and inline code, where a link is a link. */
function proseOf(markdown: string): string {
  return markdown.replace(/^```.*?^```/gms, "").replace(/``.*?``|`[^`\n]*`/g, "");
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as dashes. */
function slugOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, "")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/[^\p{L}\p{N}_\- ]/gu, "")
    .replace(/ /g, "-");
}

/** Every anchor a Markdown file offers, a repeated heading numbered as GitHub numbers it. */
function anchorsOf(path: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of readFileSync(path, "utf8")
    .replace(/^```.*?^```/gms, "")
    .split("\n")) {
    const heading = /^#{1,6}\s+(.*)$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const slug = slugOf(heading);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** What is wrong with one relative link, or undefined when it resolves. */
function brokenLink(file: string, target: string): string | undefined {
  const [path = "", anchor] = target.split("#");
  const full = path ? normalize(join(REPO_ROOT, dirname(file), path)) : join(REPO_ROOT, file);
  if (!existsSync(full)) return `${file}: no file for ${target}`;
  if (anchor === undefined) return undefined;
  if (!full.endsWith(".md")) return `${file}: anchor on a file that is not Markdown: ${target}`;
  return anchorsOf(full).has(anchor) ? undefined : `${file}: no heading for ${target}`;
}

test("every relative link and anchor in the Markdown resolves", () => {
  const files = markdownFiles();
  expect(files).toContain("README.md");
  const broken: string[] = [];
  let checked = 0;
  for (const file of files) {
    for (const match of proseOf(readFileSync(join(REPO_ROOT, file), "utf8")).matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)) {
      const target = match[1] ?? "";
      if (/^[a-z]+:/.test(target)) continue;
      checked++;
      const problem = brokenLink(file, target);
      if (problem) broken.push(problem);
    }
  }
  expect(checked).toBeGreaterThan(20);
  expect(broken).toEqual([]);
});

test("the checker itself catches a missing file and a missing anchor", () => {
  expect(brokenLink("README.md", "docs/no-such-page.md")).toContain("no file");
  expect(brokenLink("README.md", "docs/runner.md#no-such-heading")).toContain("no heading");
  expect(brokenLink("README.md", "docs/runner.md")).toBeUndefined();
});
