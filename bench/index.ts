#!/usr/bin/env bun
/**
 * `bun run bench [name ...] [--flags]`: runs bench/<name>.ts for each name (all of them when
 * none is given) one after another, passing the flags through. With `--write` each bench rewrites
 * its tracked bench/results-<name>.md and this collects them into bench/results.md; without it,
 * results go to bench/tmp/ and no tracked file changes.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeTracked } from "./results-file.ts";

const benchDir = import.meta.dir;
const available = readdirSync(benchDir)
  .filter(
    (file) =>
      file.endsWith(".ts") &&
      file !== "index.ts" &&
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

let failed = false;
for (const name of names.length > 0 ? names : available) {
  console.log(`\n=== bench ${name} ===`);
  const proc = Bun.spawn([process.execPath, join(benchDir, `${name}.ts`), ...flags], {
    stdout: "inherit",
    stderr: "inherit",
  });
  if ((await proc.exited) !== 0) failed = true;
}

if (!writeTracked) process.exit(failed ? 1 : 0);
function loadAverage(): string {
  try {
    return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  } catch {
    return "unknown";
  }
}

const sections = available
  .map((name) => join(benchDir, `results-${name}.md`))
  .filter((path) => existsSync(path))
  .map((path) => readFileSync(path, "utf8").trim());
writeFileSync(
  join(benchDir, "results.md"),
  `# Benchmark results\n\nWritten by \`bun run bench --write\`; each section by its own bench, on this machine ` +
    `(${navigator.hardwareConcurrency} cores, ` +
    `load average ${loadAverage()} when collected: a shared machine, so latencies and rates are ` +
    `noisy).\n\n${sections.join("\n\n")}\n`,
);
process.exit(failed ? 1 : 0);
