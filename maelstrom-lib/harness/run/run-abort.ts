/**
 * Why and how a run stops early: the reason, under Maelstrom's name for it, and the one place
 * the first reason is kept, which every phase of the run races against.
 */

/**
 * Why a run stopped early (exit 255), under Maelstrom's name for it where it has one:
 * `init-failed` (db.clj), `node-crashed` (process.clj), the setup RPC's own error
 * (`malformed-rpc-request`, `malformed-rpc-response`, `timeout`, `rpc-error`), and ours:
 * `node-start-failed` (Maelstrom throws the JVM's IOException there), `interrupted`
 * (SIGINT/SIGTERM), and the simulated world's `deadlock`, `time-limit-exceeded` and
 * `node-hung`.
 */
export class RunAbortError extends Error {
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
export class RunAbort {
  reason: RunAbortError | undefined;
  private reject: (error: RunAbortError) => void = () => {};
  private readonly signal = new Promise<never>((_, reject) => {
    this.reject = reject;
  });

  constructor() {
    this.signal.catch(() => {});
  }

  /** True once a reason was given. */
  get aborted(): boolean {
    return this.reason !== undefined;
  }

  /** Aborts the run, unless it already was (the first reason is kept). */
  trigger(reason: RunAbortError): void {
    this.reason ??= reason;
    this.reject(reason);
  }

  /** Waits for `work`, or throws RunAbortError as soon as the run aborts. */
  race<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.signal]);
  }
}

/** The shell's exit codes for death by these signals (128 + signal number). */
export const INTERRUPT_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
