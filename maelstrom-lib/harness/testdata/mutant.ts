/**
 * Test helper: a node broken on purpose as a mutant of a solution, its main.ts with a few
 * lines changed, so the broken node follows the solution as it is instead of a copy of it.
 * Each edit names text that must occur exactly once in the file: when the solution changes
 * under it, the test that asks for the mutant fails, naming the edit. The mutant is written to
 * a temporary folder whose node_modules is the repository's, so its imports resolve as the
 * solution's do, and it runs as any --bin does, real or simulated.
 */
import { chmodSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";

/** One change: `find` (exactly once in the file) becomes `replace`. */
export interface Edit {
  find: string;
  replace: string;
}

/** A solution broken on purpose: its name, and the changes that break it. */
export interface Mutant {
  name: string;
  edits: readonly Edit[];
}

const REPO_ROOT = join(import.meta.dir, "../../..");

/** Writes `mutant` of the solution at `bin` (relative to the repository root); returns the mutant's absolute path. */
export function writeMutant(bin: string, mutant: Mutant): string {
  let source = readFileSync(join(REPO_ROOT, bin), "utf8");
  for (const edit of mutant.edits) {
    const count = source.split(edit.find).length - 1;
    if (count !== 1) {
      const where = `${count === 0 ? "not found" : `found ${count} times`} in ${bin}`;
      throw new Error(`mutant ${mutant.name}: the text to change is ${where}: ${JSON.stringify(edit.find)}`);
    }
    source = source.replace(edit.find, () => edit.replace);
  }
  const folder = mkdtempSync(join(tmpdir(), `mutant-${basename(dirname(bin))}-`));
  symlinkSync(join(REPO_ROOT, "node_modules"), join(folder, "node_modules"));
  const path = join(folder, `${mutant.name}.ts`);
  writeFileSync(path, source);
  chmodSync(path, 0o755);
  return path;
}
