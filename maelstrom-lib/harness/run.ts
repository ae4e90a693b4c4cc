/**
 * One `maelstrom test` run, start to finish (Maelstrom's core.clj and Jepsen's core.clj `run!`):
 * the network and services, node processes and init, workload setup, the main phase with its
 * nemesis, heal + recovery + final ops, teardown, analysis, and the run folder. A `Run` owns
 * everything one run shares; each phase is one method.
 */
import { join } from "node:path";
import { Client, ClientIds, RpcErrorReply, RpcTimeout } from "./client.ts";
import { RealClock, sleep, type Clock } from "./clock.ts";
import { TIMING, type TestOptions } from "./config.ts";
import { History, Stagger, Worker, runWorkerLoop } from "./generator.ts";
import { analyze } from "./analysis.ts";
import { Nemesis, PartitionFault } from "./nemesis.ts";
import { Network, type JournalEvent } from "./net.ts";
import { NodeProcess, type CrashReport, type ProtocolViolation } from "./process.ts";
import { Progress } from "./progress.ts";
import { Rng } from "./rng.ts";
import { attachServices } from "./services.ts";
import { createRunDir, writeRunFiles } from "./store.ts";
import type { CheckResult, Workload, WorkloadContext } from "./types.ts";

/** What a run ends with. */
export interface RunOutcome {
  /** 0 valid, 1 invalid, 2 unknown, 255 crash or init failure. */
  exitCode: number;
  results: CheckResult;
  runDir: string;
}

/** The main phase's span and how many ops it invoked (for the achieved rate). */
export interface MainPhaseSpan {
  startMs: number;
  endMs: number;
  invocations: number;
}

/** Why a run stopped early (exit 255). */
class RunAborted extends Error {}

/**
 * The one place a run's abort lives: the first reason wins, and every phase is raced against
 * it, so a crash or init failure ends whatever phase is running.
 */
class AbortSignal {
  reason: string | undefined;
  private reject: (error: RunAborted) => void = () => {};
  private readonly signal = new Promise<never>((_, reject) => {
    this.reject = reject;
  });

  constructor() {
    this.signal.catch(() => {});
  }

  get aborted(): boolean {
    return this.reason !== undefined;
  }

  trigger(reason: string): void {
    this.reason ??= reason;
    this.reject(new RunAborted(reason));
  }

  /** Waits for `work`, or throws RunAborted as soon as the run aborts. */
  race<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.signal]);
  }
}

/** Maelstrom looks only at the type of the init reply (db.clj); extra keys are fine. */
const INIT_OK = { type: "init_ok", required: {}, open: true };

/** Runs one test with already-validated options. */
export async function runTest(opts: TestOptions, workload: Workload, log: (line: string) => void): Promise<RunOutcome> {
  return new Run(opts, workload, log).execute();
}

/** One run: the clock, rng, network, nodes, history and workers it shares, and its phases. */
export class Run {
  readonly clock: Clock = new RealClock();
  readonly rng: Rng;
  readonly network: Network;
  readonly history: History;
  readonly nodes = new Map<string, NodeProcess>();
  readonly clientIds = new ClientIds();
  readonly ctx: WorkloadContext;
  readonly workers: Worker[];
  readonly nemesis: Nemesis | undefined;
  readonly runDir: string;
  private readonly abort = new AbortSignal();
  private readonly violations: ProtocolViolation[] = [];
  private readonly crashes: CrashReport[] = [];
  private readonly progress: Progress;
  private readonly cpuAtStart = process.cpuUsage();
  private mainPhase: MainPhaseSpan = { startMs: 0, endMs: 0, invocations: 0 };
  private nodesResidentMb: number | undefined;

  constructor(
    readonly opts: TestOptions,
    readonly workload: Workload,
    private readonly log: (line: string) => void,
  ) {
    this.rng = new Rng(opts.seed);
    this.runDir = createRunDir(opts.storeDir, opts.workload);
    this.network = new Network({
      clock: this.clock,
      rng: this.rng,
      latencyMs: opts.latencyMs,
      latencyDist: opts.latencyDist,
      onEvent: opts.logNetSend || opts.logNetRecv ? (event) => this.logNetEvent(event) : undefined,
    });
    attachServices(this.network, this.rng);
    this.history = new History(this.clock);
    this.ctx = { opts, rng: this.rng };
    this.workers = this.createWorkers();
    this.nemesis = this.createNemesis();
    this.progress = new Progress(this.history, this.clock, opts.progress);
  }

  /** All phases in order; an abort skips to teardown, which always runs. */
  async execute(): Promise<RunOutcome> {
    try {
      await this.init();
      await this.setup();
      await this.main();
      await this.final();
    } catch (error) {
      if (!(error instanceof RunAborted)) throw error;
      this.abort.trigger(error.message);
    } finally {
      await this.teardown();
    }
    return this.analyse();
  }

  /** Starts every node and sends each its init; each must answer init_ok within 10 s. */
  async init(): Promise<void> {
    const { opts } = this;
    this.log(`Running ${opts.workload} with ${opts.nodeIds.length} node(s) of ${opts.bin} (seed ${opts.seed})`);
    this.log(`Run folder: ${this.runDir}`);
    for (const id of opts.nodeIds) {
      this.network.register(id, (message) => this.nodes.get(id)?.deliver(message));
    }
    for (const id of opts.nodeIds) {
      if (this.abort.aborted) break;
      try {
        this.nodes.set(id, this.startNode(id));
      } catch (error) {
        this.abort.trigger(`Node ${id} could not be started: ${errorMessage(error)}`);
      }
    }
    await this.abort.race(Promise.all(opts.nodeIds.map((id) => this.initNode(id))));
  }

  /** The workload's per-node setup (broadcast's topology), one setup client per node. */
  async setup(): Promise<void> {
    const setupClients = this.opts.nodeIds.map((id) => new Client(this.clientIds.allocate(), id, this.network, this.clock));
    const setup = this.workload.setup;
    if (!setup) return;
    await this.abort.race(
      Promise.all(
        setupClients.map(async (client) => {
          try {
            await setup(client, this.ctx);
          } catch (error) {
            throw new RunAborted(`Setup of node ${client.node} failed: ${errorMessage(error)}`);
          }
        }),
      ),
    );
  }

  /** The main phase: workers under the stagger, plus the nemesis, for --time-limit seconds. */
  async main(): Promise<void> {
    const { opts, clock, history } = this;
    this.progress.start();
    const startMs = clock.nowMs();
    const deadlineMs = startMs + opts.timeLimitSec * 1000;
    const invocationsBefore = history.counts.invoke;
    const aborted = () => this.abort.aborted;
    const nemesis = this.nemesis?.run(deadlineMs, aborted);
    if (opts.rate > 0) {
      const source = this.workload.generator(this.ctx);
      const stagger = new Stagger(clock, this.rng, opts.rate, deadlineMs);
      const loops = this.workers.map((worker) =>
        runWorkerLoop(worker, source, { phaseStartMs: startMs, deadlineMs, clock, stagger, aborted }),
      );
      await this.abort.race(Promise.all(loops));
    } else {
      await this.abort.race(sleep(clock, opts.timeLimitSec * 1000));
    }
    await this.abort.race(Promise.resolve(nemesis));
    this.mainPhase = { startMs, endMs: clock.nowMs(), invocations: history.counts.invoke - invocationsBefore };
  }

  /** Heal, wait for recovery, then each worker runs its own copy of the final generator. */
  async final(): Promise<void> {
    const { workload, clock } = this;
    const finalGenerator = workload.finalGenerator;
    if (!finalGenerator) return;
    await this.nemesis?.stopAll();
    this.log("Waiting for recovery...");
    await this.abort.race(sleep(clock, TIMING.recoverySec * 1000));
    const startMs = clock.nowMs();
    const deadlineMs = workload.finalTimeLimitMs === undefined ? Infinity : startMs + workload.finalTimeLimitMs;
    const aborted = () => this.abort.aborted;
    const loops = this.workers.map((worker) =>
      runWorkerLoop(worker, finalGenerator(this.ctx), { phaseStartMs: startMs, deadlineMs, clock, aborted }),
    );
    await this.abort.race(Promise.all(loops));
  }

  /** Stops everything: SIGKILL to every node, as Maelstrom's db teardown does. */
  async teardown(): Promise<void> {
    this.nodesResidentMb = sumResidentMb(this.nodes.values());
    this.progress.stop();
    this.nemesis?.clear();
    for (const worker of this.workers) worker.close();
    for (const node of this.nodes.values()) if (!node.exited) node.kill();
    // A crash noticed only now (teardown) still aborts the run, as in Maelstrom.
    for (const node of this.nodes.values()) {
      if (node.exited && !this.crashes.some((c) => c.node === node.id)) this.crashes.push(node.crashReport());
    }
    await Promise.all([...this.nodes.values()].map((node) => Promise.race([node.drained, Bun.sleep(1000)])));
  }

  /** Checks the history (unless the run aborted) and writes the run folder. */
  async analyse(): Promise<RunOutcome> {
    const { crashes, violations } = this;
    const aborting = this.abort.reason ?? (crashes.length > 0 ? `Node ${crashes[0]!.node} crashed` : undefined);
    const results = aborting
      ? { "valid?": "unknown" as const, aborted: aborting, errors: { crashes, "protocol-violations": violations } }
      : analyze({
          opts: this.opts,
          workload: this.workload,
          history: this.history.ops,
          network: this.network,
          violations,
          mainPhase: this.mainPhase,
          runDir: this.runDir,
          cpuAtStart: this.cpuAtStart,
          nodesResidentMb: this.nodesResidentMb,
        });
    await writeRunFiles(this.runDir, this.opts, this.history.ops, this.network.journal, results);
    if (aborting) {
      this.log(`ERROR: ${aborting}`);
      for (const crash of crashes) logCrash(crash, this.log);
    }
    return { exitCode: aborting ? 255 : exitCodeFor(results["valid?"]), results, runDir: this.runDir };
  }

  private createWorkers(): Worker[] {
    const { opts } = this;
    const env = {
      history: this.history,
      workload: this.workload,
      network: this.network,
      clock: this.clock,
      clientIds: this.clientIds,
      ctx: this.ctx,
      concurrency: opts.concurrency,
    };
    return Array.from({ length: opts.concurrency }, (_, thread) => new Worker(thread, opts.nodeIds[thread % opts.nodeIds.length]!, env));
  }

  private createNemesis(): Nemesis | undefined {
    const { opts } = this;
    if (opts.nemesis.length === 0) return undefined;
    // "partition" is the only fault kind the flag accepts so far; kill and pause join it here.
    const faults = [...new Set(opts.nemesis)].map(() => new PartitionFault(this.network, opts.nodeIds, this.rng));
    return new Nemesis(faults, { history: this.history, clock: this.clock, rng: this.rng, intervalMs: opts.nemesisIntervalSec * 1000 });
  }

  private startNode(id: string): NodeProcess {
    return new NodeProcess({
      id,
      bin: this.opts.bin,
      args: this.opts.binArgs,
      logDir: join(this.runDir, "node-logs"),
      network: this.network,
      logStderr: this.opts.logStderr,
      onViolation: (violation) => {
        this.violations.push(violation);
        this.log(`WARN protocol violation by ${violation.node}: ${violation.reason}`);
        this.log(`     line: ${violation.line}`);
        this.log(`     Maelstrom stops delivering a node's output after its first bad line; so do we.`);
      },
      onExit: (report) => {
        this.crashes.push(report);
        this.abort.trigger(`Node ${report.node} crashed with exit status ${report.exitCode ?? report.signal}`);
      },
    });
  }

  /** One node's init RPC through a fresh client, closed afterwards (db.clj). */
  private async initNode(id: string): Promise<void> {
    const client = new Client(this.clientIds.allocate(), id, this.network, this.clock);
    try {
      await client.call({ type: "init", node_id: id, node_ids: this.opts.nodeIds }, INIT_OK, TIMING.initTimeoutMs);
    } catch (error) {
      const why =
        error instanceof RpcTimeout
          ? `no init_ok within ${TIMING.initTimeoutMs / 1000} s`
          : error instanceof RpcErrorReply
            ? `init answered with error ${error.code}: ${error.text ?? ""}`
            : errorMessage(error);
      throw new RunAborted(`Node ${id} failed to initialize: ${why}\n${formatTails(this.nodes.get(id)!.crashReport())}`);
    } finally {
      client.close(); // a second init_ok now hits an unregistered client, as in Maelstrom
    }
  }

  private logNetEvent(event: JournalEvent): void {
    const { opts } = this;
    if ((event.type === "send" && opts.logNetSend) || (event.type === "recv" && opts.logNetRecv)) {
      this.log(`:${event.type} ${JSON.stringify({ id: event.id, src: event.src, dest: event.dest, body: event.body })}`);
    }
  }
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

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
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
