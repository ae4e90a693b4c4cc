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
import type { WireMessage } from "../contracts/journal.ts";
import type { CrashReport } from "../contracts/node-reports.ts";
import { escapeControlChars, readLines } from "../primitives/lines.ts";
import { nodeEnvironment } from "./node-env.ts";
import { cutLine, NodeOutput } from "./node-output.ts";
import { releaseGroup, signalGroup, watchGroup } from "./process-group.ts";
import type { NodeHost, NodeHostOptions } from "./world.ts";

/** One running node, in a process group of its own. */
export class NodeProcess implements NodeHost {
  readonly id: string;
  private readonly proc: Subprocess<"pipe", "pipe", "pipe" | number>;
  private readonly output: NodeOutput;
  private readonly logPath: string;
  /** Where this process's stderr starts in the log (after its predecessors' and the marker). */
  private readonly logStartBytes: number;
  /** Open only while the runner copies stderr itself (--log-stderr); otherwise the node writes the log. */
  private logFd: number | undefined;
  private killedByRunner = false;
  private stopped = false;
  private pendingWrite = "";
  private flushScheduled = false;
  /** Text handed to stdin that the node has not read yet. */
  private stdinBacklogChars = 0;
  private droppedDeliveries = 0;
  /** Resolves when the output the runner reads has been read to the end (or no longer read). */
  readonly drained: Promise<void>;

  constructor(private readonly options: NodeHostOptions) {
    this.id = options.id;
    this.output = new NodeOutput(options);
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
      stdoutTail: this.output.stdoutTail.lines(),
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
      return lines.slice(-RUNNER_LIMITS.crashTailLines).map(cutLine);
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
    await readLines(this.proc.stdout, (line) => this.output.stdoutLine(line, !this.killedByRunner), {
      maxLineChars: RUNNER_LIMITS.stdoutLineChars,
      onOversize: (start, lengthChars) => this.output.oversizeLine(start, lengthChars, !this.killedByRunner),
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
}

/** Text sizes for warnings: "64.0 MB". */
function megabytes(chars: number): string {
  return `${(chars / 1e6).toFixed(1)} MB`;
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
