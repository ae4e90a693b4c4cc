/**
 * Node processes, the real world's node hosts (Maelstrom's process.clj): spawn `--bin`, write
 * deliveries to its stdin as JSON lines, read its stdout line by line into the network
 * (checked and routed by world/node-output.ts, as a simulated node's), log its stderr to
 * `node-logs/<id>.log`. The nemesis kills (SIGKILL), pauses (SIGSTOP) and resumes (SIGCONT) a
 * process here; a restarted node's process appends to the same log.
 */
import { closeSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { setPriority, tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import type { WireMessage } from "./net.ts";
import { readLines } from "./lines.ts";
import { RUNNER_LIMITS } from "./options.ts";
import { nodeEnvironment } from "./node-env.ts";
import { NodeOutput } from "./world/node-output.ts";
import type { CrashReport, NodeHost, NodeHostOptions } from "./world/world.ts";

/** One running node. */
export class NodeProcess implements NodeHost {
  readonly id: string;
  private readonly proc: Subprocess<"pipe", "pipe", "pipe">;
  private readonly output: NodeOutput;
  private readonly log: ReturnType<ReturnType<typeof Bun.file>["writer"]>;
  private readonly logFd: number;
  private killedByRunner = false;
  private stopped = false;
  private pendingWrite = "";
  private flushScheduled = false;
  /** Resolves when both output streams have been read to the end. */
  readonly drained: Promise<void>;

  constructor(private readonly options: NodeHostOptions) {
    this.id = options.id;
    this.output = new NodeOutput(options);
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
      stdoutTail: this.output.stdoutTail.lines(),
      stderrTail: this.output.stderrTail.lines(),
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
    await readLines(this.proc.stdout, (line) => this.output.stdoutLine(line, !this.killedByRunner));
  }

  private async readStderr(): Promise<void> {
    await readLines(this.proc.stderr, (line) => {
      this.output.stderrLine(line);
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

