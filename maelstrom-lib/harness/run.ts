/**
 * One `maelstrom test` run, start to finish (maelstrom-spec.md §0.1): network and services,
 * node processes and init, workload setup, the main phase with its nemesis, heal + recovery +
 * final ops, teardown, analysis, and the run folder.
 */
import { join } from "node:path";
import { Client, ClientIds, RpcErrorReply, RpcTimeout } from "./client.ts";
import { RealClock, sleep, type Clock } from "./clock.ts";
import { TIMING, type TestOptions } from "./config.ts";
import { History, Stagger, Worker, runWorkerLoop } from "./generator.ts";
import { analyze, type MainPhase } from "./analysis.ts";
import { grudgeFor, grudgeToJson, PARTITION_KINDS } from "./nemesis.ts";
import { Network, type JournalEvent } from "./net.ts";
import { NodeProcess, type CrashReport, type ProtocolViolation } from "./process.ts";
import { Progress } from "./progress.ts";
import { Rng } from "./rng.ts";
import { createServices } from "./services.ts";
import { createRunDir, writeRunFiles } from "./store.ts";
import type { CheckResult, Workload, WorkloadContext } from "./types.ts";

/** What a run ends with. */
export interface RunOutcome {
  /** 0 valid, 1 invalid, 2 unknown, 255 crash or init failure. */
  exitCode: number;
  results: CheckResult;
  runDir: string;
}

/** Why a run stopped early (exit 255). */
class RunAborted extends Error {}

/** Maelstrom looks only at the type of the init reply (db.clj); extra keys are fine. */
const INIT_OK = { type: "init_ok", required: {}, open: true };

/** Runs one test with already-validated options. */
export async function runTest(opts: TestOptions, workload: Workload, log: (line: string) => void): Promise<RunOutcome> {
  const cpuAtStart = process.cpuUsage();
  const clock: Clock = new RealClock();
  const rng = new Rng(opts.seed);
  const runDir = createRunDir(opts.storeDir, opts.workload);
  const violations: ProtocolViolation[] = [];
  const crashes: CrashReport[] = [];
  let abortReason: string | undefined;
  let signalAbort: (reason: string) => void = () => {};
  const abortSignal = new Promise<never>((_, reject) => {
    signalAbort = (reason) => {
      abortReason ??= reason;
      reject(new RunAborted(reason));
    };
  });
  abortSignal.catch(() => {});
  const aborted = () => abortReason !== undefined;

  const network = new Network({
    clock,
    rng,
    latencyMs: opts.latencyMs,
    latencyDist: opts.latencyDist,
    onEvent: opts.logNetSend || opts.logNetRecv ? (event) => logNetEvent(event, opts, log) : undefined,
  });
  for (const service of createServices(rng)) {
    network.register(service.id, (message) => {
      const reply = service.handle(message.src, message.body);
      if (reply && network.isRegistered(message.src)) {
        network.send(service.id, message.src, { ...reply, in_reply_to: message.body.msg_id ?? null });
      }
    });
  }

  log(`Running ${opts.workload} with ${opts.nodeIds.length} node(s) of ${opts.bin} (seed ${opts.seed})`);
  log(`Run folder: ${runDir}`);
  const nodes = new Map<string, NodeProcess>();
  for (const id of opts.nodeIds) {
    network.register(id, (message) => nodes.get(id)?.deliver(message));
  }
  for (const id of opts.nodeIds) {
    if (aborted()) break;
    try {
      nodes.set(id, startNode(id));
    } catch (error) {
      signalAbort(`Node ${id} could not be started: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  function startNode(id: string): NodeProcess {
    return new NodeProcess({
        id,
        bin: opts.bin,
        args: opts.binArgs,
        logDir: join(runDir, "node-logs"),
        network,
        logStderr: opts.logStderr,
        onViolation: (violation) => {
          violations.push(violation);
          log(`WARN protocol violation by ${violation.node}: ${violation.reason}`);
          log(`     line: ${violation.line}`);
          log(`     Maelstrom stops delivering a node's output after its first bad line; so do we.`);
        },
        onExit: (report) => {
          crashes.push(report);
          signalAbort(`Node ${report.node} crashed with exit status ${report.exitCode ?? report.signal}`);
        },
      });
  }

  const history = new History(clock);
  const clientIds = new ClientIds();
  const ctx: WorkloadContext = { opts, rng };
  const workers = Array.from(
    { length: opts.concurrency },
    (_, thread) =>
      new Worker(thread, opts.nodeIds[thread % opts.nodeIds.length]!, {
        history,
        workload,
        network,
        clock,
        clientIds,
        ctx,
        concurrency: opts.concurrency,
      }),
  );
  const progress = new Progress(history, clock, opts.progress);
  let mainPhase: MainPhase = { startMs: 0, endMs: 0, invocations: 0 };
  let nodesResidentMb: number | undefined;

  try {
    await Promise.race([initNodes(opts, nodes, network, clock, clientIds), abortSignal]);
    const setupClients = opts.nodeIds.map((id) => new Client(clientIds.allocate(), id, network, clock));
    if (workload.setup) {
      await Promise.race([Promise.all(setupClients.map((client) => setupNode(workload, client, ctx))), abortSignal]);
    }
    progress.start();
    mainPhase = await Promise.race([runMainPhase(opts, workload, ctx, workers, history, network, clock, rng, aborted), abortSignal]);
    if (workload.finalGenerator) {
      if (opts.nemesis.length > 0) recordNemesis(history, "stop-partition", () => network.heal(), "network-healed");
      log("Waiting for recovery...");
      await Promise.race([sleep(clock, TIMING.recoverySec * 1000), abortSignal]);
      await Promise.race([runFinalPhase(workload, ctx, workers, clock, aborted), abortSignal]);
    }
  } catch (error) {
    if (!(error instanceof RunAborted)) throw error;
    abortReason ??= error.message;
  } finally {
    nodesResidentMb = sumResidentMb(nodes.values());
    progress.stop();
    network.heal();
    for (const worker of workers) worker.close();
    for (const node of nodes.values()) if (!node.exited) node.kill();
    // A crash noticed only now (teardown) still aborts the run, as in Maelstrom.
    for (const node of nodes.values()) if (node.exited && !crashes.some((c) => c.node === node.id)) {
      crashes.push(node.crashReport());
    }
  }
  await Promise.all([...nodes.values()].map((node) => Promise.race([node.drained, Bun.sleep(1000)])));

  const aborting = abortReason ?? (crashes.length > 0 ? `Node ${crashes[0]!.node} crashed` : undefined);
  const results = aborting
    ? abortedResults(aborting, crashes, violations)
    : analyze({ opts, workload, history: history.ops, network, violations, mainPhase, runDir, cpuAtStart, nodesResidentMb });
  await writeRunFiles(runDir, opts, history.ops, network.journal, results);
  if (aborting) {
    log(`ERROR: ${aborting}`);
    for (const crash of crashes) logCrash(crash, log);
  }
  return { exitCode: aborting ? 255 : exitCodeFor(results["valid?"]), results, runDir };
}

/** Total resident memory of the still-running nodes, sampled just before teardown. */
function sumResidentMb(nodes: Iterable<NodeProcess>): number | undefined {
  let totalMb = 0;
  for (const node of nodes) {
    const mb = node.exited ? undefined : node.residentMb();
    if (mb === undefined) return undefined;
    totalMb += mb;
  }
  return totalMb;
}

function exitCodeFor(validity: CheckResult["valid?"]): number {
  return validity === true ? 0 : validity === false ? 1 : 2;
}

/** Starts every node's init in parallel; each must answer init_ok within 10 s. */
async function initNodes(
  opts: TestOptions,
  nodes: Map<string, NodeProcess>,
  network: Network,
  clock: Clock,
  clientIds: ClientIds,
): Promise<void> {
  await Promise.all(
    opts.nodeIds.map(async (id) => {
      const client = new Client(clientIds.allocate(), id, network, clock);
      try {
        await client.call({ type: "init", node_id: id, node_ids: opts.nodeIds }, INIT_OK, TIMING.initTimeoutMs);
      } catch (error) {
        const report = nodes.get(id)!.crashReport();
        const why =
          error instanceof RpcTimeout
            ? `no init_ok within ${TIMING.initTimeoutMs / 1000} s`
            : error instanceof RpcErrorReply
              ? `init answered with error ${error.code}: ${error.text ?? ""}`
              : String(error instanceof Error ? error.message : error);
        throw new RunAborted(`Node ${id} failed to initialize: ${why}\n${formatTails(report)}`);
      } finally {
        client.close(); // a second init_ok now hits an unregistered client, as in Maelstrom
      }
    }),
  );
}

async function setupNode(workload: Workload, client: Client, ctx: WorkloadContext): Promise<void> {
  try {
    await workload.setup!(client, ctx);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new RunAborted(`Setup of node ${client.node} failed: ${why}`);
  }
}

/** The main phase: workers under the stagger, plus the nemesis, for --time-limit seconds. */
async function runMainPhase(
  opts: TestOptions,
  workload: Workload,
  ctx: WorkloadContext,
  workers: Worker[],
  history: History,
  network: Network,
  clock: Clock,
  rng: Rng,
  aborted: () => boolean,
): Promise<MainPhase> {
  const startMs = clock.nowMs();
  const deadlineMs = startMs + opts.timeLimitSec * 1000;
  const invocationsBefore = history.counts.invoke;
  const nemesis = opts.nemesis.length > 0 ? runNemesis(opts, history, network, clock, rng, deadlineMs, aborted) : undefined;
  let stagger: Stagger | undefined;
  if (opts.rate > 0) {
    const source = workload.generator(ctx);
    stagger = new Stagger(clock, rng, opts.rate, deadlineMs);
    await Promise.all(
      workers.map((worker) => runWorkerLoop(worker, source, { phaseStartMs: startMs, deadlineMs, clock, stagger, aborted })),
    );
  } else {
    await sleep(clock, opts.timeLimitSec * 1000);
  }
  await nemesis;
  return { startMs, endMs: clock.nowMs(), invocations: history.counts.invoke - invocationsBefore, lateMs: stagger?.lateMs };
}

/** Each worker runs its own copy of the final generator, within the workload's cap. */
async function runFinalPhase(
  workload: Workload,
  ctx: WorkloadContext,
  workers: Worker[],
  clock: Clock,
  aborted: () => boolean,
): Promise<void> {
  const startMs = clock.nowMs();
  const deadlineMs = workload.finalTimeLimitMs === undefined ? Infinity : startMs + workload.finalTimeLimitMs;
  await Promise.all(
    workers.map((worker) =>
      runWorkerLoop(worker, workload.finalGenerator!(ctx), { phaseStartMs: startMs, deadlineMs, clock, aborted }),
    ),
  );
}

/** Alternates start-partition / stop-partition, the first at once, then every [0, 2·interval) s. */
async function runNemesis(
  opts: TestOptions,
  history: History,
  network: Network,
  clock: Clock,
  rng: Rng,
  deadlineMs: number,
  aborted: () => boolean,
): Promise<void> {
  let partitioned = false;
  while (!aborted() && clock.nowMs() < deadlineMs) {
    if (partitioned) {
      recordNemesis(history, "stop-partition", () => network.heal(), "network-healed");
    } else {
      const kind = rng.pick(PARTITION_KINDS);
      const grudge = grudgeFor(kind, opts.nodeIds, rng);
      recordNemesis(history, "start-partition", () => network.partition(grudge), ["isolated", grudgeToJson(grudge)], kind);
    }
    partitioned = !partitioned;
    const gapMs = rng.float() * 2 * opts.nemesisIntervalSec * 1000;
    await sleep(clock, Math.min(gapMs, deadlineMs - clock.nowMs()));
  }
}

/** Records a nemesis op as Jepsen does: an :info invocation and an :info completion. */
function recordNemesis(history: History, f: string, apply: () => void, completionValue: unknown, kind?: string): void {
  history.record({ type: "info", process: "nemesis", f, value: kind ?? null });
  apply();
  history.record({ type: "info", process: "nemesis", f, value: completionValue });
}

function abortedResults(reason: string, crashes: CrashReport[], violations: ProtocolViolation[]): CheckResult {
  return { "valid?": "unknown", aborted: reason, errors: { crashes, "protocol-violations": violations } };
}

function formatTails(report: CrashReport): string {
  const stdout = report.stdoutTail.length ? report.stdoutTail.join("\n    ") : "(nothing)";
  const stderr = report.stderrTail.length ? report.stderrTail.join("\n    ") : "(nothing)";
  return `  last stdout lines:\n    ${stdout}\n  last stderr lines:\n    ${stderr}`;
}

function logCrash(report: CrashReport, log: (line: string) => void): void {
  log(`Node ${report.node} exited with status ${report.exitCode ?? `signal ${report.signal}`}`);
  log(formatTails(report));
}

function logNetEvent(event: JournalEvent, opts: TestOptions, log: (line: string) => void): void {
  if ((event.type === "send" && opts.logNetSend) || (event.type === "recv" && opts.logNetRecv)) {
    log(`:${event.type} ${JSON.stringify({ id: event.id, src: event.src, dest: event.dest, body: event.body })}`);
  }
}
