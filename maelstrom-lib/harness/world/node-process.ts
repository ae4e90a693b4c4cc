/**
 * Node processes (Maelstrom's process.clj): spawn `--bin`, write deliveries to its stdin as
 * JSON lines, read its stdout line by line into the network, log its stderr to
 * `node-logs/<id>.log`. The first line that breaks the protocol (invalid JSON, an extra
 * top-level key, an unknown src or dest) stops delivery of that node's later output, as in
 * Maelstrom; unlike Maelstrom we say so plainly and record it. The nemesis kills (SIGKILL),
 * pauses (SIGSTOP) and resumes (SIGCONT) a process here; a restarted node's process appends
 * to the same log.
 */
import { closeSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { setPriority, tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { RUNNER_LIMITS } from "../contracts/options.ts";
import type { Network } from "./net.ts";
import type { WireMessage } from "../contracts/journal.ts";
import type { CrashReport, ProtocolViolation, ViolationType } from "../contracts/node-reports.ts";
import { parseJsonExact } from "../primitives/json-exact.ts";
import { LOG_LINE_PREVIEW_CHARS, readLines } from "../primitives/lines.ts";
import { isJsonInteger, isPlainObject } from "../../protocol/schema.ts";
import { nodeEnvironment } from "./node-env.ts";

export interface NodeProcessOptions {
  id: string;
  bin: string;
  args: string[];
  logDir: string;
  network: Network;
  logStderr: boolean;
  onViolation: (violation: ProtocolViolation) => void;
  onExit: (report: CrashReport) => void;
  /**
   * For a process the nemesis restarts: the line that goes into the node's log before its own
   * stderr (which is appended to the log of the processes before it).
   */
  logMarker?: string;
  /**
   * A line addressed to a client that has gone: true when that is a reply a nemesis pause made
   * late, which is dropped instead of breaking the protocol.
   */
  isReplyMadeLateByPause?: (dest: string) => boolean;
}

const ENVELOPE_KEYS = new Set(["src", "dest", "body", "id"]);

/** Keeps the last `limit` items. */
class Tail {
  private readonly items: string[] = [];
  constructor(private readonly limit: number) {}
  push(item: string): void {
    this.items.push(item.length > LOG_LINE_PREVIEW_CHARS ? `${item.slice(0, LOG_LINE_PREVIEW_CHARS)}…` : item);
    if (this.items.length > this.limit) this.items.shift();
  }
  lines(): string[] {
    return [...this.items];
  }
}

/** One running node. */
export class NodeProcess {
  readonly id: string;
  private readonly proc: Subprocess<"pipe", "pipe", "pipe">;
  private readonly stdoutTail = new Tail(RUNNER_LIMITS.crashTailLines);
  private readonly stderrTail = new Tail(RUNNER_LIMITS.crashTailLines);
  private readonly log: ReturnType<ReturnType<typeof Bun.file>["writer"]>;
  private readonly logFd: number;
  /** Set after the first protocol violation: later output is not delivered. */
  private silenced = false;
  private killedByRunner = false;
  private stopped = false;
  private pendingWrite = "";
  private flushScheduled = false;
  /** Resolves when both output streams have been read to the end. */
  readonly drained: Promise<void>;

  constructor(private readonly options: NodeProcessOptions) {
    this.id = options.id;
    mkdirSync(options.logDir, { recursive: true });
    // Appended, so a restarted node's stderr goes on in the same log as its predecessors'.
    this.logFd = openSync(join(options.logDir, `${options.id}.log`), "a");
    this.log = Bun.file(this.logFd).writer();
    if (options.logMarker) this.log.write(`${options.logMarker}\n`);
    // Executed directly, as Maelstrom does: a .ts solution runs under Bun through its shebang.
    this.proc = Bun.spawn([options.bin, ...options.args], {
      cwd: tmpdir(),
      env: nodeEnvironment(),
      stdin: "pipe",
      stdout: "pipe",
      stderr: "pipe",
    });
    lowerPriority(this.proc.pid);
    this.drained = Promise.all([this.readStdout(), this.readStderr()]).then(() => undefined);
    void this.proc.exited.then(async (exitCode) => {
      if (this.killedByRunner) return;
      await Promise.race([this.drained, Bun.sleep(200)]);
      this.options.onExit(this.crashReport(exitCode));
    });
  }

  /** Writes one delivered message to the node's stdin (batched per tick). */
  deliver(message: WireMessage): void {
    if (this.killedByRunner) return;
    this.pendingWrite += `${JSON.stringify(message)}\n`;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  /** SIGKILL, as Maelstrom's teardown and the nemesis's kill do; its exit is then no crash. */
  kill(): void {
    this.killedByRunner = true;
    this.signal("SIGKILL");
  }

  /** True once the runner (teardown or the nemesis) has killed it. */
  get killed(): boolean {
    return this.killedByRunner;
  }

  /** SIGSTOP: the process stops where it is; what it is sent waits in its stdin pipe. */
  pause(): void {
    this.stopped = true;
    this.signal("SIGSTOP");
  }

  /** SIGCONT: it goes on, and reads what arrived meanwhile. */
  resume(): void {
    this.stopped = false;
    this.signal("SIGCONT");
  }

  /** True between pause() and resume(). */
  get paused(): boolean {
    return this.stopped;
  }

  /** Resolves when the process has exited, however. */
  get exitedPromise(): Promise<unknown> {
    return this.proc.exited;
  }

  /** Whether the process has exited. */
  get exited(): boolean {
    return this.proc.exitCode !== null || this.proc.signalCode !== null;
  }

  /** Operating-system process id. */
  get pid(): number {
    return this.proc.pid;
  }

  /** Resident memory of the node process in MB (Linux /proc), or undefined where unreadable. */
  residentMb(): number | undefined {
    try {
      const status = readFileSync(`/proc/${this.proc.pid}/status`, "utf8");
      const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
      return kb === undefined ? undefined : Number(kb) / 1024;
    } catch {
      return undefined;
    }
  }

  /** The last lines of output, for crash and init-failure reports. */
  crashReport(exitCode: number | null = this.proc.exitCode): CrashReport {
    return {
      node: this.id,
      exitCode,
      signal: this.proc.signalCode === null ? null : String(this.proc.signalCode),
      stdoutTail: this.stdoutTail.lines(),
      stderrTail: this.stderrTail.lines(),
    };
  }

  private signal(name: "SIGKILL" | "SIGSTOP" | "SIGCONT"): void {
    try {
      this.proc.kill(name);
    } catch {
      // already gone
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const text = this.pendingWrite;
    this.pendingWrite = "";
    if (this.killedByRunner || text === "") return;
    // A node that died makes these fail (EPIPE), synchronously or as a rejected promise; its
    // exit is reported on its own, so the write error itself is of no interest.
    try {
      ignoreRejection(this.proc.stdin.write(text));
      ignoreRejection(this.proc.stdin.flush());
    } catch {
      // see above
    }
  }

  private async readStdout(): Promise<void> {
    await readLines(this.proc.stdout, (line) => this.handleLine(line));
  }

  private async readStderr(): Promise<void> {
    await readLines(this.proc.stderr, (line) => {
      this.stderrTail.push(line);
      this.log.write(`${line}\n`);
      if (this.options.logStderr) console.error(`[${this.id}] ${line}`);
    });
    await this.log.end();
    try {
      closeSync(this.logFd);
    } catch {
      // closed with the writer
    }
  }

  private handleLine(line: string): void {
    this.stdoutTail.push(line);
    if (this.silenced || this.killedByRunner) return;
    const problem = this.route(line);
    if (problem) {
      this.silenced = true;
      this.options.onViolation({ node: this.id, ...problem, line: line.slice(0, LOG_LINE_PREVIEW_CHARS) });
    }
  }

  /** Validates one output line against the closed envelope and sends it; returns what was wrong. */
  private route(line: string): { type: ViolationType; reason: string } | undefined {
    let parsed: unknown;
    try {
      parsed = parseJsonExact(line);
    } catch {
      return { type: "line-not-valid-json", reason: notJsonReason(line) };
    }
    const malformed = (reason: string) => ({ type: "malformed-message" as const, reason });
    if (!isPlainObject(parsed)) return malformed("stdout line is not a JSON object");
    for (const key of Object.keys(parsed)) {
      if (!ENVELOPE_KEYS.has(key)) return malformed(`extra top-level key ${JSON.stringify(key)} (only src, dest, body allowed)`);
    }
    const { src, dest } = parsed;
    if (typeof src !== "string") return malformed("src must be a string");
    if (typeof dest !== "string") return malformed("dest must be a string");
    if ("id" in parsed && !isJsonInteger(parsed.id)) return malformed("id must be an integer");
    const body = parsed.body ?? {};
    if (!isPlainObject(body)) return malformed("body must be a JSON object");
    const network = this.options.network;
    if (!network.isRegistered(src)) return { type: "invalid-src", reason: `unknown src ${JSON.stringify(src)}` };
    if (!network.isRegistered(dest)) {
      if (this.options.isReplyMadeLateByPause?.(dest)) return undefined; // dropped, as a real network would
      return { type: "invalid-dest", reason: `unknown dest ${JSON.stringify(dest)} (a client that has gone away, or no such node)` };
    }
    network.send(src, dest, body);
    return undefined;
  }
}

/**
 * The beginner's mistake, said plainly (Maelstrom's process.clj asks "was this line intended
 * for STDERR?"): text that does not even look like JSON is almost always a log line.
 */
function notJsonReason(line: string): string {
  if (/^\s*[[{]/.test(line)) return "invalid JSON on stdout (a truncated or unescaped message?)";
  return (
    "non-protocol text on stdout. Stdout carries only JSON messages, one per line; " +
    "log to stderr instead (node.log(...) in maelstrom-lib, console.error(...) in TypeScript, os.Stderr in Go)"
  );
}

/** Runs the node below the runner's priority (RUNNER_LIMITS.nodeNiceness); best effort. */
function lowerPriority(pid: number): void {
  try {
    setPriority(pid, RUNNER_LIMITS.nodeNiceness);
  } catch {
    // not permitted here: the runner just competes as an equal
  }
}

function ignoreRejection(result: unknown): void {
  if (result instanceof Promise) result.catch(() => {});
}

