#!/usr/bin/env bun
/**
 * `bun run bench checkers`: every workload checker on a recorded history of a 20 s run at
 * rate 1000 (target: at most 3 s of CPU each). The histories are recorded by this bench into
 * bench/tmp/ (ignored by git) and reused while they exist; `--record` records them again.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadWorkload, runMaelstrom } from "../maelstrom-lib/harness/index.ts";
import type { TestOptions } from "../maelstrom-lib/harness/contracts/options.ts";
import type { Op } from "../maelstrom-lib/harness/contracts/types.ts";
import { readmeBlock, writeBenchResults } from "./results-file.ts";
import { RUN_FILES } from "../maelstrom-lib/harness/contracts/run-files.ts";

const repo = join(import.meta.dir, "..");
const storeDir = join(import.meta.dir, "tmp", "checker-histories");
const rerecord = process.argv.includes("--record");
const CPU_TARGET_SEC = 3;

interface Recording {
  workload: string;
  bin: string;
  args: string[];
}

const recordings: Recording[] = [
  { workload: "echo", bin: "01-echo/main.ts", args: ["--node-count", "3"] },
  { workload: "unique-ids", bin: "02-unique-id-generation/main.ts", args: ["--node-count", "3"] },
  { workload: "broadcast", bin: "3b-multi-node-broadcast/main.ts", args: ["--node-count", "5"] },
  { workload: "g-counter", bin: "4-grow-only-counter/main.ts", args: ["--node-count", "3"] },
  {
    workload: "kafka",
    bin: "5a-single-node-kafka-style-log/main.ts",
    args: ["--node-count", "1", "--concurrency", "2n"],
  },
  {
    workload: "txn-rw-register",
    bin: "6a-single-node-totally-available-transactions/main.ts",
    args: ["--node-count", "1", "--concurrency", "2n", "--consistency-models", "read-committed"],
  },
  {
    workload: "lin-kv",
    bin: "maelstrom-lib/harness/workloads/testdata/lin-kv-proxy.ts",
    args: ["--node-count", "3", "--concurrency", "2n"],
  },
  { workload: "g-set", bin: "maelstrom-lib/harness/testdata/g-set-crdt.ts", args: ["--node-count", "3"] },
  { workload: "pn-counter", bin: "maelstrom-lib/harness/testdata/pn-counter-crdt.ts", args: ["--node-count", "3"] },
  {
    workload: "txn-list-append",
    bin: "maelstrom-lib/harness/testdata/list-append-single.ts",
    args: ["--node-count", "1", "--concurrency", "10"],
  },
];

const rows: string[] = [];
for (const recording of recordings) {
  if (!existsSync(join(repo, recording.bin))) continue;
  const runDir = await recordedRun(recording);
  if (!runDir) {
    rows.push(`| ${recording.workload} | recording failed | | | |`);
    continue;
  }
  const history = readFileSync(join(runDir, RUN_FILES.history), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Op);
  const opts = JSON.parse(readFileSync(join(runDir, RUN_FILES.testOptions), "utf8")) as TestOptions;
  const workload = await loadWorkload(recording.workload);
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const result = workload.check(history, { opts });
  const cpuSec = (() => {
    const used = process.cpuUsage(cpuBefore);
    return (used.user + used.system) / 1e6;
  })();
  const wallSec = (performance.now() - wallBefore) / 1000;
  rows.push(
    `| ${recording.workload} | ${history.length} | ${String(result["valid?"])} | ${cpuSec.toFixed(2)} ` +
      `/ ${wallSec.toFixed(2)} | ${cpuSec <= CPU_TARGET_SEC ? "yes" : "**no**"} |`,
  );
}

/** The newest recorded run of this workload, recording one if there is none (or --record). */
async function recordedRun(recording: Recording): Promise<string | undefined> {
  const latest = join(storeDir, recording.workload, "latest");
  if (!rerecord && existsSync(join(latest, RUN_FILES.history))) return latest;
  console.log(`recording ${recording.workload} (20 s at rate 1000) ...`);
  const run = await runMaelstrom(
    [
      "test",
      "-w",
      recording.workload,
      "--bin",
      recording.bin,
      ...recording.args,
      "--time-limit",
      "20",
      "--rate",
      "1000",
      "--store",
      storeDir,
      "--no-progress",
    ],
    { cwd: repo },
  );
  return run.runDir;
}

const table = [
  `## Checkers (\`bun run bench checkers\`: 20 s runs at rate 1000, ${navigator.hardwareConcurrency} cores)`,
  "",
  readmeBlock(
    "checkers",
    [
      `| workload | history ops | valid? | checker CPU / wall (s) | ≤ ${CPU_TARGET_SEC} s CPU |`,
      "|---|---|---|---|---|",
      ...rows,
    ].join("\n"),
  ),
].join("\n");
console.log(`\n${table}`);
writeBenchResults("checkers", table);
