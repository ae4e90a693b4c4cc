/**
 * The house rules on imports, held by a test rather than by discipline: the runtime a solution
 * imports never reaches into the runner, the runner's layers import only downwards, and the
 * building blocks stay below the solutions. Each rule names the file and the import that break it.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const PACKAGE_DIR = import.meta.dir;

/** The runner's layers, bottom first: a file may import its own layer and those before it. */
const HARNESS_LAYERS = [
  "primitives",
  "contracts",
  "world",
  "nemesis",
  "checkers",
  "workloads",
  "store",
  "run",
  "report",
  "cli",
] as const;

/** The runtime and the building blocks the solutions share: none of them may import the runner. */
const RUNTIME_FOLDERS = ["node", "links", "broadcast", "logs", "replication"] as const;

interface ImportEdge {
  from: string;
  to: string;
}

/** Every relative import of every source file (tests and testdata left out) under the package. */
function packageImports(): ImportEdge[] {
  const edges: ImportEdge[] = [];
  const files = new Bun.Glob("**/*.ts").scanSync({ cwd: PACKAGE_DIR });
  for (const file of files) {
    if (file.endsWith(".test.ts") || file.split("/").includes("testdata") || file.includes("node_modules")) continue;
    const text = readFileSync(join(PACKAGE_DIR, file), "utf8");
    for (const match of text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)) {
      const target = relative(PACKAGE_DIR, resolve(dirname(join(PACKAGE_DIR, file)), match[1] ?? ""));
      edges.push({ from: file, to: target });
    }
  }
  return edges;
}

/** The harness layer a package path belongs to, or undefined outside the layer folders. */
function harnessLayer(path: string): number | undefined {
  const [top, folder] = path.split("/");
  if (top !== "harness" || folder === undefined) return undefined;
  const index = HARNESS_LAYERS.indexOf(folder as (typeof HARNESS_LAYERS)[number]);
  return index === -1 ? undefined : index;
}

const edges = packageImports();

describe("import boundaries", () => {
  test("the scan sees the package (a broken scan would pass every rule)", () => {
    expect(edges.length).toBeGreaterThan(200);
    expect(edges.some((edge) => edge.from.startsWith("harness/run/"))).toBe(true);
  });

  test("the runtime and the shared building blocks never import the runner", () => {
    const offending = edges.filter(
      (edge) => RUNTIME_FOLDERS.some((folder) => edge.from.startsWith(`${folder}/`)) && edge.to.startsWith("harness/"),
    );
    expect(offending).toEqual([]);
  });

  test("every harness folder imports only its own layer and the layers below it", () => {
    const upward = edges.filter((edge) => {
      const from = harnessLayer(edge.from);
      const to = harnessLayer(edge.to);
      return from !== undefined && to !== undefined && to > from;
    });
    expect(upward.map((edge) => `${edge.from} -> ${edge.to}`)).toEqual([]);
  });

  test("checkers are pure: none touches the file system (they hand files back for the store to write)", () => {
    const touching: string[] = [];
    for (const file of new Bun.Glob("harness/checkers/**/*.ts").scanSync({ cwd: PACKAGE_DIR })) {
      if (file.endsWith(".test.ts") || file.split("/").includes("testdata")) continue;
      const text = readFileSync(join(PACKAGE_DIR, file), "utf8");
      if (/from "(node:)?fs(\/promises)?"|Bun\.(write|file)\(/.test(text)) touching.push(file);
    }
    expect(touching).toEqual([]);
  });

  test("no layer folder imports the package's API module (harness/index.ts sits on top)", () => {
    const offending = edges.filter((edge) => harnessLayer(edge.from) !== undefined && edge.to === "harness/index.ts");
    expect(offending.map((edge) => `${edge.from} -> ${edge.to}`)).toEqual([]);
  });
});
