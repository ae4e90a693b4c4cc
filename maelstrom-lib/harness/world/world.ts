/**
 * The world a run happens in: its clock, how its nodes are hosted, and how its time moves.
 * One interface, two worlds. The real one (real-world.ts) runs each node as an OS process on
 * the wall clock; the simulated one (sim-world.ts) runs each node as an in-process instance
 * of a program on our runtime, on a virtual clock driven by one seeded event queue. The run,
 * its cluster, network, clients, generator, nemesis and checkers are the same in both.
 */
import type { WireMessage } from "../contracts/journal.ts";
import type { CrashReport, ProtocolViolation } from "../contracts/node-reports.ts";
import type { Clock } from "../primitives/clock.ts";
import type { WakeUps } from "../primitives/wake-ups.ts";
import type { Network } from "./net.ts";

/** What the cluster tells a world about one node it starts. */
export interface NodeHostOptions {
  id: string;
  bin: string;
  args: string[];
  logDir: string;
  network: Network;
  logStderr: boolean;
  onViolation: (violation: ProtocolViolation) => void;
  /** One console line: something a node did that Maelstrom allows but is almost surely a bug, or a message dropped. */
  onWarning: (line: string) => void;
  /** The node stopped by itself (not killed by the runner): a crash. */
  onExit: (report: CrashReport) => void;
  /**
   * For a node the nemesis restarts: the line that goes into the node's log before its own
   * stderr (which is appended to the log of the instances before it).
   */
  logMarker?: string;
  /**
   * A line addressed to a client that has gone: true when that is a reply a nemesis pause made
   * late, which is dropped instead of breaking the protocol.
   */
  isReplyMadeLateByPause?: (dest: string) => boolean;
}

/** One running node, however it is hosted: what the cluster does to it and asks of it. */
export interface NodeHost {
  readonly id: string;
  /** Hands the node one message from the network. */
  deliver(message: WireMessage): void;
  /** Stops the node for good (SIGKILL); its exit is then no crash. */
  kill(): void;
  /** Holds the node where it is: it reads nothing and its timers wait until resume. */
  pause(): void;
  /** Lets a paused node go on with what arrived meanwhile. */
  resume(): void;
  /** True once the runner (teardown or the nemesis) has killed it. */
  readonly killed: boolean;
  /** True once it has stopped, however. */
  readonly exited: boolean;
  /** True between pause() and resume(). */
  readonly paused: boolean;
  /** Resolves when it has stopped, however. */
  readonly exitedPromise: Promise<unknown>;
  /** Resolves when everything it wrote has been read. */
  readonly drained: Promise<void>;
  /** The last lines of output, for crash and init-failure reports. */
  crashReport(): CrashReport;
  /** Resident memory in MB, where the world can measure one node on its own. */
  residentMb(): number | undefined;
}

/** What a world adds to results.json's `runner` entry. */
export interface WorldReport {
  /** Keys merged into the `runner` entry (the simulated world's flag, its host figures). */
  fields: Record<string, unknown>;
  /** Lines for the runner's warnings (a node that escaped the simulation). */
  warnings: string[];
}

/** The world of one run. */
export interface World {
  readonly clock: Clock;
  /** A fresh way for the stagger to park until an op is due, as exact as this world's time allows. */
  wakeUps(): WakeUps;
  /** How the nodes run, for the run's first line ("as processes on the wall clock"). */
  readonly description: string;
  /** Starts one node; throws when it cannot be started at all. */
  startNode(options: NodeHostOptions): NodeHost;
  /**
   * Runs `work` to its end in this world's time. The real world just awaits it; the simulated
   * world moves virtual time from event to event until it settles, and throws WorldStuck when
   * nothing is left to happen (or time runs past its limit) while `work` still waits.
   */
  drive<T>(work: () => Promise<T>): Promise<T>;
  /** Calls `onInterrupt` on SIGINT/SIGTERM where this world listens for them; returns how to stop. */
  watchInterrupts(onInterrupt: (signal: "SIGINT" | "SIGTERM") => void): () => void;
  /** What the results say about this world. */
  report(): WorldReport;
  /** Releases what the world holds open (log files); after the run's teardown. */
  close(): void;
}

/** A simulated run that cannot go on: nothing is scheduled while the run waits, or time ran out. */
export class WorldStuck extends Error {
  constructor(
    /** The abort type the run records: `deadlock` or `time-limit-exceeded`. */
    readonly type: "deadlock" | "time-limit-exceeded",
    message: string,
  ) {
    super(message);
    this.name = "WorldStuck";
  }
}
