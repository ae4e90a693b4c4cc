/**
 * Bugs found per minute: nodes with rare bugs, hunted run after run with the real runner and
 * seed after seed in the simulation, each until its first failing run or its bound; then the
 * simulation's first failing seed is shrunk. Reported as a markdown section of the sim bench.
 */
import { join } from "node:path";
import { parseCommand } from "../../maelstrom-lib/harness/cli/cli.ts";
import { replayCommand } from "../../maelstrom-lib/harness/cli/replay.ts";
import { shrinkFailure } from "../../maelstrom-lib/harness/cli/shrink.ts";
import {
  discardRun,
  failed,
  firstFinding,
  judgedRun,
  type JudgedRun,
} from "../../maelstrom-lib/harness/cli/sim-runs.ts";
import type { TestOptions } from "../../maelstrom-lib/harness/contracts/options.ts";
import { CHALLENGES, REPO_ROOT } from "../../tools/challenge.ts";
import { cliRun } from "./runs.ts";

/** How long each hunt may go on. */
export interface HuntBounds {
  /** Most seeds the simulation tries. */
  huntSeeds: number;
  /** Most real runs (0: no real hunt). */
  realRuns: number;
  /** Most minutes of real runs, and of simulated ones. */
  realMinutes: number;
  /** Seeds over which the simulation's failure rate is measured. */
  rateSeeds: number;
}

/** The hunts' section, and the wall seconds to each first failure found (for the summary). */
export interface HuntFigures {
  lines: string[];
  firstFailureSec: { sim: number[]; real: number[]; speedUp: number[] };
}

/** A node with a rare bug and the command it is hunted with. */
interface Bug {
  name: string;
  bin: string;
  flags: string[];
  /** Seeds at most for the simulation, when lower than the bound (a slow command). */
  maxSeeds?: number;
}

/** One hunt's outcome: tries made, and the wall time to the first failure (or of all tries). */
interface Hunt {
  tries: number;
  found: boolean;
  wallSec: number;
  stopped?: string;
}

const published = (label: string) => CHALLENGES.flatMap((c) => c.commands).find((c) => c.label === label)!.flags;
const KAFKA_LOG = ["-w", "kafka", "--node-count", "1", "--concurrency", "2n", "--time-limit", "20"];

const BUGS: readonly Bug[] = [
  {
    name: "identity-CAS counter read (challenge 4's command)",
    bin: "4-grow-only-counter/testdata/identity-cas-read.ts",
    flags: published("4"),
  },
  {
    name: "batching race (3b's command, --latency 1)",
    bin: "bench/nodes/batching-race-broadcast.ts",
    flags: [...published("3b"), "--latency", "1"],
  },
  {
    name: "Kafka offset race (--rate 10 --latency 1)",
    bin: "bench/nodes/offset-race-kafka.ts",
    flags: [...KAFKA_LOG, "--rate", "10", "--latency", "1"],
  },
  {
    name: "Kafka offset race (5a's command: latency 0, rate 1000)",
    bin: "bench/nodes/offset-race-kafka.ts",
    flags: published("5a"),
    maxSeeds: 10,
  },
];

/** The hunt section: one row per bug, then each shrunk reproduction. */
export async function huntSection(store: string, bounds: HuntBounds): Promise<HuntFigures> {
  const rows: string[] = [];
  const shrunk: string[] = [];
  const firstFailureSec: HuntFigures["firstFailureSec"] = { sim: [], real: [], speedUp: [] };
  for (const bug of BUGS) {
    console.log(`hunt: ${bug.name} …`);
    const real = bounds.realRuns > 0 ? await realHunt(bug, store, bounds) : undefined;
    const { hunt: sim, first } = await simHunt(bug, store, bounds);
    const speedUp = real?.found && sim.found ? `${(real.wallSec / sim.wallSec).toFixed(0)}×` : "—";
    if (sim.found) firstFailureSec.sim.push(sim.wallSec);
    if (real?.found) firstFailureSec.real.push(real.wallSec);
    if (real?.found && sim.found) firstFailureSec.speedUp.push(real.wallSec / sim.wallSec);
    const rate = await failureRate(bug, store, Math.min(bounds.rateSeeds, bug.maxSeeds ?? Infinity));
    const cells = [bug.name, `\`${bug.bin}\``, huntCell(real, "run"), huntCell(sim, "seed"), speedUp, rate];
    rows.push(`| ${cells.join(" | ")} |`);
    if (first) shrunk.push(...(await shrinkLines(bug, first)));
  }
  const lines = [
    "### Bugs found per minute",
    "",
    "Wall time to the first failing run: the real runner run after run " +
      `(seeds 1, 2, …; at most ${bounds.realRuns} runs ` +
      `or ${bounds.realMinutes} min), and the simulation's seed search (at most ${bounds.huntSeeds} seeds or ` +
      `${bounds.realMinutes} min). Each bug's node is in the second column; its flags are in the commands below.`,
    "",
    "| bug | node | real runner | simulation | speed-up | simulation: failing seeds, per minute |",
    "|---|---|---|---|---|---|",
    ...rows,
    "",
    ...shrunk,
  ];
  return { lines, firstFailureSec };
}

function huntCell(hunt: Hunt | undefined, unit: string): string {
  if (!hunt) return "(not run)";
  const tries = `${hunt.tries} ${unit}${hunt.tries === 1 ? "" : "s"}`;
  if (hunt.found) return `failed at ${unit} ${hunt.tries}: **${hunt.wallSec.toFixed(1)} s**`;
  return `no failure in ${tries} (${hunt.wallSec.toFixed(0)} s${hunt.stopped ? `, ${hunt.stopped}` : ""})`;
}

/** How many of seeds 1 … `seeds` fail in the simulation, and how many failing runs that is per minute. */
async function failureRate(bug: Bug, store: string, seeds: number): Promise<string> {
  const opts = optionsOf(bug, store);
  const startedMs = performance.now();
  let failing = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const run = await judgedRun({ ...opts, seed });
    if (failed(run)) failing++;
    discardRun(run);
  }
  const minutes = (performance.now() - startedMs) / 60_000;
  return `${failing} of ${seeds} (${(failing / minutes).toFixed(0)} per minute)`;
}

async function realHunt(bug: Bug, store: string, bounds: HuntBounds): Promise<Hunt> {
  const startedMs = performance.now();
  const hunt: Hunt = { tries: 0, found: false, wallSec: 0 };
  while (hunt.tries < bounds.realRuns && !hunt.found) {
    if (performance.now() - startedMs > bounds.realMinutes * 60_000) {
      hunt.stopped = "time bound";
      break;
    }
    hunt.tries++;
    const run = await cliRun(["--bin", bug.bin, ...bug.flags, "--seed", String(hunt.tries)], store);
    hunt.found = run.exitCode !== 0;
    console.log(`  real run ${hunt.tries}: exit ${run.exitCode} (${run.wallSec.toFixed(1)} s)`);
  }
  hunt.wallSec = (performance.now() - startedMs) / 1000;
  return hunt;
}

async function simHunt(bug: Bug, store: string, bounds: HuntBounds): Promise<{ hunt: Hunt; first?: JudgedRun }> {
  const opts = optionsOf(bug, store);
  const maxSeeds = Math.min(bounds.huntSeeds, bug.maxSeeds ?? Infinity);
  const startedMs = performance.now();
  const hunt: Hunt = { tries: 0, found: false, wallSec: 0 };
  let first: JudgedRun | undefined;
  while (hunt.tries < maxSeeds && !first) {
    if (performance.now() - startedMs > bounds.realMinutes * 60_000) {
      hunt.stopped = "time bound";
      break;
    }
    hunt.tries++;
    const run = await judgedRun({ ...opts, seed: hunt.tries });
    if (failed(run)) first = run;
    else discardRun(run);
  }
  hunt.found = first !== undefined;
  hunt.wallSec = (performance.now() - startedMs) / 1000;
  console.log(`  sim: ${hunt.found ? `seed ${hunt.tries} failed` : "no failure"} after ${hunt.wallSec.toFixed(1)} s`);
  return { hunt, first };
}

function optionsOf(bug: Bug, store: string): TestOptions {
  const command = parseCommand(
    ["test", "--sim", "--bin", bug.bin, ...bug.flags, "--store", store, "--no-progress"],
    REPO_ROOT,
  );
  if (command.kind !== "test") throw new Error(`not a test command: ${bug.flags.join(" ")}`);
  return command.opts;
}

/** Shrinks the first failing seed; its lines for the section. */
async function shrinkLines(bug: Bug, first: JudgedRun): Promise<string[]> {
  const startedMs = performance.now();
  const shrunk = await shrinkFailure(first, { log: () => {}, cwd: REPO_ROOT });
  const seconds = ((performance.now() - startedMs) / 1000).toFixed(1);
  const command = (opts: TestOptions) => replayCommand({ ...opts, storeDir: join(REPO_ROOT, "store") }, REPO_ROOT);
  const steps = shrunk.steps.map((step) => step.change).join("; ") || "none smaller failed";
  return [
    `**${bug.name}**: first failing seed, then shrunk in ${shrunk.runs} runs ` +
      `(${seconds} s${shrunk.budgetSpent ? ", budget spent" : ""}) ` +
      `keeping "${shrunk.kind}": ${steps}.`,
    "",
    "```",
    command(first.opts),
    command(shrunk.smallest.opts),
    `# ${await firstFinding(shrunk.smallest, 160)}`,
    "```",
    "",
  ];
}
