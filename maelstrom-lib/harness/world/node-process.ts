/**
 * Node processes (Maelstrom's process.clj): spawn `--bin`, write deliveries to its stdin as
 * JSON lines, read its stdout line by line into the network; its stderr goes straight to
 * `node-logs/<id>.log` (through the runner only with --log-stderr, to be echoed). The first
 * line that breaks the protocol (invalid JSON, JSON nested deeper than Jackson allows, a line
 * too long, an extra top-level key, an unknown src or dest) silences the node: the rest of its
 * stdout is left unread, as in Maelstrom, whose stdout thread stops there; unlike Maelstrom we
 * say so plainly and record it. Each node leads a process group of its own (process-group.ts):
 * the nemesis kills (SIGKILL), pauses (SIGSTOP) and resumes (SIGCONT) the whole group here; a
 * restarted node's process appends to the same log. Nothing a node writes can throw into the
 * runner or grow its memory without bound.
 */
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, writeSync } from "node:fs";
import { setPriority, tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { RUNNER_LIMITS } from "../contracts/options.ts";
import type { Network } from "./net.ts";
import { isClient } from "./net.ts";
import type { WireMessage } from "../contracts/journal.ts";
import type { CrashReport, ProtocolViolation, ViolationType } from "../contracts/node-reports.ts";
import { MAX_JSON_DEPTH, nestsDeeperThan, parseJsonExact } from "../primitives/json-exact.ts";
import { escapeControlChars, LOG_LINE_PREVIEW_CHARS, readLines } from "../primitives/lines.ts";
import { isJsonInteger, isPlainObject } from "../../protocol/schema.ts";
import { nodeEnvironment } from "./node-env.ts";
import { releaseGroup, signalGroup, watchGroup } from "./process-group.ts";

export interface NodeProcessOptions {
  id: string;
  bin: string;
  args: string[];
  logDir: string;
  network: Network;
  logStderr: boolean;
  onViolation: (violation: ProtocolViolation) => void;
  onExit: (report: CrashReport) => void;
  /** One console line: something a node did that Maelstrom allows but is almost surely a bug, or a message dropped. */
  onWarning: (line: string) => void;
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

/** A line cut to LOG_LINE_PREVIEW_CHARS, for tails and reports. */
function cut(line: string): string {
  return line.length > LOG_LINE_PREVIEW_CHARS ? `${line.slice(0, LOG_LINE_PREVIEW_CHARS)}…` : line;
}

/** Keeps the last `limit` items, each cut to a preview. */
class Tail {
  private readonly items: string[] = [];
  constructor(private readonly limit: number) {}
  push(item: string): void {
    this.items.push(cut(item));
    if (this.items.length > this.limit) this.items.shift();
  }
  lines(): string[] {
    return [...this.items];
  }
}

/** One running node, in a process group of its own. */
export class NodeProcess {
  readonly id: string;
  private readonly proc: Subprocess<"pipe", "pipe", "pipe" | number>;
  private readonly stdoutTail = new Tail(RUNNER_LIMITS.crashTailLines);
  private readonly logPath: string;
  /** Where this process's stderr starts in the log (after its predecessors' and the marker). */
  private readonly logStartBytes: number;
  /** Open only while the runner copies stderr itself (--log-stderr); otherwise the node writes the log. */
  private logFd: number | undefined;
  /** Set after the first protocol violation: the rest of stdout is left unread. */
  private silenced = false;
  private killedByRunner = false;
  private stopped = false;
  private pendingWrite = "";
  private flushScheduled = false;
  /** Text handed to stdin that the node has not read yet. */
  private stdinBacklogChars = 0;
  private droppedDeliveries = 0;
  private readonly impersonationsWarned = new Set<string>();
  /** Resolves when the output the runner reads has been read to the end (or no longer read). */
  readonly drained: Promise<void>;

  constructor(private readonly options: NodeProcessOptions) {
    this.id = options.id;
    mkdirSync(options.logDir, { recursive: true });
    this.logPath = join(options.logDir, `${options.id}.log`);
    // Appended, so a restarted node's stderr goes on in the same log as its predecessors'.
    const logFd = openSync(this.logPath, "a");
    try {
      if (options.logMarker) writeSync(logFd, `${options.logMarker}\n`);
      this.logStartBytes = fstatSync(logFd).size;
      this.proc = this.spawn(logFd);
    } catch (error) {
      closeSync(logFd);
      throw error;
    }
    if (options.logStderr) this.logFd = logFd;
    else closeSync(logFd); // the node holds its own copy and writes its stderr straight to the log
    watchGroup(this.proc.pid);
    lowerPriority(this.proc.pid);
    this.drained = Promise.all([this.readStdout(), this.readStderr()]).then(() => undefined);
    void this.proc.exited.then(async (exitCode) => {
      releaseGroup(this.proc.pid); // what it forked dies with it
      if (this.killedByRunner) return;
      await Promise.race([this.drained, Bun.sleep(200)]);
      this.options.onExit(this.crashReport(exitCode));
    });
  }

  /**
   * Executed directly, as Maelstrom does: a .ts solution runs under Bun through its shebang.
   * `detached` starts it in a new session, so it leads a process group of its own.
   */
  private spawn(logFd: number): Subprocess<"pipe", "pipe", "pipe" | number> {
    return Bun.spawn([this.options.bin, ...this.options.args], {
      cwd: tmpdir(),
      env: nodeEnvironment(),
      stdin: "pipe",
      stdout: "pipe",
      stderr: this.options.logStderr ? "pipe" : logFd,
      detached: true,
    });
  }

  /**
   * Writes one delivered message to the node's stdin (batched per tick). A message that cannot
   * be written as JSON, or that would pile onto a backlog the node is not reading, is dropped
   * with a warning: nothing a node sent may throw into the runner or grow it without bound.
   */
  deliver(message: WireMessage): void {
    if (this.killedByRunner) return;
    let text: string;
    try {
      text = `${JSON.stringify(message)}\n`;
    } catch (error) {
      const why = String(error);
      this.options.onWarning(`dropped a message from ${message.src} to ${this.id}: not writable as JSON (${why})`);
      return;
    }
    if (this.stdinBacklogChars > RUNNER_LIMITS.stdinBacklogChars) {
      if (this.droppedDeliveries++ === 0) {
        this.options.onWarning(
          `${this.id} has not read ${megabytes(this.stdinBacklogChars)} of its stdin (paused, stuck, or blocked on ` +
            `a stdout the runner stopped reading): dropping messages to it until it does`,
        );
      }
      return;
    }
    this.pendingWrite += text;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  /** SIGKILL to its whole group, as Maelstrom's teardown and the nemesis's kill do; its exit is then no crash. */
  kill(): void {
    this.killedByRunner = true;
    this.signal("SIGKILL");
  }

  /** True once the runner (teardown or the nemesis) has killed it. */
  get killed(): boolean {
    return this.killedByRunner;
  }

  /** SIGSTOP to its group: it stops where it is; what it is sent waits in its stdin pipe. */
  pause(): void {
    this.stopped = true;
    this.signal("SIGSTOP");
  }

  /** SIGCONT to its group: it goes on, and reads what arrived meanwhile. */
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
      stderrTail: this.stderrTail(),
    };
  }

  /** The last lines this process wrote to its log, read back from the log's end (never all of it). */
  private stderrTail(): string[] {
    let fd: number | undefined;
    try {
      fd = openSync(this.logPath, "r");
      const sizeBytes = fstatSync(fd).size;
      const fromBytes = Math.max(this.logStartBytes, sizeBytes - RUNNER_LIMITS.crashTailBytes);
      const buffer = Buffer.alloc(Math.max(0, sizeBytes - fromBytes));
      readSync(fd, buffer, 0, buffer.length, fromBytes);
      const lines = buffer.toString("utf8").split("\n");
      if (lines.at(-1) === "") lines.pop();
      if (fromBytes > this.logStartBytes && lines.length > 1) lines.shift(); // begun mid-line
      return lines.slice(-RUNNER_LIMITS.crashTailLines).map(cut);
    } catch {
      return [];
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  private signal(name: "SIGKILL" | "SIGSTOP" | "SIGCONT"): void {
    if (signalGroup(this.proc.pid, name)) return;
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
    if (this.droppedDeliveries > 0) {
      const dropped = this.droppedDeliveries;
      this.options.onWarning(`${this.id} reads its stdin again; ${dropped} message(s) to it were dropped meanwhile`);
      this.droppedDeliveries = 0;
    }
    // A node that died makes these fail (EPIPE), synchronously or as a rejected promise; its
    // exit is reported on its own, so the write error itself is of no interest. A promise means
    // Bun buffered the text because the pipe was full: it resolves once the node has read it.
    try {
      const written = this.proc.stdin.write(text);
      if (written instanceof Promise) {
        this.stdinBacklogChars += text.length;
        const settle = () => void (this.stdinBacklogChars -= text.length);
        written.then(settle, settle);
      }
      ignoreRejection(this.proc.stdin.flush());
    } catch {
      // see above
    }
  }

  private async readStdout(): Promise<void> {
    await readLines(this.proc.stdout, (line) => this.handleLine(line), {
      maxLineChars: RUNNER_LIMITS.stdoutLineChars,
      onOversize: (start, lengthChars) => this.handleOversizeLine(start, lengthChars),
    });
  }

  /**
   * With --log-stderr the runner reads stderr itself: every chunk goes to the log as it comes,
   * and each line, escaped and cut to RUNNER_LIMITS.echoedLineChars, to the console. Nothing
   * of it is kept in memory; crash reports read the log's end.
   */
  private async readStderr(): Promise<void> {
    const logFd = this.logFd;
    if (logFd === undefined) return;
    const echo = (line: string) => console.error(`[${this.id}] ${escapeControlChars(line)}`);
    let logFailed = false;
    const rest = await readLines(this.proc.stderr as ReadableStream<Uint8Array>, echo, {
      maxLineChars: RUNNER_LIMITS.echoedLineChars,
      onOversize: (start, chars) => echo(`${start}… (a line of over ${chars} characters, whole in ${this.logPath})`),
      onChunk: (chunk) => {
        if (logFailed) return;
        try {
          for (let at = 0; at < chunk.length; ) at += writeSync(logFd, chunk, at);
        } catch (error) {
          logFailed = true;
          const why = String(error);
          this.options.onWarning(`could not write ${this.logPath}: ${why}; the rest of ${this.id}'s stderr is lost`);
        }
      },
    });
    if (rest !== "") echo(rest);
    closeSync(logFd);
  }

  /** Returns false to stop reading stdout: a silenced node's output is left unread. */
  private handleLine(line: string): boolean {
    this.stdoutTail.push(line);
    if (this.killedByRunner) return true;
    if (this.silenced) return false;
    let problem: { type: ViolationType; reason: string } | undefined;
    try {
      problem = this.route(line);
    } catch (error) {
      // A runner bug that this line set off: the node's output stops, the run goes on.
      const why = String(error);
      this.options.onWarning(`the runner failed on a line from ${this.id} and stops reading its output: ${why}`);
      this.silenced = true;
      return false;
    }
    if (!problem) return true;
    this.silence({ ...problem, line: line.slice(0, LOG_LINE_PREVIEW_CHARS) });
    return false;
  }

  /** A stdout line over RUNNER_LIMITS.stdoutLineChars: a violation naming its size; the rest is not read. */
  private handleOversizeLine(start: string, lengthChars: number): boolean {
    this.stdoutTail.push(`${start}… (over ${lengthChars} characters)`);
    if (this.killedByRunner) return true;
    if (this.silenced) return false;
    const limit = RUNNER_LIMITS.stdoutLineChars;
    const reason =
      `a stdout line of more than ${lengthChars.toLocaleString("en-US")} characters; the runner reads lines ` +
      `of at most ${limit.toLocaleString("en-US")} (no node could be sent a longer one)`;
    this.silence({ type: "line-too-long", reason, line: start });
    return false;
  }

  private silence(violation: Omit<ProtocolViolation, "node">): void {
    this.silenced = true;
    this.options.onViolation({ node: this.id, ...violation });
  }

  /** Validates one output line against the closed envelope and sends it; returns what was wrong. */
  private route(line: string): { type: ViolationType; reason: string } | undefined {
    if (nestsDeeperThan(line, MAX_JSON_DEPTH)) {
      const reason = `JSON nested more than ${MAX_JSON_DEPTH} levels deep (Jackson's limit, under Maelstrom's parser)`;
      return { type: "line-not-valid-json", reason };
    }
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
    if (src !== this.id) this.warnImpersonation(src, line);
    network.send(src, dest, body);
    return undefined;
  }

  /**
   * Maelstrom's network checks only that src exists, so a node may send as another node or as
   * a client, and the message is delivered as theirs: almost always a bug (a copied envelope,
   * src and dest swapped). Said once per node and kind, naming the node.
   */
  private warnImpersonation(src: string, line: string): void {
    const kind = isClient(src) ? "a live client" : "another node";
    if (this.impersonationsWarned.has(kind)) return;
    this.impersonationsWarned.add(kind);
    this.options.onWarning(
      `${this.id} sent a message as ${kind}, ${JSON.stringify(src)} (src should be its own id; delivered anyway, ` +
        `as Maelstrom does; later ones not reported): ${cut(line)}`,
    );
  }
}

/** Text sizes for warnings: "64.0 MB". */
function megabytes(chars: number): string {
  return `${(chars / 1e6).toFixed(1)} MB`;
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

