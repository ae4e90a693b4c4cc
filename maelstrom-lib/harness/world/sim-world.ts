/**
 * The simulated world: every node is an in-process instance of a program on our runtime
 * (sim-node.ts), and one scheduler owns virtual time (sim-clock.ts). Driving a run pops the
 * next event, sets virtual now to its time, runs it, and lets every promise it set off settle
 * (one real macrotask) before the next: so a node's handler, its replies, and the clients
 * they wake all happen at the event's moment. Same program, same flags, same seed: the same
 * events in the same order, so the same files.
 *
 * Followed: turmoil (sim.rs: the current host is known while its code runs, a crash drops a
 * host's software and a bounce starts it afresh, a run that cannot finish is an error, not a
 * hang) and madsim (task/mod.rs `block_on`: one timer queue, "no events, all tasks will block
 * forever" reported as such; a paused node's tasks wait in a list until resume; a killed
 * node's tasks are ignored).
 */
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { seconds } from "../primitives/log-text.ts";
import { clockWakeUps, type WakeUps } from "../primitives/wake-ups.ts";
import { SimClock, type EventOwner, type SimEvent } from "./sim-clock.ts";
import { SimNodeHost } from "./sim-node.ts";
import type { NodeProgram } from "./sim-program.ts";
import { formatNodeStacks } from "./sim-stacks.ts";
import { WatchWriter } from "./sim-watch.ts";
import { WorldStuck, type NodeHost, type NodeHostOptions, type World, type WorldReport } from "./world.ts";

/** What a simulated world is made from. */
export interface SimWorldOptions {
  program: NodeProgram;
  /** The run's seed: each node instance draws its randomness from its own stream of it. */
  seed: number;
  /** The run's node ids, in order (an instance's index, for the watchdog). */
  nodeIds: readonly string[];
  /** Where the world's own warnings go (escapes). */
  log: (line: string) => void;
  /** Virtual time after which a run that has not ended is stuck. */
  maxVirtualMs: number;
  /** Shared memory the watchdog reads (sim-watch.ts), when there is one. */
  watch?: SharedArrayBuffer;
}

/** How many real macrotasks a run may wait with nothing scheduled before it is a deadlock. */
const QUIET_TICKS = 3;

/** In-process instances on virtual time. */
export class SimWorld implements World {
  readonly clock = new SimClock();

  /** Virtual time is exact already: the stagger parks on the event queue. */
  wakeUps(): WakeUps {
    return clockWakeUps(this.clock);
  }
  readonly description = "simulated in-process on virtual time";
  readonly program: NodeProgram;
  private readonly watch: WatchWriter | undefined;
  private readonly incarnations = new Map<string, number>();
  private readonly logFiles = new Map<string, number>();
  /** Each escape, once, with the nodes it came from. */
  private readonly escapes = new Map<string, Set<string>>();
  /** The node whose event ran last: stray errors reported now are its. */
  private current: EventOwner | undefined;
  /** An error of the runner's own code, thrown from an event or a promise it left unhandled. */
  private runnerFault: unknown;
  private eventCount = 0;
  private wallMs = 0;

  constructor(private readonly options: SimWorldOptions) {
    this.program = options.program;
    this.watch = options.watch && new WatchWriter(options.watch);
  }

  startNode(options: NodeHostOptions): NodeHost {
    const incarnation = (this.incarnations.get(options.id) ?? 0) + 1;
    this.incarnations.set(options.id, incarnation);
    const index = this.options.nodeIds.indexOf(options.id);
    const seed = (Math.imul(this.options.seed ^ 0x5bd1e995, 31) + index * 0x9e3779b1 + incarnation * 0x85ebca6b) >>> 0;
    return new SimNodeHost(this, options, index, seed);
  }

  async drive<T>(work: () => Promise<T>): Promise<T> {
    const startedMs = performance.now();
    const stopCatching = this.catchStrayErrors();
    const stopFormatting = formatNodeStacks();
    let settled = false;
    const result = work();
    result.then(
      () => (settled = true),
      () => (settled = true),
    );
    try {
      await nextMacrotask();
      while (!settled) {
        const event = this.nextRunnable();
        if (event === undefined) {
          if (await this.quietlySettles(() => settled)) continue;
          throw new WorldStuck("deadlock", this.deadlockMessage());
        }
        if (event.atMs > this.options.maxVirtualMs)
          throw new WorldStuck("time-limit-exceeded", this.timeLimitMessage());
        this.run(event);
        await nextMacrotask();
        if (this.runnerFault !== undefined) throw this.runnerFault;
      }
      if (this.runnerFault !== undefined) throw this.runnerFault;
    } finally {
      stopCatching();
      stopFormatting();
      this.watch?.idle();
      this.current = undefined;
      this.wallMs += performance.now() - startedMs;
    }
    return result;
  }

  watchInterrupts(): () => void {
    return () => {}; // the thread that started the simulation handles Ctrl-C (simulate.ts)
  }

  report(): WorldReport {
    const warnings = [...this.escapes].map(([what, nodes]) => escapeWarning(what, nodes));
    return { fields: { simulated: true, "sim-events": this.eventCount, "wall-seconds": this.wallMs / 1000 }, warnings };
  }

  close(): void {
    for (const fd of this.logFiles.values()) closeSync(fd);
    this.logFiles.clear();
  }

  /** Appends to a node's log (written at once, so a node stopped by the watchdog leaves its log behind). */
  writeLog(path: string, text: string): void {
    let fd = this.logFiles.get(path);
    if (fd === undefined) {
      mkdirSync(dirname(path), { recursive: true });
      fd = openSync(path, "a");
      this.logFiles.set(path, fd);
    }
    writeSync(fd, text);
  }

  /** Records that `node` reached the real machine; said on the console the first time. */
  escape(node: string, what: string): void {
    const nodes = this.escapes.get(what);
    if (nodes) {
      nodes.add(node);
      return;
    }
    this.escapes.set(what, new Set([node]));
    this.options.log(`WARN ${escapeWarning(what, [node])}`);
  }

  /** The next event that may run now: cancelled ones and those of gone nodes are dropped, a paused node's held. */
  private nextRunnable(): SimEvent | undefined {
    for (;;) {
      const event = this.clock.next();
      if (event === undefined || (!event.cancelled && event.owner === undefined)) return event;
      if (event.cancelled || event.owner!.gone) continue;
      if (!event.owner!.paused) return event;
      event.owner!.hold(event);
    }
  }

  private run(event: SimEvent): void {
    const owner = event.owner;
    this.current = owner;
    this.eventCount++;
    this.watch?.event(this.clock.nowMs(), owner?.index ?? -1, event.label);
    if (owner === undefined) {
      event.run(); // the runner's own: an exception is a bug in the runner, and ends the run
      return;
    }
    try {
      event.run();
    } catch (error) {
      owner.uncaught("exception", error);
    }
  }

  /** Nothing is queued: a few real macrotasks may still settle the run, or schedule something. */
  private async quietlySettles(settled: () => boolean): Promise<boolean> {
    for (let tick = 0; tick < QUIET_TICKS; tick++) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (settled() || this.clock.pending > 0) return true;
    }
    return false;
  }

  /** Stray errors go to the node whose event ran last, as a process's own go to that process. */
  private catchStrayErrors(): () => void {
    const onException = (error: unknown) => this.stray("exception", error);
    const onRejection = (error: unknown) => this.stray("rejection", error);
    process.on("uncaughtException", onException);
    process.on("unhandledRejection", onRejection);
    return () => {
      process.off("uncaughtException", onException);
      process.off("unhandledRejection", onRejection);
    };
  }

  private stray(kind: "exception" | "rejection", error: unknown): void {
    if (this.current !== undefined) this.current.uncaught(kind, error);
    else this.runnerFault ??= error;
  }

  private deadlockMessage(): string {
    return (
      `nothing was left to happen at ${seconds(this.clock.nowMs())} of simulated time while the run still waited ` +
      `(no timer, no message in flight): a deadlock`
    );
  }

  private timeLimitMessage(): string {
    return `the run did not end within ${seconds(this.options.maxVirtualMs)} of simulated time`;
  }
}

/** The console's and the results' words for one escape. */
function escapeWarning(what: string, nodes: Iterable<string>): string {
  const who = [...nodes].join(", ");
  return `${who} escaped the simulation: ${what} reaches the real machine, so this run may not replay exactly`;
}

/** Lets every promise settle: one real macrotask. */
function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
