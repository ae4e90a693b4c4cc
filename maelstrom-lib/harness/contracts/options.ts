/**
 * The options a run is given and the limits that are not flags: what every part of the runner
 * may read. The flag table that fills the options from a command line is config.ts; these sit
 * below it, so that the network, the processes and the checkers need not import the flags (nor,
 * through them, the workloads and checkers the flags validate against).
 */
/** A bad command line: exit 254 with this message. */
export class CliError extends Error {}

export type LatencyDist = "constant" | "uniform" | "exponential";
export type Availability = "total" | number;

/** Everything a run needs, parsed and validated from the CLI. */
export interface TestOptions {
  workload: string;
  /** Absolute path of the node executable. */
  bin: string;
  /** Positional CLI tokens, handed to each node as argv. */
  binArgs: string[];
  nodeIds: string[];
  timeLimitSec: number;
  rate: number;
  /** Number of worker threads (Kn already multiplied out). */
  concurrency: number;
  latencyMs: number;
  latencyDist: LatencyDist;
  /** The faults to inject, by the names nemesis/faults/ registers, each once, in registration order. */
  nemesis: string[];
  nemesisIntervalSec: number;
  availability: Availability | undefined;
  consistencyModels: string[];
  topology: string;
  keyCount: number;
  minTxnLength: number;
  maxTxnLength: number;
  maxWritesPerKey: number;
  logStderr: boolean;
  logNetSend: boolean;
  logNetRecv: boolean;
  testCount: number;
  /** Findings beyond Maelstrom's checks decide the verdict (ours; Maelstrom has no such flag). */
  strict: boolean;
  /** Run the nodes in the deterministic simulation instead of as processes (ours). */
  sim: boolean;
  seed: number;
  /** Root folder of run outputs (store/). */
  storeDir: string;
  /** Print the live progress line (off in tests). */
  progress: boolean;
}

/** Timeouts and phases that are not flags in Maelstrom. */
export const TIMING = {
  /** A node must answer init within this (db.clj). */
  initTimeoutMs: 10_000,
  /** Workload setup RPCs (broadcast topology) must answer within this. */
  setupTimeoutMs: 5_000,
  /** Default client RPC timeout (client.clj). */
  clientTimeoutMs: 5_000,
  /** Sleep between healing the network and the final ops (core.clj). */
  recoverySec: 10,
} as const;

/** `maelstrom serve` listens here unless -p says otherwise (Jepsen's serve-cmd default). */
export const SERVE_DEFAULT_PORT = 8080;

/** Limits of the runner itself that are not flags: what it shows, and when it calls itself overloaded. */
export const RUNNER_LIMITS = {
  /** How many trailing stdout/stderr lines a crash report shows (process.clj keeps 32). */
  crashTailLines: 32,
  /** How much of the end of a node's log a crash report reads for those stderr lines. */
  crashTailBytes: 64 * 1024,
  /**
   * The longest stdout line read from a node: the node runtime's own input limit
   * (node/wire.ts MAX_LINE_CHARS), so nothing longer could be delivered to a node anyway.
   * A longer line is a protocol violation; until its end it costs the runner this much.
   */
  stdoutLineChars: 64 * 1024 * 1024,
  /** With --log-stderr, a longer stderr line is shown on the console cut to its start (the log keeps it whole). */
  echoedLineChars: 16 * 1024,
  /**
   * Text written to a node's stdin that it has not read yet (it is paused, stuck, or blocked
   * writing to a stdout the runner stopped reading): past this, messages to it are dropped,
   * with a warning, instead of piling up in the runner's memory.
   */
  stdinBacklogChars: 64 * 1024 * 1024,
  /**
   * Node processes run at this niceness, so the runner, which plays the network and the
   * clients, gets the CPU first and delivers on time even when the nodes saturate the machine
   * (the scheduler weighs nice 19 at 15 against 1024 at nice 0: 100 busy nodes together
   * weigh about as much as the runner).
   */
  nodeNiceness: 19,
  /** A delivery later than this at p99 means the machine could not keep up. */
  overloadLatenessP99Ms: 10,
  /**
   * Ops that waited for a free worker for more than (1 − this) of the main phase mean the nodes
   * (or --concurrency) held the rate back; late wake-ups alone are Jepsen's stagger too.
   */
  overloadRateFraction: 0.9,
} as const;
