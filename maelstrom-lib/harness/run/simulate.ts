/**
 * Running one test in the deterministic simulation. `simulateTest` loads the node program,
 * runs the test in a worker thread (sim-worker.ts) and watches it: the worker shows, through
 * shared memory (sim-watch.ts), which node's event it is running; when one does not hand
 * control back for `hangMs` (an endless loop in a handler), the watchdog stops the worker and
 * writes the run folder as aborted, naming the node and the message. Ctrl-C stops it the same
 * way, as `interrupted`. Nothing is printed here: console lines go to the caller's `log`.
 * Seed search and shrinking call `simulateTest` once per candidate run.
 */
import { loadWorkload } from "../workloads/index.ts";
import type { TestOptions } from "../contracts/options.ts";
import type { Workload } from "../contracts/types.ts";
import type { RunResults } from "../contracts/results.ts";
import { Run, type RunOutcome } from "./run.ts";
import { createRunDir, pointLatestAt, saveBeforeAnalysis, saveResults } from "../store/store.ts";
import { INTERRUPT_EXIT_CODES, RunAbortError } from "./run-abort.ts";
import { seconds } from "../primitives/log-text.ts";
import { NodeProgram } from "../world/sim-program.ts";
import { LOADING_MESSAGE_ID, readWatch, TIMER_MESSAGE_ID, WATCH_BYTES, type WatchReading } from "../world/sim-watch.ts";
import { SimWorld } from "../world/sim-world.ts";

/** How a simulated test is watched and where its lines go. */
export interface SimulateOptions {
  /** Console lines of the run (none are printed otherwise). */
  log?: (line: string) => void;
  /** How long one node event may run before the watchdog stops the run (default 5 s of wall time). */
  hangMs?: number;
}

/** What the worker is sent. */
export interface SimulationRequest {
  opts: TestOptions;
  program: { bin: string; source: string | undefined; loadError: string | undefined };
  watch: SharedArrayBuffer;
}

/** What the worker sends back. */
export type SimulationReply =
  | { kind: "log"; line: string }
  | { kind: "run-dir"; runDir: string }
  | { kind: "done"; outcome: RunOutcome }
  | { kind: "error"; message: string };

const DEFAULT_HANG_MS = 5_000;
const WATCH_PERIOD_MS = 100;
/** Simulated time a run may go on past its --time-limit (init, recovery, final reads) before it is stuck. */
const OVERRUN_MS = 10 * 60_000;

/**
 * Runs one test in the simulation, in a worker thread under the watchdog, and returns its
 * outcome. Throws CliError (one line, exit 254) for a --bin the simulation cannot run.
 */
export async function simulateTest(opts: TestOptions, options: SimulateOptions = {}): Promise<RunOutcome> {
  const program = await NodeProgram.load(opts.bin);
  const watch = new SharedArrayBuffer(WATCH_BYTES);
  const request: SimulationRequest = {
    opts,
    program: { bin: program.bin, source: program.source, loadError: program.loadError },
    watch,
  };
  return new Promise<RunOutcome>((resolve, reject) => {
    new Watchdog(request, options, resolve, reject).start();
  });
}

/**
 * Runs one test in the simulation in this thread, without a watchdog (the worker's body); a
 * test may pass a workload of its own instead of the one `opts` names.
 */
export async function runSimulation(
  opts: TestOptions,
  program: NodeProgram,
  hooks: { log: (line: string) => void; onRunDir?: (runDir: string) => void; watch?: SharedArrayBuffer },
  workload: Workload = loadWorkload(opts.workload),
): Promise<RunOutcome> {
  const maxVirtualMs = opts.timeLimitSec * 1000 + OVERRUN_MS;
  const world = new SimWorld({
    program,
    seed: opts.seed,
    nodeIds: opts.nodeIds,
    log: hooks.log,
    maxVirtualMs,
    watch: hooks.watch,
  });
  const run = new Run(opts, workload, hooks.log, world);
  hooks.onRunDir?.(run.runDir);
  return run.execute();
}

/** One worker and the watch over it. */
class Watchdog {
  private readonly worker = new Worker(new URL("./sim-worker.ts", import.meta.url).href);
  private readonly lines: string[] = [];
  private runDir: string | undefined;
  private lastEvents = 0;
  private lastChangeMs = performance.now();
  private timer: ReturnType<typeof setInterval> | undefined;
  private finished = false;
  private readonly onSignal = (signal: "SIGINT" | "SIGTERM") =>
    void this.stop(
      new RunAbortError(
        "interrupted",
        `Interrupted by ${signal}; the simulation was stopped`,
        INTERRUPT_EXIT_CODES[signal],
      ),
    );
  private readonly onSigint = () => this.onSignal("SIGINT");
  private readonly onSigterm = () => this.onSignal("SIGTERM");

  constructor(
    private readonly request: SimulationRequest,
    private readonly options: SimulateOptions,
    private readonly resolve: (outcome: RunOutcome) => void,
    private readonly reject: (error: Error) => void,
  ) {}

  start(): void {
    this.worker.onmessage = (event: MessageEvent<SimulationReply>) => this.receive(event.data);
    this.worker.onerror = (event) => this.fail(new Error(`the simulation's worker failed: ${event.message}`));
    this.timer = setInterval(() => this.check(), WATCH_PERIOD_MS);
    process.on("SIGINT", this.onSigint);
    process.on("SIGTERM", this.onSigterm);
    this.worker.postMessage(this.request);
  }

  private receive(reply: SimulationReply): void {
    if (this.finished) return;
    switch (reply.kind) {
      case "log":
        this.lines.push(reply.line);
        this.options.log?.(reply.line);
        return;
      case "run-dir":
        this.runDir = reply.runDir;
        return;
      case "done":
        this.finish();
        this.resolve(reply.outcome);
        return;
      case "error":
        this.fail(new Error(reply.message));
    }
  }

  /** A node event that has run for longer than hangMs stops the run. */
  private check(): void {
    const reading = readWatch(this.request.watch);
    const nowMs = performance.now();
    if (reading.events !== this.lastEvents) {
      this.lastEvents = reading.events;
      this.lastChangeMs = nowMs;
      return;
    }
    const hangMs = this.options.hangMs ?? DEFAULT_HANG_MS;
    if (reading.node < 0 || nowMs - this.lastChangeMs < hangMs) return;
    void this.stop(new RunAbortError("node-hung", this.hungMessage(reading, hangMs)));
  }

  private hungMessage(reading: WatchReading, hangMs: number): string {
    const node = this.request.opts.nodeIds[reading.node] ?? `#${reading.node}`;
    const doing =
      reading.messageId === LOADING_MESSAGE_ID
        ? "while loading its program"
        : reading.messageId === TIMER_MESSAGE_ID
          ? "in a timer callback"
          : `while handling message ${reading.messageId} (${reading.type})`;
    const at = `at ${seconds(reading.nowMs)} of simulated time`;
    const stuck = `did not hand control back for ${hangMs / 1000} s ${doing} ${at}`;
    return `Node ${node} ${stuck}: an endless loop? The simulation was stopped`;
  }

  /** Stops the worker and writes what is known of the run as aborted. */
  private async stop(reason: RunAbortError): Promise<void> {
    if (this.finished) return;
    this.finish();
    try {
      this.resolve(await this.writeAborted(reason));
    } catch (error) {
      this.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private async writeAborted(reason: RunAbortError): Promise<RunOutcome> {
    const { opts } = this.request;
    const line = `ERROR: ${reason.type}: ${reason.message}`;
    this.lines.push(line);
    this.options.log?.(line);
    const runDir = this.runDir ?? createRunDir(opts.storeDir, opts.workload);
    const results: RunResults = {
      "valid?": "unknown",
      aborted: `${reason.type}: ${reason.message}`,
      "abort-type": reason.type,
      errors: { crashes: [], "protocol-violations": [] },
    };
    // The history died with the worker; the folder still holds the options and the reason.
    await saveBeforeAnalysis(runDir, opts, []);
    await saveResults(runDir, opts, [], results, this.lines);
    pointLatestAt(opts.storeDir, opts.workload, runDir);
    return { exitCode: reason.exitCode, results, runDir, interrupted: reason.type === "interrupted" };
  }

  private fail(error: Error): void {
    if (this.finished) return;
    this.finish();
    this.reject(error);
  }

  private finish(): void {
    this.finished = true;
    this.worker.terminate();
    clearInterval(this.timer);
    process.off("SIGINT", this.onSigint);
    process.off("SIGTERM", this.onSigterm);
  }
}
