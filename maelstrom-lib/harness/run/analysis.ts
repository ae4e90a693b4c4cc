/**
 * Analysis after a run: the workload checker composed with the core checkers, the merged
 * verdict, and the runner's own health (how late deliveries were, CPU, achieved rate, memory),
 * which real Maelstrom never reports.
 */
import { RUNNER_LIMITS, type TestOptions } from "../contracts/options.ts";
import { separateBeyondMaelstrom } from "../checkers/beyond-maelstrom.ts";
import {
  checkAvailability,
  checkExceptions,
  checkNet,
  checkStats,
  mergeValidity,
  plotOnlyResults,
} from "../checkers/core.ts";
import type { Network } from "../world/net.ts";
import type { ProtocolViolation, UnmatchedReplies } from "../contracts/node-reports.ts";
import type { WorldReport } from "../world/world.ts";
import { HOST_FIGURES, type RunnerHealth, type RunResults } from "../contracts/results.ts";
import type { CheckResult, Op, RunFiles, Workload } from "../contracts/types.ts";
import { writeCheckerFiles } from "../store/store.ts";

export interface AnalysisInput {
  opts: TestOptions;
  workload: Workload;
  history: readonly Op[];
  network: Network;
  violations: readonly ProtocolViolation[];
  /** Replies no client could match (world/client.ts), when there were any. */
  unmatchedReplies?: UnmatchedReplies;
  mainPhase: MainPhase;
  runDir: string;
  /** process.cpuUsage() when the run started, so CPU seconds are this run's alone. */
  cpuAtStart: NodeJS.CpuUsage;
  /** Resident memory of all nodes together just before teardown, when readable. */
  nodesResidentMb?: number;
  /** What the world the run happened in adds (the simulation's flag and figures, escapes). */
  world?: WorldReport;
}

/** What the main phase did; `lateMs` is the stagger's account of why ops went late (generator.ts). */
export interface MainPhase {
  startMs: number;
  endMs: number;
  invocations: number;
  lateMs?: { wakeUp: number; waitingForWorker: number };
}

/** What the history checks give (checkHistory, here or in a worker). */
export type HistoryChecks = ReturnType<typeof checkHistory>;

/** results.json: Maelstrom's results.edn map plus `runner` and `errors`. */
export function analyze(input: AnalysisInput, historyChecks: HistoryChecks = checkHistory(input)): RunResults {
  return assembleResults(historyChecks, checkNet(input.history, input.network.stats()), {
    runner: runnerHealth(input),
    ...violationErrors(input),
  });
}

/**
 * results.json of a run interrupted while its history was being checked: no verdict, but what
 * only the run could measure (`net`, `runner`, `errors`), so that `maelstrom analyze` can
 * finish it from the saved history.
 */
export function interruptedAnalysis(input: AnalysisInput, why: string): RunResults {
  return {
    "valid?": "unknown",
    aborted: `interrupted: ${why}`,
    "abort-type": "interrupted",
    net: checkNet(input.history, input.network.stats()),
    runner: runnerHealth(input),
    ...violationErrors(input),
  };
}

/** What the nodes did wrong outside the checkers: protocol violations and replies no client could match. */
function violationErrors(input: AnalysisInput): Pick<RunResults, "errors"> {
  const found = {
    ...(input.violations.length > 0 ? { "protocol-violations": input.violations } : {}),
    ...(input.unmatchedReplies ? { "unmatched-replies": input.unmatchedReplies } : {}),
  };
  return Object.keys(found).length > 0 ? { errors: found } : {};
}

/** results.json's key order: the history checks, net, the workload, findings beyond Maelstrom, then the extras. */
export function assembleResults(
  historyChecks: ReturnType<typeof checkHistory>,
  net: CheckResult,
  extras: Record<string, unknown>,
): RunResults {
  const { workload, "beyond-maelstrom": beyond, ...rest } = historyChecks;
  const checks = { ...rest, net, workload, ...(beyond ? { "beyond-maelstrom": beyond } : {}) };
  return composeResults(checks, extras) as RunResults;
}

/** The checks that read only the history and the options; `maelstrom analyze` runs these again on a stored run. */
export function checkHistory(input: Pick<AnalysisInput, "opts" | "workload" | "history" | "runDir">) {
  const { opts, workload, history } = input;
  const { maelstrom: workloadResult, beyond } = separateBeyondMaelstrom(runWorkloadChecker(input), opts.strict);
  return {
    ...plotOnlyResults(),
    exceptions: checkExceptions(history),
    stats: checkStats(history, workload.statsIgnoredFs),
    availability: checkAvailability(history, opts.availability),
    workload: workloadResult,
    ...(beyond ? { "beyond-maelstrom": beyond } : {}),
  };
}

/** The checks, then sections that do not vote (runner, errors), then the merged verdict. */
export function composeResults(checks: Record<string, CheckResult>, extras: Record<string, unknown>): CheckResult {
  return { ...checks, ...extras, "valid?": mergeValidity(Object.values(checks).map((check) => check["valid?"])) };
}

/** A checker that throws gives an unknown verdict, as in Jepsen; the files the checker made go into the run folder. */
function runWorkloadChecker(input: Pick<AnalysisInput, "opts" | "workload" | "history" | "runDir">): CheckResult {
  const files: RunFiles = new Map();
  try {
    return input.workload.check(input.history, { opts: input.opts, runDir: input.runDir, files });
  } catch (error) {
    return { "valid?": "unknown", error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  } finally {
    writeCheckerFiles(input.runDir, files);
  }
}

/**
 * True when ops went late for want of a free worker (slow nodes, or --concurrency) for more than
 * a tenth of the phase. Going late because wake-ups are late is what Jepsen's stagger does too
 * (Maelstrom falls short of --rate the same way), so it alone is no warning.
 */
export function heldBackByWorkers(phase: MainPhase): boolean {
  const waitedMs = phase.lateMs?.waitingForWorker ?? 0;
  return waitedMs > (1 - RUNNER_LIMITS.overloadRateFraction) * (phase.endMs - phase.startMs);
}

/**
 * Why fewer ops went out than asked, when it was the nodes' speed or --concurrency. A node that
 * broke the protocol, or sent replies no client could match, left its clients waiting out
 * their timeouts: errors say that, and the explanation says it once, so no warning repeats it
 * (and none blames the machine or --concurrency for it).
 */
function rateWarning(achievedRate: number, input: AnalysisInput): string | undefined {
  if (input.violations.length > 0 || input.unmatchedReplies) return undefined;
  const achieved = `achieved ${achievedRate.toFixed(1)} ops/s of the requested ${input.opts.rate}`;
  const waitedSec = ((input.mainPhase.lateMs?.waitingForWorker ?? 0) / 1000).toFixed(1);
  return (
    `${achieved}: ops waited ${waitedSec} s in all for a free worker (the nodes answered slowly, or ` +
    `--concurrency limits it); rates may be distorted`
  );
}

function runnerHealth(input: AnalysisInput): RunnerHealth {
  const lateness = input.network.lateness;
  const latenessP99Ms = lateness.quantile(0.99) ?? 0;
  const mainSec = Math.max(1e-9, (input.mainPhase.endMs - input.mainPhase.startMs) / 1000);
  const achievedRate = input.mainPhase.invocations / Math.min(mainSec, input.opts.timeLimitSec);
  const cpu = process.cpuUsage(input.cpuAtStart);
  const warnings: string[] = [...(input.world?.warnings ?? [])];
  if (latenessP99Ms > RUNNER_LIMITS.overloadLatenessP99Ms) {
    warnings.push(
      `deliveries ran late (p99 ${latenessP99Ms.toFixed(1)} ms): the machine was overloaded; latencies may be ` +
        `distorted`,
    );
  }
  const rate = heldBackByWorkers(input.mainPhase) ? rateWarning(achievedRate, input) : undefined;
  if (rate) warnings.push(rate);
  return {
    seed: input.opts.seed,
    "lateness-ms": {
      p50: lateness.quantile(0.5) ?? 0,
      p99: latenessP99Ms,
      max: lateness.maxMs,
      deliveries: lateness.count,
    },
    "cpu-seconds": (cpu.user + cpu.system) / 1e6,
    "requested-rate": input.opts.rate,
    "achieved-rate": achievedRate,
    ...(input.mainPhase.lateMs
      ? {
          "late-ms": {
            "wake-up": input.mainPhase.lateMs.wakeUp,
            "waiting-for-worker": input.mainPhase.lateMs.waitingForWorker,
          },
        }
      : {}),
    "peak-rss-mb": process.resourceUsage().maxRSS / 1024,
    ...(input.nodesResidentMb !== undefined ? { "nodes-rss-mb": input.nodesResidentMb } : {}),
    ...input.world?.fields,
    "host-figures": HOST_FIGURES,
    warnings,
    "valid?": true,
  };
}
