/**
 * One simulated node: an instance of the program (sim-program.ts) with its own globals
 * (sim-globals.ts), fed and read by the simulated world. Every delivery and timer of the
 * instance is an event it owns, so a pause holds them and a kill drops them, as SIGSTOP and
 * SIGKILL would. Its stdout goes through the same line checks and routing as a process's
 * (node-output.ts); its stderr goes to node-logs/<id>.log. An instance that throws while
 * loading, or calls process.exit, has crashed, as the process would have.
 */
import { join } from "node:path";
import type { WireMessage } from "../contracts/journal.ts";
import { LineSplitter } from "../../node/wire.ts";
import type { SimClock, SimEvent, EventOwner } from "./sim-clock.ts";
import { instanceGlobals, SIM_EPOCH_MS, type InstanceHost } from "./sim-globals.ts";
import { RUNNER_LIMITS } from "../contracts/options.ts";
import { NodeOutput } from "./node-output.ts";
import { ProgramLoadError, type NodeProgram } from "./sim-program.ts";
import { LOADING_MESSAGE_ID } from "./sim-watch.ts";
import type { NodeHost, NodeHostOptions } from "./world.ts";
import type { CrashReport } from "../contracts/node-reports.ts";

/** What a simulated node needs from its world. */
export interface SimNodeWorld {
  readonly clock: SimClock;
  readonly program: NodeProgram;
  /** Appends text to a log file. */
  writeLog(path: string, text: string): void;
  /** Reports an escape from the simulation. */
  escape(node: string, what: string): void;
}

/** Thrown through a node's own code by process.exit, to stop it where it stands. */
class InstanceExit extends Error {
  constructor(readonly code: number) {
    super(`process.exit(${code})`);
  }
}

/** The instance's stdin: chunks pushed by deliveries, read by the runtime's `for await`. */
class SimInput implements AsyncIterable<string> {
  private readonly queued: string[] = [];
  private wake: (() => void) | undefined;
  /** True once someone reads it (a program that never does exits when its top level ends). */
  reading = false;

  push(chunk: string): void {
    this.queued.push(chunk);
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<string> {
    this.reading = true;
    for (;;) {
      const chunk = this.queued.shift();
      if (chunk !== undefined) yield chunk;
      else await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

/** One simulated node instance. */
export class SimNodeHost implements NodeHost, EventOwner, InstanceHost {
  readonly id: string;
  readonly bin: string;
  readonly args: readonly string[];
  readonly input = new SimInput();
  readonly drained: Promise<void> = Promise.resolve();
  readonly exitedPromise: Promise<unknown>;
  readonly runtimeHost: object;
  private readonly output: NodeOutput;
  private readonly logPath: string;
  private readonly stdoutLines: LineSplitter;
  private readonly stderrLines: LineSplitter;
  private killedByRunner = false;
  private exitCode: number | null = null;
  private stopped = false;
  private held: SimEvent[] = [];
  private markExited: () => void = () => {};

  constructor(
    private readonly world: SimNodeWorld,
    private readonly options: NodeHostOptions,
    readonly index: number,
    seed: number,
  ) {
    this.id = options.id;
    this.bin = options.bin;
    this.args = options.args;
    this.output = new NodeOutput(options);
    this.logPath = join(options.logDir, `${options.id}.log`);
    this.stdoutLines = new LineSplitter(
      {
        line: (line) => void this.output.stdoutLine(line, !this.gone),
        oversizeLine: (start, chars) => void this.output.oversizeLine(start, chars, !this.gone),
      },
      RUNNER_LIMITS.stdoutLineChars,
    );
    this.stderrLines = new LineSplitter({ line: (line) => this.logLine(line), oversizeLine: () => {} }, Infinity);
    this.exitedPromise = new Promise<void>((resolve) => (this.markExited = resolve));
    this.runtimeHost = {
      input: this.input,
      output: (text: string) => this.stdout(text),
      log: (line: string) => this.stderr(`${line}\n`),
      clock: {
        nowMs: () => SIM_EPOCH_MS + world.clock.nowMs(),
        after: (delayMs: number, fn: () => void) => this.schedule(delayMs, fn),
      },
    };
    // The log exists from the start, as a process's does; a restart's marker goes on in it.
    world.writeLog(this.logPath, options.logMarker ? `${options.logMarker}\n` : "");
    // The program starts as an event of its own, so what it does while loading is the node's.
    world.clock.schedule(0, () => this.load(seed), this, { messageId: LOADING_MESSAGE_ID, type: "" });
  }

  get killed(): boolean {
    return this.killedByRunner;
  }

  get exited(): boolean {
    return this.gone;
  }

  get paused(): boolean {
    return this.stopped;
  }

  /** Killed or exited: nothing of it runs any more. */
  get gone(): boolean {
    return this.killedByRunner || this.exitCode !== null;
  }

  deliver(message: WireMessage): void {
    if (this.gone) return;
    const line = `${JSON.stringify(message)}\n`;
    this.world.clock.schedule(0, () => this.input.push(line), this, {
      messageId: message.id,
      type: String(message.body.type),
    });
  }

  kill(): void {
    if (this.gone) return;
    this.killedByRunner = true;
    this.held = [];
    this.markExited();
  }

  pause(): void {
    this.stopped = true;
  }

  resume(): void {
    this.stopped = false;
    const held = this.held;
    this.held = [];
    this.world.clock.release(held);
  }

  hold(event: SimEvent): void {
    this.held.push(event);
  }

  crashReport(): CrashReport {
    return {
      node: this.id,
      exitCode: this.exitCode,
      signal: this.killedByRunner && this.exitCode === null ? "SIGKILL" : null,
      stdoutTail: this.output.stdoutTail.lines(),
      stderrTail: this.output.stderrTail.lines(),
    };
  }

  /** One instance shares the runner's heap: there is no memory of its own to measure. */
  residentMb(): number | undefined {
    return undefined;
  }

  stdout(text: string): void {
    if (!this.gone) this.stdoutLines.push(text);
  }

  stderr(text: string): void {
    if (!this.gone) this.stderrLines.push(text);
  }

  exit(code: number): never {
    this.stopWith(code);
    throw new InstanceExit(code);
  }

  escape(what: string): void {
    this.world.escape(this.id, what);
  }

  schedule(delayMs: number, fn: () => void): () => void {
    const event = this.world.clock.schedule(delayMs, fn, this);
    return () => {
      event.cancelled = true;
    };
  }

  nowMs(): number {
    return this.world.clock.nowMs();
  }

  /**
   * An exception nobody caught in this instance's code (a timer callback, a microtask) or a
   * rejection nobody handled: logged, and the node goes on, as our runtime keeps a real
   * process going (node.ts keepProcessAlive), in the same words.
   */
  uncaught(kind: "exception" | "rejection", error: unknown): void {
    if (error instanceof InstanceExit) return;
    const what = kind === "exception" ? "uncaught exception" : "unhandled rejection";
    this.stderr(`${what}, node keeps running: ${describeError(error)}\n`);
  }

  private load(seed: number): void {
    const globals = instanceGlobals(this, seed, (require) => this.world.program.importMeta(require));
    this.world.program.instantiate(globals).then(
      () => this.topLevelDone(),
      (error) => this.topLevelFailed(error),
    );
  }

  /**
   * The top level returned without ever reading input: the process would exit 0 once its
   * timers ran out; a simulated instance is taken to exit at once (a node that reads no input
   * cannot take part in a run anyway).
   */
  private topLevelDone(): void {
    if (!this.gone && !this.input.reading) this.stopWith(0);
  }

  /** The top level threw (while loading, or from `await node.run()`): Bun prints it and exits 1. */
  private topLevelFailed(error: unknown): void {
    if (this.gone) return;
    this.stderr(`${error instanceof ProgramLoadError ? error.message : describeError(error)}\n`);
    this.stopWith(1);
  }

  private stopWith(code: number): void {
    if (this.gone) return;
    this.exitCode = code;
    this.held = [];
    this.markExited();
    const report = this.crashReport();
    this.world.clock.schedule(0, () => this.options.onExit(report), undefined);
  }

  private logLine(line: string): void {
    this.output.stderrLine(line);
    this.world.writeLog(this.logPath, `${line}\n`);
    if (this.options.logStderr) console.error(`[${this.id}] ${line}`);
  }
}

/** An error's stack (or message), or the thrown value as JSON. */
function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? error.message;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
