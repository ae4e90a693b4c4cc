#!/usr/bin/env bun
/**
 * `bun run bench runner`: how well the runner keeps time and rate under load.
 * Each scenario is a real run; the figures come from results.json's `runner` section:
 * delivery lateness against schedule (p50/p99/max), the runner's CPU seconds, achieved versus
 * requested rate with what made ops late (late wake-ups, as under Jepsen's stagger, or waiting for
 * a free worker), and the memory of the runner and of all nodes.
 *   --quick   shorter runs (5 s instead of 20 s)
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { runMaelstrom } from "../maelstrom-lib/harness/index.ts";
import type { RunnerHealth } from "../maelstrom-lib/harness/contracts/results.ts";
import { readmeBlock, writeBenchResults } from "./results-file.ts";

const repo = join(import.meta.dir, "..");
const quick = process.argv.includes("--quick");
const timeLimit = quick ? "5" : "20";

interface Scenario {
  name: string;
  args: string[];
  target: string;
  /** Which figure the target is about. */
  judge: (runner: RunnerHealth) => boolean;
}

/**
 * Under Jepsen's stagger the achieved rate falls short of --rate by the wake-up lateness, as in
 * Maelstrom; what the runner must manage is to keep ops from waiting for a worker.
 */
const WORKERS_FED = "ops wait for a worker ≤ 10% of the run";
const workersFed = (r: RunnerHealth) =>
  (r["late-ms"]?.["waiting-for-worker"] ?? Infinity) <= 0.1 * Number(timeLimit) * 1000;

const kafkaBin = ["5c-efficient-kafka-style-log", "5a-single-node-kafka-style-log"]
  .map((folder) => `${folder}/main.ts`)
  .find((bin) => existsSync(join(repo, bin)));

const scenarios: Scenario[] = [
  {
    name: "broadcast flood, 25 nodes, rate 100, latency 100",
    args: [
      "-w",
      "broadcast",
      "--bin",
      "bench/nodes/flood-broadcast.ts",
      "--node-count",
      "25",
      "--rate",
      "100",
      "--latency",
      "100",
    ],
    target: "lateness p99 ≤ 5 ms",
    judge: (r) => r["lateness-ms"].p99 <= 5,
  },
  {
    name: "echo, 1 node, rate 100",
    args: ["-w", "echo", "--bin", "01-echo/main.ts", "--node-count", "1", "--rate", "100"],
    // Real Maelstrom's range on Linux hosts, where the JVM parks as precisely as this runner
    // (docs/fidelity.md, "The op rate"; macOS hosts stretch every park and reach 82–88 %).
    target: "achieved 96–100% of rate (Maelstrom on Linux: 96–100%)",
    judge: (r) => r["achieved-rate"] >= 0.96 * r["requested-rate"] && r["achieved-rate"] <= r["requested-rate"],
  },
  {
    name: "echo, 3 nodes, rate 1000",
    args: ["-w", "echo", "--bin", "01-echo/main.ts", "--node-count", "3", "--rate", "1000"],
    target: WORKERS_FED,
    judge: workersFed,
  },
  ...(kafkaBin
    ? [
        {
          name: `kafka (${kafkaBin.split("/")[0]}), 2 nodes, 2n, rate 1000`,
          args: [
            "-w",
            "kafka",
            "--bin",
            kafkaBin,
            "--node-count",
            kafkaBin.startsWith("5a") ? "1" : "2",
            "--concurrency",
            "2n",
            "--rate",
            "1000",
          ],
          target: WORKERS_FED,
          judge: workersFed,
        },
      ]
    : []),
  {
    name: "broadcast flood, 100 nodes, rate 100, latency 100",
    args: [
      "-w",
      "broadcast",
      "--bin",
      "bench/nodes/flood-broadcast.ts",
      "--node-count",
      "100",
      "--rate",
      "100",
      "--latency",
      "100",
      "--topology",
      "tree4",
    ],
    target: "lateness p99 ≤ 10 ms",
    judge: (r) => r["lateness-ms"].p99 <= 10,
  },
];

const rows: string[] = [];
for (const scenario of scenarios) {
  console.log(`running: ${scenario.name} ...`);
  const run = await runMaelstrom(
    ["test", ...scenario.args, "--time-limit", timeLimit, "--store", "bench/tmp/store", "--no-progress"],
    { cwd: repo },
  );
  const runner = run.results?.runner;
  if (!runner) {
    rows.push(`| ${scenario.name} | run failed (exit ${run.exitCode}) | | | | | | | ${scenario.target} | no |`);
    continue;
  }
  const lateness = runner["lateness-ms"];
  rows.push(
    `| ${scenario.name} | ${String(run.results!["valid?"])} | ${lateness.p50.toFixed(2)} ` +
      `/ ${lateness.p99.toFixed(2)} / ${lateness.max.toFixed(1)} | ` +
      `${lateness.deliveries} | ${runner["cpu-seconds"].toFixed(1)} | ${runner["achieved-rate"].toFixed(0)} ` +
      `/ ${runner["requested-rate"]} | ${lateSeconds(runner)} | ` +
      `${runner["peak-rss-mb"].toFixed(0)} / ${runner["nodes-rss-mb"]?.toFixed(0) ?? "-"} | ${scenario.target} ` +
      `| ${scenario.judge(runner) ? "yes" : "**no**"} |`,
  );
}

function lateSeconds(runner: RunnerHealth): string {
  const late = runner["late-ms"];
  return late ? `${(late["wake-up"] / 1000).toFixed(1)} / ${(late["waiting-for-worker"] / 1000).toFixed(1)}` : "-";
}

const load = (
  await Bun.file("/proc/loadavg")
    .text()
    .catch(() => "?")
)
  .split(" ")
  .slice(0, 3)
  .join(" ");
const table = [
  `## Runner (\`bun run bench runner${quick ? " --quick" : ""}\`, time limit ${timeLimit} ` +
    `s, ${navigator.hardwareConcurrency} cores, load average before the last run ${load})`,
  "",
  readmeBlock(
    "runner",
    [
      "| scenario | valid? | lateness p50 / p99 / max (ms) | deliveries | runner CPU (s) | achieved / requested " +
        "rate | ops late: wake-up / waiting for a worker (s) | runner / nodes RSS (MB) | target | met |",
      "|---|---|---|---|---|---|---|---|---|---|",
      ...rows,
    ].join("\n"),
  ),
].join("\n");
console.log(`\n${table}`);
writeBenchResults("runner", table);
