/**
 * One `maelstrom test` run, start to finish (Maelstrom's core.clj and Jepsen's core.clj `run!`):
 * the network, the cluster of nodes and its init, workload setup, the main phase with its
 * nemesis, heal + recovery + final ops, teardown, analysis, and the run folder. A `Run` owns
 * everything one run shares; each phase is one method. It runs in whichever world it is
 * given (world/world.ts: real processes, or the simulation) without knowing which.
 */
import {
  Client,
  ClientIds,
  MALFORMED_RPC_KINDS,
  MalformedRpc,
  RPCErrorReply,
  RPCTimeout,
  UnmatchedReplyLog,
} from "../world/client.ts";
import { sleep, type Clock } from "../primitives/clock.ts";
import { TIMING, type TestOptions } from "../contracts/options.ts";
import { Stagger, Worker, runWorkerLoop } from "./generator.ts";
import { History } from "../contracts/history.ts";
import { analyze, interruptedAnalysis, type AnalysisInput, type MainPhase } from "./analysis.ts";
import { checkSavedHistory } from "./checking.ts";
import { buildNemesis } from "../nemesis/faults/index.ts";
import type { Nemesis } from "../nemesis/nemesis.ts";
import { Network } from "../world/net.ts";
import type { JournalEvent } from "../contracts/journal.ts";
import { Progress } from "./progress.ts";
import { Rng } from "../primitives/rng.ts";
import {
  createRunDir,
  NODE_FS,
  openJournal,
  pointLatestAt,
  saveBeforeAnalysis,
  saveResults,
  StoreError,
  type StoreFs,
} from "../store/store.ts";
import { RUN_FILES } from "../contracts/run-files.ts";
import { exitCodeOf, type RunResults } from "../contracts/results.ts";
import type { ClientConnection, Workload, WorkloadContext } from "../contracts/types.ts";
import type { Rpc } from "../../protocol/schema.ts";
import { Cluster, crashMessage, formatTails } from "./cluster.ts";
import { RealWorld } from "../world/real-world.ts";
import { INTERRUPT_EXIT_CODES, RunAbort, RunAbortError } from "./run-abort.ts";
import { errorMessage, seconds } from "../primitives/log-text.ts";
import { WorldStuck, type World } from "../world/world.ts";
import type { CrashReport } from "../contracts/node-reports.ts";

/** What a run ends with. */
export interface RunOutcome {
  /** 0 valid, 1 invalid, 2 unknown, 255 crash, init failure or a store that cannot be written, 130/143 interrupted. */
  exitCode: number;
  results: RunResults;
  runDir: string;
  /** Stopped by SIGINT/SIGTERM: later runs of --test-count should not start. */
  interrupted?: boolean;
  /** The run folder could not be written whole (a full disk): it has no results.json. */
  incomplete?: boolean;
}

/**
 * Runs one test with already-validated options, in the real world unless another is given;
 * `storeFs` is the run folder's file system (a test's failing one). Throws a StoreError when the
 * run folder cannot even be created.
 */
export async function runTest(
  opts: TestOptions,
  workload: Workload,
  log: (line: string) => void,
  world: World = new RealWorld(),
  storeFs: StoreFs = NODE_FS,
): Promise<RunOutcome> {
  return new Run(opts, workload, log, world, storeFs).execute();
}

/** One run: the world, rng, network, cluster, history and workers it shares, and its phases. */
export class Run {
  readonly clock: Clock;
  readonly rng: Rng;
  readonly network: Network;
  readonly history: History;
  readonly cluster: Cluster;
  readonly clientIds = new ClientIds();
  readonly ctx: WorkloadContext;
  readonly workers: Worker[];
  readonly nemesis: Nemesis | undefined;
  readonly runDir: string;
  /** net-journal.jsonl, written as the run goes. */
  private readonly journal: ReturnType<typeof openJournal>;
  /**
   * Where the run is, for what a signal does: stop it; stop its checks (from the end of teardown,
   * when the history is whole); or let the writes finish.
   */
  private phase: "running" | "checking" | "saving" = "running";
  /** A signal came once the history was whole: the results keep what the run measured. */
  private interruptedWhileChecking = false;
  /** A first signal came: a second one quits at once. */
  private signalled = false;
  private readonly abort = new RunAbort();
  /** Replies no client could match; the first is said on the console as it comes. */
  private readonly unmatched = new UnmatchedReplyLog((reply) => this.log(`WARN ${reply.text}`));
  private readonly progress: Progress;
  private readonly cpuAtStart = process.cpuUsage();
  private mainPhase: MainPhase = { startMs: 0, endMs: 0, invocations: 0 };
  /** Every console line of the run, for its jepsen.log. */
  private readonly logLines: string[] = [];
  private readonly log: (line: string) => void;

  constructor(
    readonly opts: TestOptions,
    readonly workload: Workload,
    log: (line: string) => void,
    readonly world: World,
    private readonly storeFs: StoreFs = NODE_FS,
  ) {
    this.log = (line) => {
      this.logLines.push(line);
      this.progress.around(() => log(line));
    };
    this.clock = world.clock;
    this.rng = new Rng(opts.seed);
    this.runDir = createRunDir(opts.storeDir, opts.workload, this.storeFs);
    const journalFailed = (error: StoreError) => this.abort.trigger(new RunAbortError("store-failed", error.message));
    this.journal = openJournal(this.runDir, journalFailed, this.storeFs);
    this.network = new Network({
      clock: this.clock,
      rng: this.rng,
      latencyMs: opts.latencyMs,
      latencyDist: opts.latencyDist,
      onEvent: (event) => {
        this.journal.append(event);
        this.logNetEvent(event);
      },
    });
    this.history = new History(this.clock);
    this.progress = new Progress(this.history, this.clock, opts.progress);
    this.ctx = { opts, rng: this.rng };
    const { network, rng, clientIds, runDir, abort, unmatched } = this;
    this.cluster = new Cluster({ opts, world, network, rng, clientIds, runDir, abort, unmatched, log: this.log });
    this.workers = this.createWorkers();
    this.nemesis = this.createNemesis();
  }

  /**
   * All phases in order, driven by the world; an abort (or Ctrl-C) skips to teardown, which
   * always runs. A simulated world that gets stuck (nothing left to happen while the run
   * waits) aborts the run, which is then torn down on its own. The signal handlers stay until
   * the run folder is written.
   */
  async execute(): Promise<RunOutcome> {
    const stopWatching = this.world.watchInterrupts((signal) => this.interrupt(signal));
    try {
      try {
        await this.world.drive(() => this.phases());
      } catch (error) {
        if (!(error instanceof WorldStuck)) throw error;
        this.abort.trigger(new RunAbortError(error.type, error.message));
        await this.world.drive(() => this.teardown());
      } finally {
        this.world.close();
      }
      return await this.analyze();
    } finally {
      stopWatching();
    }
  }

  private async phases(): Promise<void> {
    try {
      await this.init();
      await this.setup();
      await this.main();
      await this.final();
    } catch (error) {
      if (!(error instanceof RunAbortError)) throw error;
      this.abort.trigger(error);
    } finally {
      await this.teardown();
    }
  }

  /**
   * SIGINT/SIGTERM abort the run: teardown still kills every node and the results say
   * "interrupted"; during checking, the checks stop and the folder is written, marked
   * interrupted; during the writes, they finish. A second signal kills the nodes and exits at
   * once (the folder then lacks results.json: visibly incomplete). Without this, a runner
   * signalled alone (`kill`, a CI timeout) would die and leave its nodes running. Nodes that
   * die of the same Ctrl-C (they share the terminal's process group) are not crashes.
   */
  private interrupt(signal: keyof typeof INTERRUPT_EXIT_CODES): void {
    const exitCode = INTERRUPT_EXIT_CODES[signal];
    if (this.signalled) {
      this.cluster.killAll();
      process.exit(exitCode);
    }
    this.signalled = true;
    this.interruptedWhileChecking = this.phase === "checking";
    this.log(`${signal}: interrupted; ${SIGNAL_EFFECTS[this.phase]} (again to quit at once)`);
    const when = `at ${seconds(this.clock.nowMs())}${this.phase === "running" ? "" : ` while ${this.phase}`}`;
    this.abort.trigger(new RunAbortError("interrupted", `Interrupted by ${signal} ${when}`, exitCode));
  }

  /** Sets the cluster up: services, every node started and initialised (world/cluster.ts). */
  async init(): Promise<void> {
    const { opts } = this;
    const nodes = `${opts.nodeIds.length} node(s) of ${opts.bin}`;
    this.log(`Running ${opts.workload} with ${nodes}, ${this.world.description} (seed ${opts.seed})`);
    this.log(`Run folder: ${this.runDir}`);
    await this.cluster.setUp();
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
          // The RPC under way, so that a failure names the request and the reply it waited for.
          let sent: Rpc | undefined;
          const connection: ClientConnection = {
            clientId: client.clientId,
            node: client.node,
            call: (rpc, body, timeoutMs) => {
              sent = rpc;
              return client.call(rpc, body, timeoutMs);
            },
          };
          try {
            await setup(connection, this.ctx);
          } catch (error) {
            throw new RunAbortError(rpcErrorType(error), setupFailure(client.node, sent, error));
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
      const { rng, workers, world } = this;
      stagger = new Stagger(clock, rng, opts.rate, deadlineMs, workers.length, world.wakeUps());
      const loops = this.workers.map((worker) =>
        runWorkerLoop(worker, source, { phaseStartMs: startMs, deadlineMs, clock, stagger, aborted }),
      );
      try {
        await this.abort.race(Promise.all(loops));
      } finally {
        stagger.finish();
      }
    } else {
      await this.abort.race(sleep(clock, opts.timeLimitSec * 1000));
    }
    await this.abort.race(Promise.resolve(nemesis));
    this.mainPhase = {
      startMs,
      endMs: clock.nowMs(),
      invocations: history.counts.invoke - invocationsBefore,
      lateMs: stagger?.lateMs,
    };
  }

  /** Heal, wait for recovery, then each worker runs its own copy of the final generator. */
  async final(): Promise<void> {
    const { workload, clock } = this;
    const finalGenerator = workload.finalGenerator;
    if (!finalGenerator) return;
    if (this.nemesis) this.progress.enter("healing");
    await this.abort.race(this.nemesis?.stopAll() ?? Promise.resolve());
    await this.abort.race(this.cluster.restartsSettled()); // every restarted node answers init first
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

  /** Stops everything: the nemesis, the clients, and every node (SIGKILL, as Maelstrom's db teardown). */
  async teardown(): Promise<void> {
    this.progress.stop();
    this.nemesis?.clear();
    for (const worker of this.workers) worker.close();
    await this.cluster.teardown();
  }

  /**
   * Writes the run folder in Jepsen's order: the options and the history first (save-1!), then
   * the checks (unless the run aborted), then the results, results.json last (save-2!); only
   * then does `latest` move. A store that cannot be written (a full disk) ends the run with one
   * line and 255, its folder without results.json.
   */
  async analyze(): Promise<RunOutcome> {
    this.phase = "checking";
    this.journal.close();
    let results: RunResults;
    try {
      await saveBeforeAnalysis(this.runDir, this.opts, this.history.ops, this.storeFs);
      results = await this.check();
      this.phase = "saving";
      await saveResults(this.runDir, this.opts, this.history.ops, results, this.logLines, this.storeFs);
    } catch (error) {
      if (!(error instanceof StoreError)) throw error;
      return this.unrecorded(error);
    }
    this.pointLatest();
    const aborting = this.abortReason();
    this.logMalformedRpcs();
    this.cluster.logLateReplies();
    if (aborting) {
      this.log(`ERROR: ${aborting.type}: ${aborting.message}`);
      for (const crash of this.cluster.crashes) logCrash(crash, this.log);
    }
    const exitCode = aborting ? aborting.exitCode : exitCodeOf(results["valid?"]);
    return { exitCode, results, runDir: this.runDir, interrupted: aborting?.type === "interrupted" };
  }

  /** Why the run ended early, if it did: the abort, or a crash noticed at teardown. */
  private abortReason(): RunAbortError | undefined {
    const crash = this.cluster.crashes[0];
    return this.abort.reason ?? (crash && new RunAbortError("node-crashed", crashMessage(crash)));
  }

  /**
   * The results: an aborted run's reason, or the history checks raced against a signal, which
   * stops them and leaves the run marked interrupted, with what only the run could measure.
   */
  private async check(): Promise<RunResults> {
    const aborting = this.abortReason();
    if (aborting && !(aborting.type === "interrupted" && this.interruptedWhileChecking)) {
      const crashes = this.cluster.crashes.map((crash) => ({ type: "node-crashed" as const, ...crash }));
      const unmatchedReplies = this.unmatched.record();
      return {
        "valid?": "unknown",
        aborted: `${aborting.type}: ${aborting.message}`,
        "abort-type": aborting.type,
        errors: {
          crashes,
          "protocol-violations": this.cluster.violations,
          ...(unmatchedReplies ? { "unmatched-replies": unmatchedReplies } : {}),
        },
      };
    }
    const input: AnalysisInput = {
      opts: this.opts,
      workload: this.workload,
      history: this.history.ops,
      network: this.network,
      violations: this.cluster.violations,
      unmatchedReplies: this.unmatched.record(),
      mainPhase: this.mainPhase,
      runDir: this.runDir,
      cpuAtStart: this.cpuAtStart,
      nodesResidentMb: this.cluster.residentMbAtTeardown,
      world: this.world.report(),
    };
    const checking = checkSavedHistory(input);
    try {
      return analyze(input, await this.abort.race(checking.result));
    } catch (error) {
      if (!(error instanceof RunAbortError)) throw error;
      checking.cancel();
      const why = `${error.message}; the history is saved, and \`maelstrom analyze ${this.runDir}\` checks it`;
      return interruptedAnalysis(input, why);
    }
  }

  /** `latest` names complete runs only; failing to move it loses nothing, so it is a warning. */
  private pointLatest(): void {
    try {
      pointLatestAt(this.opts.storeDir, this.opts.workload, this.runDir, this.storeFs);
    } catch (error) {
      if (!(error instanceof StoreError)) throw error;
      this.log(`WARN ${error.message}`);
    }
  }

  /** The run folder could not be written: one line, exit 255, and a folder without results.json. */
  private unrecorded(error: StoreError): RunOutcome {
    this.log(`ERROR: ${error.message}; the run folder ${this.runDir} is incomplete (it has no ${RUN_FILES.results})`);
    const aborted = `store-failed: ${error.message}`;
    const results: RunResults = { "valid?": "unknown", aborted, "abort-type": "store-failed" };
    const interrupted = this.abort.reason?.type === "interrupted";
    return { exitCode: 255, results, runDir: this.runDir, interrupted, incomplete: true };
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
    return Array.from(
      { length: opts.concurrency },
      (_, thread) => new Worker(thread, opts.nodeIds[thread % opts.nodeIds.length]!, env),
    );
  }

  /** The nemesis for --nemesis (nemesis/faults/ composes Maelstrom's packages), or undefined for none. */
  private createNemesis(): Nemesis | undefined {
    const { opts } = this;
    const world = { network: this.network, nodeIds: opts.nodeIds, nodeControl: this.cluster.control };
    const intervalMs = opts.nemesisIntervalSec * 1000;
    return buildNemesis(opts.nemesis, world, { history: this.history, clock: this.clock, intervalMs, seed: opts.seed });
  }

  /** Jepsen logs each crashed op's exception; one full explanation and a count per kind say the same here. */
  private logMalformedRpcs(): void {
    for (const { type, one, many } of MALFORMED_RPC_KINDS) {
      const malformed = this.history.ops.filter((op) => op.error === type);
      if (malformed.length === 0) continue;
      this.log(
        `WARN ${type}: ${malformed.length} ${malformed.length === 1 ? one : many} broke the ${one} schema (all in ` +
          `history.jsonl); the first:`,
      );
      for (const line of (malformed[0]!.exception ?? "").split("\n")) this.log(`     ${line}`);
    }
  }

  private logNetEvent(event: JournalEvent): void {
    const { opts } = this;
    if ((event.type === "send" && opts.logNetSend) || (event.type === "recv" && opts.logNetRecv)) {
      this.log(
        `:${event.type} ${JSON.stringify({ id: event.id, src: event.src, dest: event.dest, body: event.body })}`,
      );
    }
  }
}

/** What a first signal does in each phase of the run. */
const SIGNAL_EFFECTS = {
  running: "stopping the run and killing every node",
  checking: "stopping the checks and writing the run folder, marked interrupted",
  saving: "finishing the run folder's writes",
} as const;

/**
 * Why a node's setup failed, naming the request that went unanswered and the reply expected,
 * in the words the init failure uses (a bare "no reply within 5000 ms" said neither).
 */
function setupFailure(node: string, rpc: Rpc | undefined, error: unknown): string {
  const failed = `Setup of node ${node} failed`;
  if (!rpc) return `${failed}: ${errorMessage(error)}`;
  const [request, reply] = [rpc.request.type, rpc.reply.type];
  if (error instanceof RPCTimeout) {
    const within = `no ${reply} within ${error.timeoutMs / 1000} s`;
    return `${failed}: expected it to answer a ${request} message with ${reply}, but it did not respond (${within}).`;
  }
  if (error instanceof RPCErrorReply) {
    const code = `${error.code} (${error.codeName})`;
    const answered = `but it responded with error ${code}: ${error.text ?? ""}`;
    return `${failed}: expected a ${reply} to its ${request} message, ${answered}`;
  }
  return `${failed}: ${errorMessage(error)}`;
}

/** Maelstrom's name for an RPC failure: the :type its client throws. */
function rpcErrorType(error: unknown): string {
  if (error instanceof MalformedRpc) return error.type;
  if (error instanceof RPCTimeout) return "timeout";
  if (error instanceof RPCErrorReply) return "rpc-error";
  return "exception";
}

function logCrash(report: CrashReport, log: (line: string) => void): void {
  log(`Node ${report.node} exited with status ${report.exitCode ?? `signal ${report.signal}`}`);
  log(formatTails(report));
}
