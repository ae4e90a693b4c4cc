#!/usr/bin/env bun
/**
 * `bun run build [folder ...]`: compiles each challenge folder's main.ts (folders at the repo
 * root whose name starts with a digit) into a native binary `dist/<folder>` with
 * `bun build --compile`. With folder names, builds only those. Exits 1 if any build fails.
 * Each binary carries the whole Bun runtime (about 100 MB), so it says what it writes: each
 * file's size as it goes and the total at the end.
 */
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const REPO_ROOT = join(import.meta.dir, "..");
const DIST_DIR = join(REPO_ROOT, "dist");
const CHALLENGE_FOLDER = /^\d/;

/** Every challenge folder with a main.ts, sorted. */
export function challengeFolders(root: string = REPO_ROOT): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter(
      (entry) =>
        entry.isDirectory() && CHALLENGE_FOLDER.test(entry.name) && existsSync(join(root, entry.name, "main.ts")),
    )
    .map((entry) => entry.name)
    .sort();
}

/** Compiles one folder's main.ts to dist/<folder>; returns bun build's exit code. */
export async function buildFolder(folder: string): Promise<number> {
  mkdirSync(DIST_DIR, { recursive: true });
  const build = Bun.spawn(
    ["bun", "build", "--compile", "--minify", join(REPO_ROOT, folder, "main.ts"), "--outfile", join(DIST_DIR, folder)],
    { cwd: REPO_ROOT, stdout: "pipe", stderr: "pipe" },
  );
  const [exitCode, stderr] = await Promise.all([build.exited, new Response(build.stderr).text()]);
  if (exitCode !== 0) console.error(`build of ${folder} failed (exit ${exitCode}):\n${stderr}`);
  return exitCode;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(0)} MB`;
}

if (import.meta.main) {
  const requested = process.argv.slice(2).map((folder) => folder.replace(/\/+$/, ""));
  const all = challengeFolders();
  const unknown = requested.filter((folder) => !all.includes(folder));
  if (unknown.length > 0) {
    console.error(`not a challenge folder with main.ts: ${unknown.join(", ")}\nchoose from: ${all.join(", ")}`);
    process.exit(1);
  }
  const folders = requested.length > 0 ? requested : all;
  console.log(`compiling ${folders.length} folder(s) into dist/: each binary holds Bun's runtime, about 100 MB`);
  let failures = 0;
  let totalBytes = 0;
  for (const folder of folders) {
    const startedMs = performance.now();
    const exitCode = await buildFolder(folder);
    if (exitCode !== 0) {
      failures++;
      continue;
    }
    const bytes = statSync(join(DIST_DIR, folder)).size;
    totalBytes += bytes;
    console.log(`dist/${folder}  ${megabytes(bytes)}  (${Math.round(performance.now() - startedMs)} ms)`);
  }
  const built = folders.length - failures;
  console.log(
    `wrote ${built} ${built === 1 ? "binary" : "binaries"}, ${megabytes(totalBytes)} in all, to ${DIST_DIR} (rm -r ` +
      `dist to free it)`,
  );
  process.exit(failures === 0 ? 0 : 1);
}
