#!/usr/bin/env bun
/**
 * `bun run bench [name ...] [--flags]`: runs bench/<name>.ts for each name (all of them when
 * none is given) one after another, passing the flags through. With `--write` each bench rewrites
 * its tracked bench/results-<name>.md and this collects them into bench/results.md; without it,
 * results go to bench/tmp/ and no tracked file changes.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { benchRunOf, writeTracked } from "./results-file.ts";

const benchDir = import.meta.dir;
const available = readdirSync(benchDir)
  .filter(
    (file) =>
      file.endsWith(".ts") &&
      file !== "index.ts" &&
      file !== "quoted-figures.ts" &&
      !file.startsWith("baseline") &&
      !file.startsWith("results-") &&
      !file.endsWith(".test.ts"),
  )
  .map((file) => file.replace(/\.ts$/, ""))
  .sort();

// Bench names come first; everything from the first flag on is passed through (`--runs 3`).
const args = process.argv.slice(2);
const firstFlag = args.findIndex((arg) => arg.startsWith("-"));
const names = firstFlag < 0 ? args : args.slice(0, firstFlag);
const flags = firstFlag < 0 ? [] : args.slice(firstFlag);
const unknown = names.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  console.error(`unknown bench ${unknown.join(", ")}; available: ${available.join(", ")}`);
  process.exit(254);
}

// One stamp for every bench of this run, written at the top of each results file, so that a
// test can tell that the figures the docs quote come from one run.
const benchRun = new Date().toISOString();
let failed = false;
const tookSec: Record<string, number> = {};
for (const name of names.length > 0 ? names : available) {
  console.log(`\n=== bench ${name} ===`);
  const startedMs = performance.now();
  const proc = Bun.spawn([process.execPath, join(benchDir, `${name}.ts`), ...flags], {
    stdout: "inherit",
    stderr: "inherit",
    env: { ...process.env, BENCH_RUN: benchRun },
  });
  if ((await proc.exited) !== 0) failed = true;
  tookSec[name] = (performance.now() - startedMs) / 1000;
}

if (!writeTracked) process.exit(failed ? 1 : 0);
function loadAverage(): string {
  try {
    return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  } catch {
    return "unknown";
  }
}

// results.md is the index of the run, not a copy of its figures: each figure is in one file.
const index = available
  .filter((name) => existsSync(join(benchDir, `results-${name}.md`)))
  .map((name) => {
    const sec = tookSec[name];
    const took =
      sec === undefined ? "not run this time" : sec < 60 ? `${sec.toFixed(0)} s` : `${(sec / 60).toFixed(1)} min`;
    const run = benchRunOf(readFileSync(join(benchDir, `results-${name}.md`), "utf8"));
    return `| [${name}](results-${name}.md) | ${run} | ${took} |`;
  });
writeFileSync(
  join(benchDir, "results.md"),
  `# Benchmark results\n\nWritten by \`bun run bench${process.argv
    .slice(2)
    .map((a) => ` ${a}`)
    .join("")}\` ` +
    `(bench run ${benchRun}) on this machine: ${navigator.hardwareConcurrency} cores, Bun ${Bun.version}, ` +
    `load average ${loadAverage()} at the end (a shared machine, so latencies and rates are noisy).\n\n` +
    `| bench | its bench run | took |\n|---|---|---|\n${index.join("\n")}\n`,
);
// Copy the figures the README and docs quote from the results files just written.
const quoting = Bun.spawn([process.execPath, join(benchDir, "quoted-figures.ts"), "--write"], {
  stdout: "inherit",
  stderr: "inherit",
});
if ((await quoting.exited) !== 0) failed = true;
process.exit(failed ? 1 : 0);
