#!/usr/bin/env bun
/**
 * `bun run bench memory`: the runner's own memory while nodes flood the network. Each scenario
 * runs the real CLI in a child process and reads that process's peak RSS when it exits (run,
 * checks, run folder and report), so the figure is the runner's alone, nodes excluded. Each
 * scenario runs at two time limits: a runner whose memory is bounded peaks at about the same
 * RSS however many journal events the run had; one that keeps what the nodes send does not.
 *   --quick   time limits of 3 s and 6 s instead of 5 s and 10 s
 */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { RUN_FILES } from "../maelstrom-lib/harness/contracts/run-files.ts";
import type { RunResults } from "../maelstrom-lib/harness/contracts/results.ts";
import { readmeBlock, writeBenchResults } from "./results-file.ts";

const repo = join(import.meta.dir, "..");
const quick = process.argv.includes("--quick");
const timeLimitsSec = quick ? [3, 6] : [5, 10];
const store = join(repo, "bench/tmp/store");

interface Scenario {
  name: string;
  args: string[];
}

const scenarios: Scenario[] = [
  {
    name: "2 nodes flooding each other nonstop (bench/nodes/flood-nonstop.ts)",
    args: ["-w", "broadcast", "--bin", "bench/nodes/flood-nonstop.ts", "--node-count", "2", "--rate", "10"],
  },
  {
    name: "broadcast flood, 25 nodes, rate 100 (bench/nodes/flood-broadcast.ts)",
    args: ["-w", "broadcast", "--bin", "bench/nodes/flood-broadcast.ts", "--node-count", "25", "--rate", "100"].concat(
      "--latency",
      "100",
    ),
  },
];

interface Measured {
  wallSec: number;
  peakRssMb: number;
  journalEvents: number | undefined;
  journalMb: number | undefined;
  exitCode: number;
}

/** One run of the CLI in a child process; its peak RSS from the kernel's rusage at exit. */
async function measure(args: string[], timeLimitSec: number): Promise<Measured> {
  const startedMs = performance.now();
  const argv = ["test", ...args, "--time-limit", String(timeLimitSec), "--store", store, "--no-progress"];
  const proc = Bun.spawn([process.execPath, "maelstrom-lib/harness/cli/main.ts", ...argv], {
    cwd: repo,
    stdout: "pipe",
    stderr: "inherit",
  });
  const stdout = await new Response(proc.stdout).text();
  const exitCode = await proc.exited;
  const wallSec = (performance.now() - startedMs) / 1000;
  const peakRssMb = (proc.resourceUsage()?.maxRSS ?? 0) / 2 ** 20; // Bun gives bytes
  const runDir = /Run folder: (.*)/.exec(stdout)?.[1];
  if (!runDir) return { wallSec, peakRssMb, journalEvents: undefined, journalMb: undefined, exitCode };
  const results = JSON.parse(readFileSync(join(runDir, RUN_FILES.results), "utf8")) as RunResults;
  const all = results.net?.all;
  return {
    wallSec,
    peakRssMb,
    journalEvents: all ? all["send-count"] + all["recv-count"] : undefined,
    journalMb: statSync(join(runDir, RUN_FILES.journal)).size / 1e6,
    exitCode,
  };
}

const rows: string[] = [];
for (const scenario of scenarios) {
  for (const timeLimitSec of timeLimitsSec) {
    console.log(`running: ${scenario.name}, ${timeLimitSec} s ...`);
    const run = await measure(scenario.args, timeLimitSec);
    const cells = [scenario.name, timeLimitSec, run.exitCode, run.wallSec.toFixed(1), run.journalEvents ?? "-"];
    cells.push(run.journalMb?.toFixed(0) ?? "-", run.peakRssMb.toFixed(0));
    rows.push(`| ${cells.join(" | ")} |`);
  }
}

const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
const command = `bun run bench memory${quick ? " --quick" : ""}`;
const machine = `${navigator.hardwareConcurrency} cores, load average after ${load}`;
const table = [
  `## Runner memory under flooding nodes (\`${command}\`, ${machine})`,
  "",
  readmeBlock(
    "memory",
    [
      "| scenario | time limit (s) | exit | wall (s) | journal events | journal on disk (MB) | runner peak RSS (MB) |",
      "|---|---|---|---|---|---|---|",
      ...rows,
    ].join("\n"),
  ),
].join("\n");
console.log(`\n${table}`);
writeBenchResults("memory", table);
