/**
 * Jepsen's generator and interpreter, as much of them as Maelstrom uses: a global stagger at
 * --rate that parks as precisely as Jepsen's interpreter does and hands ops round the threads,
 * synchronous workers bound to nodes, outcome classification, process churn after :info, a
 * time-limited main phase, and per-worker final phases.
 */
import {
  Client,
  type ClientIds,
  MalformedRpc,
  RPCErrorReply,
  RPCTimeout,
  type UnmatchedReplyLog,
} from "../world/client.ts";
import { sleep, type Clock } from "../primitives/clock.ts";
import type { Network } from "../world/net.ts";
import type { Rng } from "../primitives/rng.ts";
import { type History, nanosToMs, secondsToNanos } from "../contracts/history.ts";
import type { Completion, OpRequest, OpSource, Workload, WorkloadClient, WorkloadContext } from "../contracts/types.ts";
import { clockWakeUps, type WakeUps } from "../primitives/wake-ups.ts";

/**
 * Jepsen's Stagger and its interpreter (jepsen/generator.clj, generator/interpreter.clj), one
 * schedule shared by all workers. The first op goes at once. Each next op is due a uniform gap
 * in [0, 2/rate) after the previous op was actually issued: when the interpreter wakes (its
 * park, late by however little it is late) or when a worker comes free, whichever is later.
 * Lateness is never made up, so the achieved rate falls a little below --rate, as it does under
 * Maelstrom. The op goes to the first waiting worker at or after a rotating thread index, which
 * moves on by one with every op (generator/context.clj `some-free-process` and `busy-thread`):
 * ops go round the threads, so round the nodes, skipping busy ones. Jepsen's index also counts
 * the nemesis thread (a last slot, which falls through to thread 0); the nemesis's own ops do
 * not move it here, as they are not staggered.
 */
export class Stagger {
  private nextAtMs: number;
  /** Twice the mean gap, in whole nanoseconds, as Jepsen's `(long (secs->nanos (* 2 dt)))`. */
  private readonly spanNs: number;
  /** The waiting workers' grants, by thread. */
  private readonly waiting = new Map<number, (granted: boolean) => void>();
  /** Jepsen's next-thread-index: client threads 0 … threadCount-1, then the nemesis's slot. */
  private nextThreadIndex = 0;
  private timerArmed = false;
  /**
   * How late ops went, in all: waking late (timers, a busy event loop; Maelstrom's interpreter
   * has its own) or waiting for a worker to come free (slow nodes, --concurrency).
   */
  readonly lateMs = { wakeUp: 0, waitingForWorker: 0 };

  constructor(
    private readonly clock: Clock,
    private readonly rng: Rng,
    rate: number,
    private readonly deadlineMs: number,
    private readonly threadCount: number,
    /** How the stagger parks until an op is due: the world's (precise on the wall clock), else the clock's. */
    private readonly wakeUps: WakeUps = clockWakeUps(clock),
  ) {
    this.nextAtMs = clock.nowMs();
    this.spanNs = Math.trunc(secondsToNanos(2 / rate));
  }

  /** Waits until worker `thread` is handed the next op: true, or false once the deadline has passed. */
  turn(thread: number): Promise<boolean> {
    return new Promise((grant) => {
      this.waiting.set(thread, grant);
      this.schedule("waitingForWorker");
    });
  }

  /**
   * Ends the phase's account: an op that fell due before the cut-off but never went out, since
   * no worker came free in time, waited for one until the cut-off (a stuck worker would
   * otherwise hide the wait).
   */
  finish(): void {
    const endMs = Math.min(this.clock.nowMs(), this.deadlineMs);
    if (this.nextAtMs < endMs) this.lateMs.waitingForWorker += endMs - this.nextAtMs;
    this.nextAtMs = Infinity;
    this.wakeUps.close();
  }

  /** Issues the next op if it is due, else arms the timer; `cause` is what made it late if it is. */
  private schedule(cause: keyof Stagger["lateMs"]): void {
    if (this.timerArmed || this.waiting.size === 0) return;
    const waitMs = Math.min(this.nextAtMs, this.deadlineMs) - this.clock.nowMs();
    if (waitMs <= 0) {
      this.dispatch(cause);
      return;
    }
    // On waking, ask again, as Jepsen's interpreter does: a wake-up that comes early waits out
    // the rest instead of issuing before the op is due.
    this.timerArmed = true;
    this.wakeUps.after(waitMs, () => {
      this.timerArmed = false;
      this.schedule("wakeUp");
    });
  }

  private dispatch(cause: keyof Stagger["lateMs"]): void {
    const issuedAtMs = this.clock.nowMs();
    if (issuedAtMs >= this.deadlineMs) {
      for (const grant of this.waiting.values()) grant(false);
      this.waiting.clear();
      return;
    }
    this.lateMs[cause] += Math.max(0, issuedAtMs - this.nextAtMs);
    // Jepsen: `(<= next-time (:time op))` issues the op at its own time, the interpreter's
    // clock when it asked, and the next is due `(+ (:time op) (long (rand dt)))`.
    this.nextAtMs = issuedAtMs + nanosToMs(Math.trunc(this.rng.float() * this.spanNs));
    const thread = this.nextWaitingThread();
    this.nextThreadIndex = (this.nextThreadIndex + 1) % (this.threadCount + 1);
    const grant = this.waiting.get(thread)!;
    this.waiting.delete(thread);
    grant(true);
    this.schedule("wakeUp");
  }

  /** The first waiting thread at or after the rotating index, else the first from 0 (`some-free-process`). */
  private nextWaitingThread(): number {
    for (let thread = this.nextThreadIndex; thread < this.threadCount; thread++) {
      if (this.waiting.has(thread)) return thread;
    }
    for (let thread = 0; thread < this.threadCount; thread++) if (this.waiting.has(thread)) return thread;
    throw new Error("the stagger dispatched with no worker waiting");
  }
}

/** A completion caused by an exception: its message and class. */
type ExceptionCompletion = Completion & { exception?: string; "exception-class"?: string };

/**
 * The class Jepsen's exceptions checker would group this error under: Maelstrom's client throws
 * its RPC errors with slingshot's `throw+`, which makes a clojure.lang.ExceptionInfo.
 */
function exceptionClass(error: unknown): string {
  if (error instanceof MalformedRpc) return "clojure.lang.ExceptionInfo";
  return error instanceof Error ? error.constructor.name : typeof error;
}

/** Turns a thrown client error into a completion, as Maelstrom's `with-errors` does. */
export function classifyError(error: unknown, f: string, workload: Workload): ExceptionCompletion {
  const classify = workload.classifyErrors ?? true;
  const idempotent = workload.idempotent.has(f);
  if (error instanceof RPCTimeout) {
    return { type: classify && idempotent ? "fail" : "info", value: undefined, error: "net-timeout" };
  }
  if (error instanceof RPCErrorReply) {
    const type = classify && (error.definite || idempotent) ? "fail" : "info";
    return { type, value: undefined, error: [error.codeName, error.text ?? null] };
  }
  const message = error instanceof Error ? error.message : String(error);
  const kind = error instanceof MalformedRpc ? error.type : "exception";
  return { type: "info", value: undefined, error: kind, exception: message, "exception-class": exceptionClass(error) };
}

/** One worker thread: bound to one node, one op at a time, a new process after each :info. */
export class Worker {
  process: number;
  private connection: Client | undefined;
  private client: WorkloadClient | undefined;
  /** The client of a crashed process: Jepsen closes it only when the worker's next op comes. */
  private retired: Client | undefined;

  constructor(
    readonly thread: number,
    readonly node: string,
    private readonly env: WorkerEnv,
  ) {
    this.process = thread;
  }

  /** Invokes one op and records its invocation and completion. */
  async perform(op: OpRequest, phaseStartMs: number, source: OpSource): Promise<void> {
    const { history, workload, network, clock, clientIds, ctx } = this.env;
    if (!this.connection || !this.client) {
      this.retired?.close();
      this.retired = undefined;
      this.connection = new Client(clientIds.allocate(), this.node, network, clock, this.env.unmatched);
      this.client = workload.newClient(this.connection, ctx);
    }
    const invoke = history.record({
      type: "invoke",
      process: this.process,
      f: op.f,
      value: op.value,
      node: this.node,
      ...(op.final ? { final: true } : {}),
    });
    let completion: ExceptionCompletion;
    let timeout: RPCTimeout | undefined;
    try {
      completion = await this.client.invoke(op, this.info(phaseStartMs));
    } catch (error) {
      completion = classifyError(error, op.f, workload);
      if (error instanceof RPCTimeout) timeout = error;
    }
    const done = history.record({
      type: completion.type,
      process: this.process,
      f: op.f,
      value: completion.value === undefined ? op.value : completion.value,
      node: this.node,
      ...(completion.error !== undefined ? { error: completion.error } : {}),
      ...(completion.exception !== undefined
        ? { exception: completion.exception, "exception-class": completion["exception-class"] }
        : {}),
      ...(op.final ? { final: true } : {}),
    });
    if (timeout) this.env.unmatched?.timedOut(done.index, timeout);
    source.observe?.(invoke, done);
    if (completion.type === "info") this.churn();
  }

  /** What a generator may know about this worker. */
  info(phaseStartMs: number) {
    return {
      thread: this.thread,
      process: this.process,
      node: this.node,
      phaseElapsedMs: this.env.clock.nowMs() - phaseStartMs,
    };
  }

  /** Closes the worker's clients for good (teardown). */
  close(): void {
    this.retired?.close();
    this.retired = undefined;
    this.connection?.close();
    this.connection = undefined;
    this.client = undefined;
  }

  /**
   * After :info the process is presumed crashed: a new number, and unless the client is
   * reusable, a new client at the next op. Until then the old client id stays registered, so a
   * late reply to it is still a valid message (its inbox is simply never read).
   */
  private churn(): void {
    this.process += this.env.concurrency;
    if (this.env.workload.reusableClient) return;
    this.retired = this.connection;
    this.connection = undefined;
    this.client = undefined;
  }
}

/** What workers share. */
export interface WorkerEnv {
  history: History;
  workload: Workload;
  network: Network;
  clock: Clock;
  clientIds: ClientIds;
  ctx: WorkloadContext;
  concurrency: number;
  /** The run's record of replies no client could match. */
  unmatched?: UnmatchedReplyLog;
}

/** Keeps asking `source` for ops until it ends, the deadline passes or the run aborts. */
export async function runWorkerLoop(
  worker: Worker,
  source: OpSource,
  options: { phaseStartMs: number; deadlineMs: number; clock: Clock; stagger?: Stagger; aborted: () => boolean },
): Promise<void> {
  const { clock, deadlineMs } = options;
  while (!options.aborted() && clock.nowMs() < deadlineMs) {
    if (options.stagger && !(await options.stagger.turn(worker.thread))) return;
    if (options.aborted()) return;
    const next = source.next(worker.info(options.phaseStartMs));
    if (next === undefined) return;
    if ("sleepMs" in next) {
      await sleep(clock, Math.min(next.sleepMs, deadlineMs - clock.nowMs()));
      continue;
    }
    await worker.perform(next, options.phaseStartMs, source);
  }
}
