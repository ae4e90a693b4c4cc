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
 * Real figures are the recorded ones (bench/results-*.md, README) unless `--real` re-runs
 * them. Flags: --real, --seeds=N (3c seeds, 1000), --hunt-seeds=N (sim hunt bound, 200),
 * --real-runs=N and --real-minutes=M (real hunt bounds, 8 runs / 5 min; 0 runs skips it),
 * --rate-seeds=N (seeds over which each bug's simulated failure rate is measured, 100),
 * --no-big (skip the 1,000-node run), --write (the tracked results file).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHALLENGES } from "../tools/challenge.ts";
import { writeBenchResults } from "./results-file.ts";
import { huntSection, type HuntBounds } from "./sim/hunts.ts";
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

/**
 * Real figures recorded before this bench (one run each, 2026-12-01, on this 2-core machine):
 * 3a-3e from README "Broadcast figures" and bench/results-broadcast.md (stable latency p50 /
 * max), 4 from bench/results-flake.md (our solution, medians of 10 runs), 5a-5c from
 * bench/results-kafka.md and 6a-6c from bench/results-txn.md (op latency p50 / p99; ops/s
 * from their op counts over 20 s).
 */
const RECORDED_REAL: Record<string, Omit<CommandRow["real"], "source"> & { from: string }> = {
  "3a": { verdict: "valid", msgsPerOp: 0, p50Ms: 0, highMs: 0, highLabel: "max", from: "README" },
  "3b": { verdict: "valid", msgsPerOp: 3.01, p50Ms: 0, highMs: 0, highLabel: "max", from: "README" },
  "3c": { verdict: "valid", msgsPerOp: 16.99, p50Ms: 3862, highMs: 13266, highLabel: "max", from: "README" },
  "3d": {
    verdict: "valid",
    msgsPerOp: 2.79,
    p50Ms: 0,
    highMs: 96,
    highLabel: "max",
    wallSec: 32,
    from: "results-broadcast.md",
  },
  "3d +partition": {
    verdict: "valid",
    msgsPerOp: 2.3,
    p50Ms: 4817,
    highMs: 15519,
    highLabel: "max",
    from: "results-broadcast.md",
  },
  "3e": { verdict: "valid", msgsPerOp: 0.7, p50Ms: 532, highMs: 913, highLabel: "max", from: "results-broadcast.md" },
  "3e +partition": {
    verdict: "valid",
    msgsPerOp: 0.68,
    p50Ms: 1795,
    highMs: 10756,
    highLabel: "max",
    from: "results-broadcast.md",
  },
  "4": {
    verdict: "valid",
    msgsPerOp: 3.98,
    p50Ms: 0.5,
    highMs: 2.9,
    highLabel: "p99",
    opsPerSec: 94,
    from: "results-flake.md",
  },
  "5a": {
    opsPerSec: 622,
    verdict: "valid",
    msgsPerOp: 0,
    p50Ms: 0.13,
    highMs: 0.62,
    highLabel: "p99",
    from: "results-kafka.md",
  },
  "5b": {
    opsPerSec: 622,
    verdict: "valid",
    msgsPerOp: 11.929,
    p50Ms: 0.34,
    highMs: 1.96,
    highLabel: "p99",
    from: "results-kafka.md",
  },
  "5c": {
    opsPerSec: 615,
    verdict: "valid",
    msgsPerOp: 0.064,
    p50Ms: 0.22,
    highMs: 0.98,
    highLabel: "p99",
    from: "results-kafka.md",
  },
  "6a": {
    opsPerSec: 634,
    verdict: "valid",
    msgsPerOp: 0,
    p50Ms: 0.12,
    highMs: 0.37,
    highLabel: "p99",
    from: "results-txn.md",
  },
  "6b": {
    opsPerSec: 626,
    verdict: "valid",
    msgsPerOp: 0.064,
    p50Ms: 0.2,
    highMs: 0.66,
    highLabel: "p99",
    from: "results-txn.md",
  },
  "6b +partition": {
    opsPerSec: 634,
    verdict: "valid",
    msgsPerOp: 0.063,
    p50Ms: 0.13,
    highMs: 0.45,
    highLabel: "p99",
    from: "results-txn.md",
  },
  "6c": {
    opsPerSec: 631,
    verdict: "valid",
    msgsPerOp: 0.063,
    p50Ms: 0.12,
    highMs: 0.38,
    highLabel: "p99",
    from: "results-txn.md",
  },
};

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
      const realRow = real ? await measureReal(args, store) : recordedReal(label);
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

function recordedReal(label: string): CommandRow["real"] {
  const recorded = RECORDED_REAL[label];
  if (!recorded) return { verdict: "valid", source: "not recorded (pass expected: its tests pass)" };
  const { from, ...figures } = recorded;
  return { ...figures, source: from };
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

function speedTable(rows: readonly CommandRow[]): string[] {
  const header = ["challenge", "sim wall s", "target", "run s (virtual 20-30 s)", "events", "messages"];
  header.push("simulated msgs/s", "peak RSS MB", "real wall s");
  return table(
    header,
    rows.map((row) => {
      const target = row.label === "3d" ? 1 : 3;
      const met = row.simWallSec <= target ? "✓" : "✗";
      const rate = row.runWallSec > 0 ? Math.round(row.messages / row.runWallSec) : 0;
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
async function seedSweep(store: string, seeds: number): Promise<string[]> {
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
  return [
    `\`bun run maelstrom test ${args.join(" ")}\`: **${run.wallSec.toFixed(1)} s** of wall time ` +
      `(target ≤ 180 s ${met}), ${((run.wallSec / seeds) * 1000).toFixed(0)} ms per seed, exit ${run.exitCode}; ` +
      `its summary: "${summary.trim()}".`,
  ];
}

/** The 1,000-node 3b run: peak memory of the whole command. */
async function bigRun(store: string): Promise<string[]> {
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
  return [
    `\`bun run maelstrom test ${full.join(" ")}\`: ` +
      `peak RSS **${(run.maxRssMb / 1024).toFixed(2)} GB** (target ≤ 4 GB ${met}; ` +
      `100 real node processes took 3.7 GB), ${run.wallSec.toFixed(1)} s of wall time, ${messages} messages, ` +
      `verdict ${figures.verdict}.`,
  ];
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
    const big = argv.includes("--no-big") ? ["(skipped: --no-big)"] : await bigRun(store);
    const hunts = await huntSection(store, bounds);
    writeBenchResults("sim", markdown(rows, sweep, big, hunts, real));
  } finally {
    rmSync(store, { recursive: true, force: true });
  }
}

function markdown(rows: CommandRow[], sweep: string[], big: string[], hunts: string[], real: boolean): string {
  const simWall = rows.map((row) => row.simWallSec);
  return [
    "## Deterministic simulation (`--sim`)",
    "",
    `\`bun run bench sim${real ? " --real" : ""}\`, ${new Date().toISOString()}, ` +
      `${navigator.hardwareConcurrency} cores ` +
      "(shared: wall times move with the load). Each run is the CLI as typed (`bun run maelstrom test …`, a new " +
      "process: startup, the run, its checks, its files and its report), `--seed 1`.",
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
    ...sweep,
    "",
    ...big,
    "",
    ...hunts,
  ].join("\n");
}

if (import.meta.main) await main(Bun.argv.slice(2));
