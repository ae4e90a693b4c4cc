/**
 * One `maelstrom test` run, start to finish (Maelstrom's core.clj and Jepsen's core.clj `run!`):
 * the network and services, node processes and init, workload setup, the main phase with its
 * nemesis, heal + recovery + final ops, teardown, analysis, and the run folder. A `Run` owns
 * everything one run shares; each phase is one method.
 */
import { join } from "node:path";
import {
  Client,
  ClientIds,
  MALFORMED_RPC_KINDS,
  MalformedReply,
  MalformedRpc,
  RpcErrorReply,
  RpcTimeout,
  UnmatchedReplyLog,
} from "../world/client.ts";
import { RealClock, sleep, type Clock } from "../primitives/clock.ts";
import { TIMING, type TestOptions } from "../contracts/options.ts";
import { History } from "../contracts/history.ts";
import { Stagger, Worker, runWorkerLoop } from "./generator.ts";
import { analyze, type MainPhase } from "./analysis.ts";
import { NodeFault, PauseLog, type NodeControl } from "../nemesis/db-faults.ts";
import { Nemesis, PartitionFault, type NemesisPackage } from "../nemesis/nemesis.ts";
import { Network } from "../world/net.ts";
import type { JournalEvent } from "../contracts/journal.ts";
import { NodeProcess } from "../world/node-process.ts";
import type { CrashReport, ProtocolViolation } from "../contracts/node-reports.ts";
import { Progress } from "./progress.ts";
import { Rng } from "../primitives/rng.ts";
import { attachServices } from "../world/services.ts";
import { createRunDir, pointLatestAt, writeRunFiles } from "../store/store.ts";
import { exitCodeOf, type RunResults } from "../contracts/results.ts";
import type { Workload, WorkloadContext } from "../contracts/types.ts";
import { INIT } from "../../protocol/init.ts";

/** What a run ends with. */
export interface RunOutcome {
  /** 0 valid, 1 invalid, 2 unknown, 255 crash or init failure, 130/143 interrupted. */
  exitCode: number;
  results: RunResults;
  runDir: string;
  /** Stopped by SIGINT/SIGTERM: later runs of --test-count should not start. */
  interrupted?: boolean;
}


/**
 * Why a run stopped early (exit 255), under Maelstrom's name for it where it has one:
 * `init-failed` (db.clj), `node-crashed` (process.clj), the setup RPC's own error
 * (`malformed-rpc-request`, `malformed-rpc-response`, `timeout`, `rpc-error`), and our
 * `node-start-failed` (Maelstrom throws the JVM's IOException there) and `interrupted`
 * (SIGINT/SIGTERM).
 */
class RunAborted extends Error {
  constructor(
    readonly type: string,
    message: string,
    /** 255, or the shell's code for death by the signal that interrupted the run. */
    readonly exitCode: number = 255,
  ) {
    super(message);
  }
}

/**
 * The one place a run's abort lives: the first reason wins, and every phase is raced against
 * it, so a crash or init failure ends whatever phase is running.
 */
class RunAbort {
  reason: RunAborted | undefined;
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

  trigger(reason: RunAborted): void {
    this.reason ??= reason;
    this.reject(reason);
  }

  /** Waits for `work`, or throws RunAborted as soon as the run aborts. */
  race<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.signal]);
  }
}

/** The shell's exit codes for death by these signals (128 + signal number). */
const INTERRUPT_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

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
  private readonly abort = new RunAbort();
  private readonly violations: ProtocolViolation[] = [];
  private readonly crashes: CrashReport[] = [];
  /** Replies no client could match; the first is said on the console as it comes. */
  private readonly unmatched = new UnmatchedReplyLog((reply) => this.log(`WARN ${reply.text}`));
  /** Nodes whose current process has answered init. */
  private readonly initialized = new Set<string>();
  /** When the nemesis last killed each node (for the restart's log line). */
  private readonly killedAtMs = new Map<string, number>();
  private readonly pauses = new PauseLog();
  /** Restarted nodes' inits still under way. */
  private readonly restartInits = new Set<Promise<void>>();
  /** Replies a pause made late, to clients that had gone: dropped, not protocol violations. */
  private lateRepliesDropped = 0;
  private readonly progress: Progress;
  private readonly cpuAtStart = process.cpuUsage();
  private mainPhase: MainPhase = { startMs: 0, endMs: 0, invocations: 0 };
  private nodesResidentMb: number | undefined;
  /** Every console line of the run, for its jepsen.log. */
  private readonly logLines: string[] = [];
  private readonly log: (line: string) => void;

  constructor(
    readonly opts: TestOptions,
    readonly workload: Workload,
    log: (line: string) => void,
  ) {
    this.log = (line) => {
      this.logLines.push(line);
      this.progress.around(() => log(line));
    };
    this.rng = new Rng(opts.seed);
    this.runDir = createRunDir(opts.storeDir, opts.workload);
    this.network = new Network({
      clock: this.clock,
      rng: this.rng,
      latencyMs: opts.latencyMs,
      latencyDist: opts.latencyDist,
      onEvent: opts.logNetSend || opts.logNetRecv ? (event) => this.logNetEvent(event) : undefined,
    });
    this.history = new History(this.clock);
    this.progress = new Progress(this.history, this.clock, opts.progress);
    this.ctx = { opts, rng: this.rng };
    this.workers = this.createWorkers();
    this.nemesis = this.createNemesis();
  }

  /** All phases in order; an abort (or Ctrl-C) skips to teardown, which always runs. */
  async execute(): Promise<RunOutcome> {
    const stopWatching = this.watchSignals();
    try {
      await this.init();
      await this.setup();
      await this.main();
      await this.final();
    } catch (error) {
      if (!(error instanceof RunAborted)) throw error;
      this.abort.trigger(error);
    } finally {
      await this.teardown();
      stopWatching();
    }
    return this.analyse();
  }

  /**
   * SIGINT/SIGTERM abort the run: teardown still kills every node and the results say
   * "interrupted". A second signal kills the nodes and exits at once. Without this, a runner
   * signalled alone (`kill`, a CI timeout) would die and leave its nodes running. Nodes that
   * die of the same Ctrl-C (they share the terminal's process group) are not crashes.
   */
  private watchSignals(): () => void {
    const handlers = Object.entries(INTERRUPT_EXIT_CODES).map(([signal, exitCode]) => {
      const handler = () => {
        if (this.abort.reason?.type === "interrupted") {
          for (const node of this.nodes.values()) node.kill();
          process.exit(exitCode);
        }
        this.log(`${signal}: interrupted; stopping the run and killing every node (again to quit at once)`);
        this.abort.trigger(new RunAborted("interrupted", `Interrupted by ${signal} at ${seconds(this.clock.nowMs())}`, exitCode));
      };
      process.on(signal, handler);
      return () => process.off(signal, handler);
    });
    return () => {
      for (const remove of handlers) remove();
    };
  }

  /**
   * Sets every node up at once, as Jepsen's db/cycle! does (control/on-nodes: one thread per
   * node, no barrier). Each node's setup is Maelstrom's db.clj setup!: on the primary (the
   * first node) start the services; register the node, spawn its process, and send it init at
   * once, waiting up to 10 s for init_ok. So a node's init goes out right after its own spawn,
   * not after every node has been spawned.
   */
  async init(): Promise<void> {
    const { opts } = this;
    this.log(`Running ${opts.workload} with ${opts.nodeIds.length} node(s) of ${opts.bin} (seed ${opts.seed})`);
    this.log(`Run folder: ${this.runDir}`);
    await this.abort.race(Promise.all(opts.nodeIds.map((id, index) => this.setUpNode(id, index === 0))));
  }

  /** The workload's per-node setup (broadcast's topology), one setup client per node. */
  async setup(): Promise<void> {
    const setupClients = this.opts.nodeIds.map(
      (id) => new Client(this.clientIds.allocate(), id, this.network, this.clock, this.unmatched),
    );
    const setup = this.workload.setup;
    if (!setup) return;
    await this.abort.race(
      Promise.all(
        setupClients.map(async (client) => {
          try {
            await setup(client, this.ctx);
          } catch (error) {
            throw new RunAborted(rpcErrorType(error), `Setup of node ${client.node} failed: ${errorMessage(error)}`);
          }
        }),
      ),
    );
  }

  /** The main phase: workers under the stagger, plus the nemesis, for --time-limit seconds. */
  async main(): Promise<void> {
    const { opts, clock, history } = this;
    this.progress.enter("main", opts.timeLimitSec * 1000);
    const startMs = clock.nowMs();
    const deadlineMs = startMs + opts.timeLimitSec * 1000;
    const invocationsBefore = history.counts.invoke;
    const aborted = () => this.abort.aborted;
    const nemesis = this.nemesis?.run(deadlineMs, aborted);
    let stagger: Stagger | undefined;
    if (opts.rate > 0) {
      const source = this.workload.generator(this.ctx);
      stagger = new Stagger(clock, this.rng, opts.rate, deadlineMs);
      const loops = this.workers.map((worker) =>
        runWorkerLoop(worker, source, { phaseStartMs: startMs, deadlineMs, clock, stagger, aborted }),
      );
      await this.abort.race(Promise.all(loops));
      stagger.finish();
    } else {
      await this.abort.race(sleep(clock, opts.timeLimitSec * 1000));
    }
    await this.abort.race(Promise.resolve(nemesis));
    this.mainPhase = { startMs, endMs: clock.nowMs(), invocations: history.counts.invoke - invocationsBefore, lateMs: stagger?.lateMs };
  }

  /** Heal, wait for recovery, then each worker runs its own copy of the final generator. */
  async final(): Promise<void> {
    const { workload, clock } = this;
    const finalGenerator = workload.finalGenerator;
    if (!finalGenerator) return;
    if (this.nemesis) this.progress.enter("healing");
    await this.abort.race(this.nemesis?.stopAll() ?? Promise.resolve());
    await this.abort.race(Promise.all(this.restartInits)); // every restarted node answers init first
    this.log("Waiting for recovery...");
    this.progress.enter("recovery", TIMING.recoverySec * 1000);
    await this.abort.race(sleep(clock, TIMING.recoverySec * 1000));
    this.progress.enter("final", workload.finalTimeLimitMs);
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
    // One the nemesis killed (and did not restart) is no crash.
    for (const node of this.nodes.values()) {
      if (this.abort.reason?.type === "interrupted") break;
      if (node.exited && !node.killed && !this.crashes.some((c) => c.node === node.id)) this.crashes.push(node.crashReport());
    }
    await Promise.all([...this.nodes.values()].map((node) => Promise.race([node.drained, Bun.sleep(1000)])));
  }

  /** Checks the history (unless the run aborted) and writes the run folder. */
  async analyse(): Promise<RunOutcome> {
    const { crashes, violations } = this;
    const unmatchedReplies = this.unmatched.record();
    const aborting = this.abort.reason ?? (crashes[0] && new RunAborted("node-crashed", crashMessage(crashes[0])));
    const results = aborting
      ? {
          "valid?": "unknown" as const,
          aborted: `${aborting.type}: ${aborting.message}`,
          "abort-type": aborting.type,
          errors: {
            crashes: crashes.map((crash) => ({ type: "node-crashed" as const, ...crash })),
            "protocol-violations": violations,
            ...(unmatchedReplies ? { "unmatched-replies": unmatchedReplies } : {}),
          },
        }
      : analyze({
          opts: this.opts,
          workload: this.workload,
          history: this.history.ops,
          network: this.network,
          violations,
          unmatchedReplies,
          mainPhase: this.mainPhase,
          runDir: this.runDir,
          cpuAtStart: this.cpuAtStart,
          nodesResidentMb: this.nodesResidentMb,
        });
    await writeRunFiles(this.runDir, this.opts, this.history.ops, this.network.journal, results, this.logLines);
    pointLatestAt(this.opts.storeDir, this.opts.workload, this.runDir);
    this.logMalformedRpcs();
    if (this.lateRepliesDropped > 0) {
      this.log(`INFO ${this.lateRepliesDropped} late repl${this.lateRepliesDropped === 1 ? "y" : "ies"} to clients that had timed out while their node was paused: dropped`);
    }
    if (aborting) {
      this.log(`ERROR: ${aborting.type}: ${aborting.message}`);
      for (const crash of crashes) logCrash(crash, this.log);
    }
    const exitCode = aborting ? aborting.exitCode : exitCodeOf(results["valid?"]);
    return { exitCode, results, runDir: this.runDir, interrupted: aborting?.type === "interrupted" };
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
      unmatched: this.unmatched,
    };
    return Array.from({ length: opts.concurrency }, (_, thread) => new Worker(thread, opts.nodeIds[thread % opts.nodeIds.length]!, env));
  }

  /**
   * Maelstrom's two packages (nemesis.clj): partition, then db with pause and kill mixed (the
   * order of combined.clj's `db-generators`). Each draws from its own stream of the seed, so a
   * --seed replays the same fault schedule and targets whatever the timing of the rest.
   */
  private createNemesis(): Nemesis | undefined {
    const { opts } = this;
    const faults = new Set(opts.nemesis);
    const packages: NemesisPackage[] = [];
    if (faults.has("partition")) {
      const rng = new Rng((opts.seed + NEMESIS_STREAMS.partition) >>> 0);
      packages.push({ faults: [new PartitionFault(this.network, opts.nodeIds, rng)], rng });
    }
    if (faults.has("kill") || faults.has("pause")) {
      const rng = new Rng((opts.seed + NEMESIS_STREAMS.db) >>> 0);
      const dbFaults = [
        ...(faults.has("pause") ? [NodeFault.pause(this.nodeControl, opts.nodeIds, rng)] : []),
        ...(faults.has("kill") ? [NodeFault.kill(this.nodeControl, opts.nodeIds, rng)] : []),
      ];
      packages.push({ faults: dbFaults, rng });
    }
    if (packages.length === 0) return undefined;
    return new Nemesis(packages, { history: this.history, clock: this.clock, intervalMs: opts.nemesisIntervalSec * 1000 });
  }

  /** The nemesis's hands on the node processes (Jepsen's db Kill and Pause protocols). */
  private get nodeControl(): NodeControl {
    return {
      kill: (id) => this.killNode(id),
      start: (id) => this.restartNode(id),
      pause: (id) => this.pauseNode(id),
      resume: (id) => this.resumeNode(id),
    };
  }

  /** SIGKILL by the nemesis: not a crash; its messages are dropped until it is started again. */
  private killNode(id: string): "killed" | "not-running" {
    const node = this.nodes.get(id)!;
    if (node.killed || node.exited) return "not-running"; // one that died by itself is reported as a crash
    this.network.takeDown(id);
    this.initialized.delete(id);
    this.resumeNode(id); // a paused process dies too; its pause ends here
    node.kill();
    this.killedAtMs.set(id, this.clock.nowMs());
    return "killed";
  }

  /**
   * A fresh process for a killed node, through the same start and init as at the beginning;
   * the op does not wait for init_ok, so a later kill may land during this init (that init is
   * then abandoned, and the next start sends a new one). An init that fails otherwise aborts
   * the run as it does at the start.
   */
  private restartNode(id: string): "started" | "already-running" | "start-failed" {
    if (!this.nodes.get(id)!.killed) return "already-running";
    const marker = `--- restarted by the nemesis at ${seconds(this.clock.nowMs())} (killed at ${seconds(this.killedAtMs.get(id)!)}) ---`;
    let node: NodeProcess;
    try {
      node = this.startNode(id, marker);
    } catch (error) {
      this.abort.trigger(new RunAborted("node-start-failed", `Node ${id} could not be restarted: ${errorMessage(error)}`));
      return "start-failed";
    }
    this.nodes.set(id, node);
    this.network.bringUp(id);
    const init = this.initNode(id);
    const settled = Promise.race([init, node.exitedPromise]).then(
      () => {},
      (error) => {
        if (!node.killed && error instanceof RunAborted) this.abort.trigger(error);
      },
    );
    init.catch(() => {}); // abandoned when the process dies first
    this.restartInits.add(settled);
    void settled.finally(() => this.restartInits.delete(settled));
    return "started";
  }

  private pauseNode(id: string): "paused" | "not-running" {
    const node = this.nodes.get(id)!;
    if (node.killed || !this.initialized.has(id)) return "not-running";
    if (!node.paused) {
      node.pause();
      this.pauses.paused(id, this.clock.nowMs());
    }
    return "paused";
  }

  private resumeNode(id: string): "resumed" | "not-paused" {
    const node = this.nodes.get(id)!;
    if (!node.paused) return "not-paused";
    node.resume();
    this.pauses.resumed(id, this.clock.nowMs());
    return "resumed";
  }

  /**
   * A line from `id` to a client that has gone is a reply a pause made late when `id` was
   * paused at some moment between that client's last request and its close: the client timed
   * out because of the pause, not because the node broke the protocol. A real network would
   * just lose such a reply; Maelstrom would stop reading the node, so this is ours.
   */
  private isReplyMadeLateByPause(id: string, dest: string): boolean {
    const gone = this.network.goneClient(dest);
    const late = gone !== undefined && this.pauses.pausedDuring(id, gone.lastSendMs, gone.closedAtMs);
    if (late) this.lateRepliesDropped++;
    return late;
  }

  private async setUpNode(id: string, primary: boolean): Promise<void> {
    if (primary) attachServices(this.network, this.rng);
    this.network.register(id, (message) => this.nodes.get(id)?.deliver(message));
    try {
      this.nodes.set(id, this.startNode(id));
    } catch (error) {
      throw new RunAborted("node-start-failed", `Node ${id} could not be started: ${errorMessage(error)}`);
    }
    await this.initNode(id);
  }

  private startNode(id: string, logMarker?: string): NodeProcess {
    return new NodeProcess({
      id,
      bin: this.opts.bin,
      args: this.opts.binArgs,
      logDir: join(this.runDir, "node-logs"),
      network: this.network,
      logStderr: this.opts.logStderr,
      logMarker,
      isReplyMadeLateByPause: (dest) => this.isReplyMadeLateByPause(id, dest),
      onViolation: (violation) => this.onViolation(violation),
      onWarning: (line) => this.log(`WARN ${line}`),
      onExit: (report) => {
        if (this.abort.reason?.type === "interrupted") return;
        this.crashes.push(report);
        this.abort.trigger(new RunAborted("node-crashed", crashMessage(report)));
      },
    });
  }

  /** One node's init RPC through a fresh client, closed afterwards (db.clj). */
  private async initNode(id: string): Promise<void> {
    const client = new Client(this.clientIds.allocate(), id, this.network, this.clock, this.unmatched);
    try {
      await client.call(INIT, { node_id: id, node_ids: this.opts.nodeIds }, TIMING.initTimeoutMs);
      this.initialized.add(id);
    } catch (error) {
      // db.clj's words: "Expected node n0 to respond to an init message, but node did not
      // respond." / "Expected an init_ok message, but node responded with ..."
      const why =
        error instanceof RpcTimeout
          ? `Expected node ${id} to respond to an init message, but node did not respond (no init_ok within ${TIMING.initTimeoutMs / 1000} s).`
          : error instanceof RpcErrorReply
            ? `Expected an init_ok message, but node ${id} responded with error ${error.code} (${error.codeName}): ${error.text ?? ""}`
            : error instanceof MalformedReply
              ? `Expected an init_ok message, but node ${id} responded with ${JSON.stringify(error.body)}`
              : errorMessage(error);
      throw new RunAborted("init-failed", `${why}\n${formatTails(this.nodes.get(id)!.crashReport())}`);
    } finally {
      client.close(); // a second init_ok now hits an unregistered client, as in Maelstrom
    }
  }

  /**
   * A bad stdout line silences the node for the rest of the run, as in Maelstrom. Before its
   * init_ok that means the init can never succeed: say so at once (init-failed, with the
   * line) instead of waiting out the 10 s init timeout. The check waits a tick, so an
   * init_ok on an earlier line of the same chunk is counted first.
   */
  private onViolation(violation: ProtocolViolation): void {
    this.violations.push(violation);
    // Said in full once, at the end (explain.ts) and on the page; here only that it happened, and when.
    this.log(
      `WARN protocol violation by ${violation.node} at ${seconds(this.clock.nowMs())} (${violation.type}): ` +
        `its output is ignored from here on, as Maelstrom ignores it; the line and why at the end`,
    );
    setTimeout(() => {
      if (this.initialized.has(violation.node)) return;
      const message =
        `Node ${violation.node} broke the protocol before answering init, so its init_ok can never be delivered: ` +
        `${violation.reason}\n  line: ${violation.line}`;
      this.abort.trigger(new RunAborted("init-failed", message));
    }, 0);
  }

  /** Jepsen logs each crashed op's exception; one full explanation and a count per kind say the same here. */
  private logMalformedRpcs(): void {
    for (const { type, one, many } of MALFORMED_RPC_KINDS) {
      const malformed = this.history.ops.filter((op) => op.error === type);
      if (malformed.length === 0) continue;
      this.log(`WARN ${type}: ${malformed.length} ${malformed.length === 1 ? one : many} broke the ${one} schema (all in history.jsonl); the first:`);
      for (const line of (malformed[0]!.exception ?? "").split("\n")) this.log(`     ${line}`);
    }
  }

  private logNetEvent(event: JournalEvent): void {
    const { opts } = this;
    if ((event.type === "send" && opts.logNetSend) || (event.type === "recv" && opts.logNetRecv)) {
      this.log(`:${event.type} ${JSON.stringify({ id: event.id, src: event.src, dest: event.dest, body: event.body })}`);
    }
  }
}

/** Separate rng streams of the seed for the nemesis packages (any fixed, distinct offsets). */
const NEMESIS_STREAMS = { partition: 0x6e656d31, db: 0x6e656d32 } as const;

/** A run time for log lines: "12.3 s". */
function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Total resident memory of the still-running nodes, sampled just before teardown. */
function sumResidentMb(nodes: Iterable<NodeProcess>): number | undefined {
  let totalMb = 0;
  for (const node of nodes) {
    if (node.killed) continue; // the nemesis's, not restarted
    const mb = node.exited ? undefined : node.residentMb();
    if (mb === undefined) return undefined;
    totalMb += mb;
  }
  return totalMb;
}

/** Maelstrom's name for an RPC failure: the :type its client throws. */
function rpcErrorType(error: unknown): string {
  if (error instanceof MalformedRpc) return error.type;
  if (error instanceof RpcTimeout) return "timeout";
  if (error instanceof RpcErrorReply) return "rpc-error";
  return "exception";
}

/** process.clj's words for a dead node. */
function crashMessage(report: CrashReport): string {
  const status = report.exitCode ?? `signal ${report.signal}`;
  return `Node ${report.node} crashed with exit status ${status}`;
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
