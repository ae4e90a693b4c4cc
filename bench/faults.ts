#!/usr/bin/env bun
/**
 * `bun run bench faults`: every challenge's published command under each fault kind in turn
 * (`--nemesis partition`, `kill`, `pause` replacing the published nemesis, if any), a few runs
 * each (a shorter --time-limit and --nemesis-interval than published, so that several faults fit in a
 * short run), and a table of valid runs out of runs, with the first failure's reason in words. Runs go
 * to bench/tmp/faults/; the table to results-faults.md (bench/ with --write, else bench/tmp/).
 *
 *   bun run bench faults [--runs=5] [--time-limit=10] [--interval=4] [--jobs=2]
 *                        [--faults=partition,kill,pause] [--only=3c,3d]
 *                        [--from-store]   (the table again from the runs in bench/tmp/faults/, without running)
 */
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { CHALLENGES, REPO_ROOT, overrideFlags } from "../tools/challenge.ts";
import { explainRun } from "../maelstrom-lib/harness/report/explain.ts";
import { readRunFolder, type StoredOptions } from "../maelstrom-lib/harness/store/run-folder.ts";
import { WORKLOADS } from "../maelstrom-lib/harness/workloads/index.ts";
import { exitCodeOf, type RunResults } from "../maelstrom-lib/harness/contracts/results.ts";
import type { Op } from "../maelstrom-lib/harness/contracts/types.ts";
import { readmeBlock, writeBenchResults } from "./results-file.ts";
import { RUN_FILES } from "../maelstrom-lib/harness/contracts/run-files.ts";

const FAULTS = ["partition", "kill", "pause"] as const;

/** Reads `--name=value` from argv, or the default. */
function flag(name: string, fallback: string): string {
  const given = process.argv.find((arg) => arg.startsWith(`--${name}=`));
  return given === undefined ? fallback : given.slice(name.length + 3);
}

const runs = Number(flag("runs", "5"));
const timeLimit = flag("time-limit", "10");
const interval = flag("interval", "4");
const jobs = Number(flag("jobs", "2"));
const faults = flag("faults", FAULTS.join(",")).split(",");
const only = flag("only", "").split(",").filter(Boolean);
const storeRoot = join(import.meta.dir, "tmp", "faults");

/** One run of one challenge under one fault. */
interface Job {
  label: string;
  fault: string;
  index: number;
  flags: string[];
  bin: string;
}

/** What a run ended with: its exit code and, when not valid, why in one line. */
interface Outcome {
  job: Job;
  exitCode: number;
  valid: boolean;
  why?: string;
}

const challengeJobs: Job[] = CHALLENGES.filter(
  (challenge) => only.length === 0 || only.includes(challenge.commands[0]!.label),
).flatMap((challenge) => {
  const { label, flags } = challenge.commands[0]!;
  return faults.flatMap((fault) =>
    Array.from({ length: runs }, (_, index) => ({
      label,
      fault,
      index,
      bin: join(challenge.folder, "main.ts"),
      flags: overrideFlags(flags, ["--nemesis", fault, "--time-limit", timeLimit, "--nemesis-interval", interval]),
    })),
  );
});

/** The store one job's run goes to. */
function storeOf(job: Job): string {
  return join(storeRoot, `${job.label}-${job.fault}-${job.index}`);
}

/** Runs one job as its own runner process, in a store of its own. */
async function runJob(job: Job): Promise<Outcome> {
  const store = storeOf(job);
  rmSync(store, { recursive: true, force: true });
  mkdirSync(store, { recursive: true });
  const argv = [
    process.execPath,
    "maelstrom-lib/harness/cli/main.ts",
    "test",
    "--bin",
    job.bin,
    ...job.flags,
    "--no-progress",
    "--store",
    store,
  ];
  const proc = Bun.spawn(argv, { cwd: REPO_ROOT, stdout: "ignore", stderr: "ignore" });
  return outcomeOf(job, await proc.exited);
}

/** What a stored run ended with; without an exit code (--from-store), the one its verdict gives. */
async function outcomeOf(job: Job, exitCode?: number): Promise<Outcome> {
  const runDir = join(storeOf(job), "latest");
  let results: RunResults | undefined;
  let options: StoredOptions | undefined;
  try {
    ({ results, options } = readRunFolder(runDir));
  } catch {
    results = undefined;
  }
  const code = exitCode ?? (results?.aborted ? 255 : exitCodeOf(results?.["valid?"] ?? "unknown"));
  if (code === 0) return { job, exitCode: code, valid: true };
  const explanation = await explainRun(
    results,
    options && WORKLOADS.get(options.workload),
    results ? runDir : undefined,
  );
  const first = explanation.checkers[0];
  const why = (first ? `${first.checker}: ${first.summary}` : explanation.headline).split("\n")[0]!.slice(0, 160);
  return { job, exitCode: code, valid: false, why: killedEveryNode(runDir) ? `${why}${EVERY_NODE}` : why };
}

const EVERY_NODE = " (a kill hit every node)";

/** Whether some kill in the run's history killed every node at once (nothing left to recover from). */
function killedEveryNode(runDir: string): boolean {
  try {
    const nodeCount = (JSON.parse(readFileSync(join(runDir, RUN_FILES.testOptions), "utf8")) as { nodeIds: string[] })
      .nodeIds.length;
    return readFileSync(join(runDir, RUN_FILES.history), "utf8")
      .split("\n")
      .filter((line) => line.includes('"process":"nemesis"') && line.includes('"f":"kill"'))
      .map((line) => JSON.parse(line) as Op)
      .some(
        (op) =>
          typeof op.value === "object" &&
          op.value !== null &&
          Object.values(op.value).filter((r) => r === "killed").length === nodeCount,
      );
  } catch {
    return false;
  }
}

/** Runs the jobs `jobs` at a time, printing each outcome as it comes. */
async function runAll(all: Job[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = 0;
  const lane = async () => {
    while (next < all.length) {
      const job = all[next++]!;
      const outcome = await runJob(job);
      outcomes.push(outcome);
      console.log(
        `${job.label} ${job.fault} #${job.index + 1}: exit ${outcome.exitCode}` +
          (outcome.why ? ` (${outcome.why})` : ""),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, jobs) }, lane));
  return outcomes;
}

function table(outcomes: Outcome[]): string {
  const labels = [...new Set(challengeJobs.map((job) => job.label))];
  const notes: string[] = [];
  const rows = labels.map((label) => {
    const cells = faults.map((fault) => {
      const mine = outcomes.filter((outcome) => outcome.job.label === label && outcome.job.fault === fault);
      const valid = mine.filter((outcome) => outcome.valid).length;
      const failures = mine.filter((outcome) => !outcome.valid);
      if (failures.length > 0) {
        const everyNode = failures.filter((outcome) => outcome.why?.endsWith(EVERY_NODE)).length;
        const after = fault === "kill" ? `; ${everyNode} of ${failures.length} after a kill of every node` : "";
        notes.push(`- ${label} under ${fault}${after}. First: ${failures[0]!.why ?? `exit ${failures[0]!.exitCode}`}`);
      }
      return `${valid}/${mine.length}`;
    });
    return `| ${label} | ${cells.join(" | ")} |`;
  });
  return [
    "## Faults: valid runs per challenge and fault kind",
    "",
    `Each challenge's published command with \`--nemesis <fault>\` in place of its own ` +
      `nemesis, \`--time-limit ${timeLimit}\` and ` +
      `\`--nemesis-interval ${interval}\`, ${runs} runs per cell, ${jobs} at a time ` +
      `(\`bun run bench faults --runs=${runs} --time-limit=${timeLimit} --interval=${interval} --jobs=${jobs}\`), ` +
      `on ${new Date().toISOString().slice(0, 10)}, on a shared 2-core machine.`,
    "",
    readmeBlock(
      "faults",
      [`| challenge | ${faults.join(" | ")} |`, `|---|${faults.map(() => "---").join("|")}|`, ...rows].join("\n"),
    ),
    "",
    notes.length > 0 ? "Each cell with failures, and its first failure's reason:" : "No run failed.",
    "",
    ...notes,
  ].join("\n");
}

const started = performance.now();
// --from-store: no runs, the table of the runs already in bench/tmp/faults/.
const outcomes = process.argv.includes("--from-store")
  ? await Promise.all(challengeJobs.map((job) => outcomeOf(job)))
  : await runAll(challengeJobs);
const took = process.argv.includes("--from-store")
  ? ""
  : `\n\n(${((performance.now() - started) / 60_000).toFixed(1)} minutes in all.)`;
writeBenchResults("faults", `${table(outcomes)}${took}\n`);
