/**
 * The nodes of one run, as Jepsen's db (db.clj in Maelstrom): set them up (services on the
 * primary, start, init), and kill, restart, pause and resume them for the nemesis, over
 * whatever hosts the world gives (processes, or simulated instances). It records what the
 * nodes did wrong (protocol violations, crashes) for the run's results, and takes everything
 * down at teardown.
 */
import { join } from "node:path";
import {
  Client,
  type ClientIds,
  type UnmatchedReplyLog,
  MalformedReply,
  RPCErrorReply,
  RPCTimeout,
} from "../world/client.ts";
import { sleep } from "../primitives/clock.ts";
import { PauseLog, type NodeControl } from "../nemesis/db-faults.ts";
import type { Network } from "../world/net.ts";
import { TIMING, type TestOptions } from "../contracts/options.ts";
import type { Rng } from "../primitives/rng.ts";
import { INIT } from "../../protocol/init.ts";
import { attachServices } from "../world/services.ts";
import { type RunAbort, RunAbortError } from "./run-abort.ts";
import { errorMessage, seconds } from "../primitives/log-text.ts";
import type { NodeHost, World } from "../world/world.ts";
import type { CrashReport, ProtocolViolation } from "../contracts/node-reports.ts";
import { UNFLUSHED_STDOUT_HINT } from "../world/node-output.ts";

/** How long teardown waits for a killed node's last output to be read. */
const DRAIN_PATIENCE_MS = 1000;

/** What a cluster is built from: the run's shared parts. */
export interface ClusterParts {
  opts: TestOptions;
  world: World;
  network: Network;
  rng: Rng;
  clientIds: ClientIds;
  runDir: string;
  abort: RunAbort;
  /** Where clients record replies they could not match (the init client's too). */
  unmatched: UnmatchedReplyLog;
  log: (line: string) => void;
}

/** The nodes of a run and what is done to them. */
export class Cluster {
  /** Each node id's current host (a restart replaces it). */
  readonly nodes = new Map<string, NodeHost>();
  readonly violations: ProtocolViolation[] = [];
  readonly crashes: CrashReport[] = [];
  /** Resident memory of the nodes just before teardown, where the world can measure it. */
  residentMbAtTeardown: number | undefined;
  /** Nodes whose current host has answered init. */
  private readonly initialized = new Set<string>();
  /** When the nemesis last killed each node (for the restart's log line). */
  private readonly killedAtMs = new Map<string, number>();
  private readonly pauses = new PauseLog();
  /** Restarted nodes' inits still under way. */
  private readonly restartInits = new Set<Promise<void>>();
  /** Replies a pause made late, to clients that had gone: dropped, not protocol violations. */
  private lateRepliesDropped = 0;

  constructor(private readonly parts: ClusterParts) {}

  /**
   * Sets every node up at once, as Jepsen's db/cycle! does (control/on-nodes: one thread per
   * node, no barrier). Each node's setup is Maelstrom's db.clj setup!: on the primary (the
   * first node) start the services; register the node, start it, and send it init at once,
   * waiting up to 10 s for init_ok. So a node's init goes out right after its own start, not
   * after every node has been started.
   */
  async setUp(): Promise<void> {
    const ids = this.parts.opts.nodeIds;
    await this.parts.abort.race(Promise.all(ids.map((id, index) => this.setUpNode(id, index === 0))));
  }

  /** The nemesis's hands on the nodes (Jepsen's db Kill and Pause protocols). */
  get control(): NodeControl {
    return {
      kill: (id) => this.killNode(id),
      start: (id) => this.restartNode(id),
      pause: (id) => this.pauseNode(id),
      resume: (id) => this.resumeNode(id),
    };
  }

  /** Resolves once every restarted node has answered its init (or died trying). */
  async restartsSettled(): Promise<void> {
    await Promise.all(this.restartInits);
  }

  /** Kills every node at once (the second Ctrl-C). */
  killAll(): void {
    for (const node of this.nodes.values()) node.kill();
  }

  /** SIGKILL to every node, as Maelstrom's db teardown does; a node that died by itself is a crash. */
  async teardown(): Promise<void> {
    this.residentMbAtTeardown = sumResidentMb(this.nodes.values());
    for (const node of this.nodes.values()) if (!node.exited) node.kill();
    // A crash noticed only now (teardown) still aborts the run, as in Maelstrom.
    // One the nemesis killed (and did not restart) is no crash.
    for (const node of this.nodes.values()) {
      if (this.parts.abort.reason?.type === "interrupted") break;
      if (node.exited && !node.killed && !this.crashes.some((c) => c.node === node.id))
        this.crashes.push(node.crashReport());
    }
    const clock = this.parts.world.clock;
    await Promise.all(
      [...this.nodes.values()].map((node) => Promise.race([node.drained, sleep(clock, DRAIN_PATIENCE_MS)])),
    );
  }

  /** The INFO line about replies a pause made late, if there were any. */
  logLateReplies(): void {
    const count = this.lateRepliesDropped;
    if (count > 0) {
      this.parts.log(
        `INFO ${count} late repl${count === 1 ? "y" : "ies"} to clients that had timed out ` +
          "while their node was paused: dropped",
      );
    }
  }

  private async setUpNode(id: string, primary: boolean): Promise<void> {
    const { network, rng } = this.parts;
    if (primary) attachServices(network, rng);
    network.register(id, (message) => this.nodes.get(id)?.deliver(message));
    try {
      this.nodes.set(id, this.startNode(id));
    } catch (error) {
      throw new RunAbortError("node-start-failed", `Node ${id} could not be started: ${errorMessage(error)}`);
    }
    await this.initNode(id);
  }

  private startNode(id: string, logMarker?: string): NodeHost {
    const { opts, runDir, network, abort } = this.parts;
    return this.parts.world.startNode({
      id,
      bin: opts.bin,
      args: opts.binArgs,
      logDir: join(runDir, "node-logs"),
      network,
      logStderr: opts.logStderr,
      logMarker,
      isReplyMadeLateByPause: (dest) => this.isReplyMadeLateByPause(id, dest),
      onViolation: (violation) => this.onViolation(violation),
      onWarning: (line) => this.parts.log(`WARN ${line}`),
      onExit: (report) => {
        if (abort.reason?.type === "interrupted") return;
        this.crashes.push(report);
        abort.trigger(new RunAbortError("node-crashed", crashMessage(report)));
      },
    });
  }

  /** One node's init RPC through a fresh client, closed afterwards (db.clj). */
  private async initNode(id: string): Promise<void> {
    const { clientIds, network, world, opts } = this.parts;
    const client = new Client(clientIds.allocate(), id, network, world.clock, this.parts.unmatched);
    try {
      await client.call(INIT, { node_id: id, node_ids: opts.nodeIds }, TIMING.initTimeoutMs);
      this.initialized.add(id);
    } catch (error) {
      const report = this.nodes.get(id)!.crashReport();
      const hint = unflushedOutputHint(error, report);
      throw new RunAbortError("init-failed", `${initFailure(id, error)}${hint}\n${formatTails(report)}`);
    } finally {
      client.close(); // a second init_ok now hits an unregistered client, as in Maelstrom
    }
  }

  /** SIGKILL by the nemesis: not a crash; its messages are dropped until it is started again. */
  private killNode(id: string): "killed" | "not-running" {
    const node = this.nodes.get(id)!;
    if (node.killed || node.exited) return "not-running"; // one that died by itself is reported as a crash
    this.parts.network.takeDown(id);
    this.initialized.delete(id);
    this.resumeNode(id); // a paused node dies too; its pause ends here
    node.kill();
    this.killedAtMs.set(id, this.parts.world.clock.nowMs());
    return "killed";
  }

  /**
   * A fresh node for a killed one, through the same start and init as at the beginning; the
   * op does not wait for init_ok, so a later kill may land during this init (that init is
   * then abandoned, and the next start sends a new one). An init that fails otherwise aborts
   * the run as it does at the start.
   */
  private restartNode(id: string): "started" | "already-running" | "start-failed" {
    if (!this.nodes.get(id)!.killed) return "already-running";
    const { abort, network, world } = this.parts;
    const killedAt = seconds(this.killedAtMs.get(id)!);
    const marker = `--- restarted by the nemesis at ${seconds(world.clock.nowMs())} (killed at ${killedAt}) ---`;
    let node: NodeHost;
    try {
      node = this.startNode(id, marker);
    } catch (error) {
      abort.trigger(
        new RunAbortError("node-start-failed", `Node ${id} could not be restarted: ${errorMessage(error)}`),
      );
      return "start-failed";
    }
    this.nodes.set(id, node);
    network.bringUp(id);
    const init = this.initNode(id);
    const settled = Promise.race([init, node.exitedPromise]).then(
      () => {},
      (error) => {
        if (!node.killed && error instanceof RunAbortError) abort.trigger(error);
      },
    );
    init.catch(() => {}); // abandoned when the node dies first
    this.restartInits.add(settled);
    void settled.finally(() => this.restartInits.delete(settled));
    return "started";
  }

  private pauseNode(id: string): "paused" | "not-running" {
    const node = this.nodes.get(id)!;
    if (node.killed || !this.initialized.has(id)) return "not-running";
    if (!node.paused) {
      node.pause();
      this.pauses.paused(id, this.parts.world.clock.nowMs());
    }
    return "paused";
  }

  private resumeNode(id: string): "resumed" | "not-paused" {
    const node = this.nodes.get(id)!;
    if (!node.paused) return "not-paused";
    node.resume();
    this.pauses.resumed(id, this.parts.world.clock.nowMs());
    return "resumed";
  }

  /**
   * A line from `id` to a client that has gone is a reply a pause made late when `id` was
   * paused at some moment between that client's last request and its close: the client timed
   * out because of the pause, not because the node broke the protocol. A real network would
   * just lose such a reply; Maelstrom would stop reading the node, so this is ours.
   */
  private isReplyMadeLateByPause(id: string, dest: string): boolean {
    const gone = this.parts.network.goneClient(dest);
    const late = gone !== undefined && this.pauses.pausedDuring(id, gone.lastSendMs, gone.closedAtMs);
    if (late) this.lateRepliesDropped++;
    return late;
  }

  /**
   * A bad stdout line silences the node for the rest of the run, as in Maelstrom. Before its
   * init_ok that means the init can never succeed: say so at once (init-failed, with the
   * line) instead of waiting out the 10 s init timeout. The check waits a tick, so an
   * init_ok on an earlier line of the same chunk is counted first.
   */
  private onViolation(violation: ProtocolViolation): void {
    const { log, abort, world } = this.parts;
    this.violations.push(violation);
    // Said in full once, at the end (explain.ts) and on the page; here only that it happened, and when.
    log(
      `WARN protocol violation by ${violation.node} at ${seconds(world.clock.nowMs())} (${violation.type}): ` +
        `its output is ignored from here on, as Maelstrom ignores it; the line and why at the end`,
    );
    world.clock.after(0, () => {
      if (this.initialized.has(violation.node)) return;
      const message =
        `Node ${violation.node} broke the protocol before answering init, so its init_ok can never be delivered: ` +
        `${violation.reason}\n  line: ${violation.line}`;
      abort.trigger(new RunAbortError("init-failed", message));
    });
  }
}

/**
 * db.clj's words for an init that failed: "Expected node n0 to respond to an init message, but
 * node did not respond." / "Expected an init_ok message, but node responded with ..."
 */
function initFailure(id: string, error: unknown): string {
  if (error instanceof RPCTimeout) {
    const within = `no init_ok within ${TIMING.initTimeoutMs / 1000} s`;
    return `Expected node ${id} to respond to an init message, but node did not respond (${within}).`;
  }
  if (error instanceof RPCErrorReply) {
    const code = `${error.code} (${error.codeName})`;
    return `Expected an init_ok message, but node ${id} responded with error ${code}: ${error.text ?? ""}`;
  }
  if (error instanceof MalformedReply)
    return `Expected an init_ok message, but node ${id} responded with ${JSON.stringify(error.body)}`;
  return errorMessage(error);
}

/**
 * The hint about output stuck in the node's buffer, for an init that timed out with not one line
 * on the node's stdout; nothing otherwise, since a node that wrote a line has a working stdout.
 */
export function unflushedOutputHint(error: unknown, report: CrashReport): string {
  return error instanceof RPCTimeout && report.stdoutTail.length === 0 ? `\n${UNFLUSHED_STDOUT_HINT}` : "";
}

/** Total resident memory of the still-running nodes, sampled just before teardown. */
function sumResidentMb(nodes: Iterable<NodeHost>): number | undefined {
  let totalMb = 0;
  for (const node of nodes) {
    if (node.killed) continue; // the nemesis's, not restarted
    const mb = node.exited ? undefined : node.residentMb();
    if (mb === undefined) return undefined;
    totalMb += mb;
  }
  return totalMb;
}

/** process.clj's words for a dead node. */
export function crashMessage(report: CrashReport): string {
  const status = report.exitCode ?? `signal ${report.signal}`;
  return `Node ${report.node} crashed with exit status ${status}`;
}

/** A crash report's last stdout and stderr lines, indented for the console. */
export function formatTails(report: CrashReport): string {
  const stdout = report.stdoutTail.length ? report.stdoutTail.join("\n    ") : "(nothing)";
  const stderr = report.stderrTail.length ? report.stderrTail.join("\n    ") : "(nothing)";
  return `  last stdout lines:\n    ${stdout}\n  last stderr lines:\n    ${stderr}`;
}
