/**
 * Maelstrom's defaults in one place, each with the reason it has the value it has.
 * Sources: maelstrom-spec.md §4 (CLI), §1.5–1.6 (timeouts), §3.2 (nemesis), §4.1 (generator).
 */
export const DEFAULTS = {
  /** `-w`: Maelstrom's default workload. */
  workload: "lin-kv",
  /** Jepsen's default node list, used when neither --node-count nor --nodes is given. */
  nodes: ["n1", "n2", "n3", "n4", "n5"],
  /** `--time-limit`: seconds of the main phase. */
  timeLimitSec: 60,
  /** `--rate`: requests per second over all clients. */
  rate: 5,
  /** `--concurrency`: "1n" = one worker per node. */
  concurrency: "1n",
  /** `--latency`: mean node↔node / node↔service latency in ms. */
  latencyMs: 0,
  latencyDist: "constant" as LatencyDist,
  /** `--nemesis-interval`: mean seconds between nemesis ops. */
  nemesisIntervalSec: 10,
  consistencyModels: ["strict-serializable"],
  topology: "grid",
  /** Elle's default active key pool. */
  keyCount: 10,
  maxTxnLength: 4,
  maxWritesPerKey: 16,
  testCount: 1,
  /** `serve` port, as Maelstrom's `-p`. */
  servePort: 8080,
} as const;

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
  /** How many trailing stdout/stderr lines a crash report shows (process.clj keeps 32). */
  crashTailLines: 32,
  /**
   * Node processes run at this niceness, so the runner, which plays the network and the
   * clients, gets the CPU first and delivers on time even when the nodes saturate the machine
   * (the scheduler weighs nice 19 at 15 against 1024 at nice 0: 100 busy nodes together
   * weigh about as much as the runner).
   */
  nodeNiceness: 19,
  /** A delivery later than this at p99 means the machine could not keep up. */
  overloadLatenessP99Ms: 10,
  /** Achieved rate under this fraction of --rate means the machine could not keep up. */
  overloadRateFraction: 0.9,
} as const;

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
  nemesis: "partition"[];
  nemesisIntervalSec: number;
  availability: Availability | undefined;
  consistencyModels: string[];
  topology: string;
  keyCount: number;
  maxTxnLength: number;
  maxWritesPerKey: number;
  logStderr: boolean;
  logNetSend: boolean;
  logNetRecv: boolean;
  testCount: number;
  seed: number;
  /** Root folder of run outputs (store/). */
  storeDir: string;
  /** Print the live progress line (off in tests). */
  progress: boolean;
}
