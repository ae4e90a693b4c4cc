#!/usr/bin/env bun
/**
 * The deterministic simulation's bench (`bun run bench sim`), beside the real runner:
 *
 * 1. speed: each challenge's published command under --sim (targets: 3d ≤ 1 s, every one
 *    ≤ 3 s), simulated messages per second, and the real runner's wall time beside it;
 * 2. the same figures: sim vs real verdict, msgs-per-op (within 10 %) and latency quantiles
 *    (within 20 % where network latency dominates);
 * 3. 1,000 seeds of 3c with partitions (target ≤ 3 minutes) and a 1,000-node 3b run's peak
 *    memory (target ≤ 4 GB);
 * 4. bugs found per minute: nodes with rare bugs, the wall time to the first failing run with
 *    the real runner run after run and with the sim's seed search, and the shrunk reproduction.
 *
 * The real runner's side is measured only with `--real` (else its cells say "not measured").
 * The summary the docs quote sits between `<!-- bench:sim -->` markers.
 * Flags: --real, --seeds=N (3c seeds, 1000), --hunt-seeds=N (sim hunt bound, 200),
 * --real-runs=N and --real-minutes=M (real hunt bounds, 8 runs / 5 min; 0 runs skips it),
 * --rate-seeds=N (seeds over which each bug's simulated failure rate is measured, 100),
 * --no-big (skip the 1,000-node run), --write (the tracked results file).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHALLENGES } from "../tools/challenge.ts";
import { readmeBlock, span, writeBenchResults } from "./results-file.ts";
import { huntSection, type HuntBounds, type HuntFigures } from "./sim/hunts.ts";
import { cliRun, figuresOf, intFlag, type Figures, median, cell } from "./sim/runs.ts";

/** One published command measured. */
interface CommandRow {
  label: string;
  command: string;
  /** Its network latency dominates its client latencies: --latency of 50 ms or more, no nemesis. */
  networkBound: boolean;
  simWallSec: number;
  simMaxRssMb: number;
  messages: number;
  events: number;
  runWallSec: number;
  sim: Figures;
  real: Figures & { wallSec?: number; source: string };
}

/** A --latency from which the network, not the host, makes the client latencies. */
const NETWORK_BOUND_LATENCY_MS = 50;

/** --latency of NETWORK_BOUND_LATENCY_MS or more and no nemesis (a partition's heal would dominate). */
function networkBound(flags: readonly string[]): boolean {
  const latency = Number(flags[flags.indexOf("--latency") + 1] ?? 0);
  return flags.includes("--latency") && latency >= NETWORK_BOUND_LATENCY_MS && !flags.includes("--nemesis");
}

/** Runs every published command under --sim (and, with --real, for real). */
async function publishedCommands(store: string, real: boolean): Promise<CommandRow[]> {
  const rows: CommandRow[] = [];
  for (const challenge of CHALLENGES) {
    for (const { label, flags } of challenge.commands) {
      const args = ["--bin", join(challenge.folder, "main.ts"), ...flags, "--seed", "1"];
      const sim = await cliRun([...args, "--sim"], store);
      const runner = sim.results?.runner as Record<string, number> | undefined;
      const realRow = real ? await measureReal(args, store) : notMeasured();
      rows.push({
        label,
        command: `bun run maelstrom test --sim ${args.join(" ")}`,
        networkBound: networkBound(flags),
        simWallSec: sim.wallSec,
        simMaxRssMb: sim.maxRssMb,
        messages: Number((sim.results?.net as { all?: { "msg-count"?: number } })?.all?.["msg-count"] ?? 0),
        events: Number(runner?.["sim-events"] ?? 0),
        runWallSec: Number(runner?.["wall-seconds"] ?? 0),
        sim: await figuresOf(sim),
        real: realRow,
      });
      console.log(`${label}: sim ${sim.wallSec.toFixed(2)} s, ${rows.at(-1)!.sim.verdict}; real ${realRow.verdict}`);
    }
  }
  return rows;
}

async function measureReal(args: string[], store: string): Promise<CommandRow["real"]> {
  const run = await cliRun(args, store);
  return { ...(await figuresOf(run)), wallSec: run.wallSec, source: "measured now" };
}

/** Without --real the real side is left empty: a figure is measured in this run or not shown. */
function notMeasured(): CommandRow["real"] {
  return { verdict: "—", source: "not measured (add --real)" };
}

/** ✓ or ✗ for a sim figure against the real one, within `fraction` of the real one. */
function within(sim: number | undefined, real: number | undefined, fraction: number): string {
  if (sim === undefined || real === undefined) return "—";
  const ok = Math.abs(sim - real) <= fraction * Math.max(Math.abs(real), 1e-9) || (sim === 0 && real === 0);
  return ok ? "✓" : "✗";
}

/** A markdown table row. */
const tableRow = (cells: readonly (string | number)[]): string => `| ${cells.join(" | ")} |`;

/** A markdown table: header, rule, rows. */
function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string[] {
  return [tableRow(header), tableRow(header.map(() => "---")), ...rows.map(tableRow)];
}

/** Messages per second of the run itself (its wall time, not the whole command's). */
function simulatedMsgsPerSec(row: CommandRow): number {
  return row.runWallSec > 0 ? row.messages / row.runWallSec : 0;
}

function speedTable(rows: readonly CommandRow[]): string[] {
  const header = ["challenge", "sim wall s", "target", "run s (virtual 20-30 s)", "events", "messages"];
  header.push("simulated msgs/s", "peak RSS MB", "real wall s");
  return table(
    header,
    rows.map((row) => {
      const target = row.label === "3d" ? 1 : 3;
      const met = row.simWallSec <= target ? "✓" : "✗";
      const rate = Math.round(simulatedMsgsPerSec(row));
      const wall = row.simWallSec.toFixed(2);
      const peak = row.simMaxRssMb.toFixed(0);
      const real = cell(row.real.wallSec, 1);
      return [
        row.label,
        wall,
        `≤ ${target} ${met}`,
        row.runWallSec.toFixed(2),
        row.events,
        row.messages,
        rate,
        peak,
        real,
      ];
    }),
  );
}

function figuresTable(rows: readonly CommandRow[]): string[] {
  const header = ["challenge", "verdict sim / real", "msgs-per-op sim / real", "within 10 %", "ops/s sim / real"];
  header.push("servers msgs/s sim / real", "within 10 %", "latency p50 sim / real ms", "high sim / real ms");
  header.push("within 20 %", "real from");
  const pair = (sim: number | undefined, real: number | undefined, digits: number) =>
    `${cell(sim, digits)} / ${cell(real, digits)}`;
  return table(
    header,
    rows.map(({ label, sim, real, networkBound }) => {
      const high = `${pair(sim.highMs, real.highMs, 1)} (${sim.highLabel ?? real.highLabel ?? "—"})`;
      const latency = networkBound
        ? [within(sim.p50Ms, real.p50Ms, 0.2), within(sim.highMs, real.highMs, 0.2)].join(" ")
        : "n/a";
      const msgs = within(sim.msgsPerOp, real.msgsPerOp, 0.1);
      const [simRate, realRate] = [msgsPerSec(sim), msgsPerSec(real)];
      const verdicts = `${sim.verdict} / ${real.verdict}`;
      const rates = pair(sim.opsPerSec, real.opsPerSec, 0);
      const perSec = [pair(simRate, realRate, 1), within(simRate, realRate, 0.1)];
      const p50 = pair(sim.p50Ms, real.p50Ms, 1);
      return [
        label,
        verdicts,
        pair(sim.msgsPerOp, real.msgsPerOp, 2),
        msgs,
        rates,
        ...perSec,
        p50,
        high,
        latency,
        real.source,
      ];
    }),
  );
}

/** Servers' messages per second of the main phase, about: msgs-per-op times the ops per second. */
function msgsPerSec(figures: Figures): number | undefined {
  if (figures.msgsPerOp === undefined || figures.opsPerSec === undefined) return undefined;
  return figures.msgsPerOp * figures.opsPerSec;
}

/** 1,000 seeds of 3c with partitions, as one seed search. */
async function seedSweep(store: string, seeds: number): Promise<Measured> {
  const flags = CHALLENGES.find((c) => c.commands[0]!.label === "3c")!.commands[0]!.flags;
  const args = [
    "--bin",
    "3c-fault-tolerant-broadcast/main.ts",
    ...flags,
    "--sim",
    "--seed",
    "1",
    "--test-count",
    String(seeds),
  ];
  console.log(`3c: ${seeds} seeds …`);
  const run = await cliRun(args, store);
  const summary = run.output.find((line) => / seeds in \d/.test(line)) ?? "(no summary line)";
  const met = seeds >= 1000 ? (run.wallSec <= 180 ? "✓" : "✗") : "(fewer seeds than the target's 1,000)";
  const lines = [
    `\`bun run maelstrom test ${args.join(" ")}\`: **${run.wallSec.toFixed(1)} s** of wall time ` +
      `(target ≤ 180 s ${met}), ${((run.wallSec / seeds) * 1000).toFixed(0)} ms per seed, exit ${run.exitCode}; ` +
      `its summary: "${summary.trim()}".`,
  ];
  return { lines, wallSec: run.wallSec, count: seeds };
}

/** The 1,000-node 3b run: peak memory of the whole command. */
async function bigRun(store: string): Promise<Measured> {
  const args = [
    "--bin",
    "3b-multi-node-broadcast/main.ts",
    "-w",
    "broadcast",
    "--node-count",
    "1000",
    "--time-limit",
    "20",
  ];
  const full = [...args, "--rate", "100", "--sim", "--seed", "1"];
  console.log("3b: 1,000 nodes …");
  const run = await cliRun(full, store);
  const figures = await figuresOf(run);
  const messages = Number((run.results?.net as { all?: { "msg-count"?: number } })?.all?.["msg-count"] ?? 0);
  const met = run.maxRssMb <= 4096 ? "✓" : "✗";
  const lines = [
    `\`bun run maelstrom test ${full.join(" ")}\`: ` +
      `peak RSS **${(run.maxRssMb / 1024).toFixed(2)} GB** (target ≤ 4 GB ${met}; ` +
      `100 real node processes took 3.7 GB), ${run.wallSec.toFixed(1)} s of wall time, ${messages} messages, ` +
      `verdict ${figures.verdict}.`,
  ];
  return { lines, wallSec: run.wallSec, peakMb: run.maxRssMb };
}

async function main(argv: readonly string[]): Promise<void> {
  const real = argv.includes("--real");
  const bounds: HuntBounds = {
    huntSeeds: intFlag(argv, "--hunt-seeds", 200),
    realRuns: intFlag(argv, "--real-runs", 8),
    realMinutes: intFlag(argv, "--real-minutes", 5),
    rateSeeds: intFlag(argv, "--rate-seeds", 100),
  };
  const store = mkdtempSync(join(tmpdir(), "bench-sim-"));
  try {
    const rows = await publishedCommands(store, real);
    const sweep = await seedSweep(store, intFlag(argv, "--seeds", 1000));
    const big = argv.includes("--no-big") ? { lines: ["(skipped: --no-big)"] } : await bigRun(store);
    const hunts = await huntSection(store, bounds);
    writeBenchResults("sim", markdown(rows, sweep, big, hunts, real));
  } finally {
    rmSync(store, { recursive: true, force: true });
  }
}

/** A section's lines, with the figures the summary quotes. */
interface Measured {
  lines: string[];
  wallSec?: number;
  count?: number;
  peakMb?: number;
}

/** "low to high" of some figures, or one figure when they agree; a dash when there are none. */
const spanOf = (values: readonly number[], digits: number, unit = ""): string =>
  span(values, digits, { separator: " to ", unit }) ?? "—";

/** Seconds for a table cell ("1.2 s"), or a dash. */
const seconds = (value: number | undefined, digits: number): string =>
  value === undefined ? "—" : `${value.toFixed(digits)} s`;

/** The summary docs/simulation.md and the README quote (copied there by `bun run bench --write`). */
function summaryTable(rows: CommandRow[], sweep: Measured, big: Measured, hunts: HuntFigures): string {
  const d3 = rows.find((row) => row.label === "3d");
  const realWalls = rows.flatMap((row) => (row.real.wallSec === undefined ? [] : [row.real.wallSec]));
  const rates = rows.filter((row) => row.runWallSec > 0).map(simulatedMsgsPerSec);
  const busiest = [...rows].sort((a, b) => b.messages - a.messages)[0];
  const seedMs = sweep.wallSec !== undefined && sweep.count ? (sweep.wallSec / sweep.count) * 1000 : undefined;
  const { sim, real, speedUp } = hunts.firstFailureSec;
  const bigRunText =
    big.peakMb === undefined ? "not run" : `${(big.peakMb / 1024).toFixed(1)} GB peak, ${seconds(big.wallSec, 0)}`;
  const lines = [
    "| measure | target | simulation | real runner |",
    "|---|---|---|---|",
    `| 3d's published command (25 nodes, 20 s, rate 100, latency 100) | ≤ 1 s | ${seconds(d3?.simWallSec, 2)} ` +
      `| ${seconds(d3?.real.wallSec, 1)} |`,
    `| every published command (${rows.length} of them) | ≤ 3 s each ` +
      `| ${spanOf(
        rows.map((row) => row.simWallSec),
        2,
        " s",
      )} (median ${median(rows.map((r) => r.simWallSec)).toFixed(2)} s) ` +
      `| ${spanOf(realWalls, 0, " s")} |`,
    `| ${sweep.count ?? "—"} seeds of 3c with partitions | ≤ 3 min | ${seconds(sweep.wallSec, 1)} ` +
      `(${cell(seedMs, 0)} ms a seed) | — |`,
    `| a 1,000-node 3b run (rate 100, 20 s) | ≤ 4 GB | ${bigRunText} | — |`,
    `| simulated messages per second | | ${spanOf(rates, 0)} (${busiest?.label}: ${busiest?.messages} messages ` +
      `in ${seconds(busiest?.runWallSec, 2)}) | |`,
    `| rare bugs: wall time to the first failing run | | ${spanOf(sim, 1, " s")} ` +
      `| ${real.length === 0 ? "—" : `${spanOf(real, 0, " s")} (${spanOf(speedUp, 0)} times longer)`} |`,
  ];
  return lines.join("\n");
}

function markdown(rows: CommandRow[], sweep: Measured, big: Measured, hunts: HuntFigures, real: boolean): string {
  const simWall = rows.map((row) => row.simWallSec);
  return [
    "## Deterministic simulation (`--sim`)",
    "",
    `\`bun run bench sim${real ? " --real" : ""}\`, ${new Date().toISOString()}, ` +
      `${navigator.hardwareConcurrency} cores ` +
      "(shared: wall times move with the load). Each run is the CLI as typed (`bun run maelstrom test …`, a new " +
      "process: startup, the run, its checks, its files and its report), `--seed 1`.",
    "",
    readmeBlock("sim", summaryTable(rows, sweep, big, hunts)),
    "",
    `### Speed: every published command (median ${median(simWall).toFixed(2)} s)`,
    "",
    ...speedTable(rows),
    "",
    "### Same figures as the real runner",
    "",
    "Latency: broadcast's stable latency (`workload.stable-latencies`, p50 and max), else ok client ops " +
      "(p50 and p99). The 20 % check applies where network latency dominates (`--latency` of " +
      `${NETWORK_BOUND_LATENCY_MS} ms or more, no nemesis): elsewhere a real latency is the host's own time, ` +
      "which the simulation does not spend, or the partition schedule's. Servers' messages per second is " +
      "msgs-per-op × ops/s: where the real runner falls short of `--rate` (about 625 of 1000 ops/s on 2 cores), " +
      "nodes whose messages follow their timers rather than their ops send as many per second and more per op. " +
      "Why each differs: docs/simulation.md.",
    "",
    ...figuresTable(rows),
    "",
    "### Seeds and scale",
    "",
    ...sweep.lines,
    "",
    ...big.lines,
    "",
    ...hunts.lines,
  ].join("\n");
}

if (import.meta.main) await main(Bun.argv.slice(2));
