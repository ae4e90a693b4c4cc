/**
 * Test support: runs a node as a real process and speaks the line protocol with it, playing
 * Maelstrom (clients, peers and services) from the test.
 */
import type { Subprocess } from "bun";

/** How long a test waits for one expected line before failing. */
export const LINE_TIMEOUT_MS = 5000;

/** One parsed stdout line of a node, with the raw text kept for exact checks. */
export interface OutputLine {
  text: string;
  message: { src: string; dest: string; body: Record<string, unknown> };
}

/** A node process whose stdout is read line by line. */
export class LineProcess {
  /** Every complete stdout line so far, in order. */
  readonly lines: string[] = [];
  /** How many reads stdout delivered (a hint of output batching). */
  stdoutChunks = 0;
  private nextUnread = 0;
  private stderrText = "";
  private waiter: (() => void) | undefined;
  private ended = false;
  private readonly readingDone: Promise<void>;

  private constructor(private readonly process: Subprocess<"pipe", "pipe", "pipe">) {
    this.readingDone = Promise.all([this.readStdout(), this.readStderr()]).then(() => {});
  }

  /** Starts `command` (e.g. `["bun", "01-echo/main.ts"]`) from the repo root. */
  static spawn(command: string[], cwd: string = REPO_ROOT): LineProcess {
    return new LineProcess(Bun.spawn(command, { cwd, stdin: "pipe", stdout: "pipe", stderr: "pipe" }));
  }

  /** Starts a node script under Bun and sends it init (waiting for init_ok). */
  static async started(script: string, nodeId = "n0", nodeIds: string[] = [nodeId]): Promise<LineProcess> {
    const node = LineProcess.spawn(["bun", script]);
    await node.init(nodeId, nodeIds);
    return node;
  }

  /** Sends init and checks the exact init_ok line. */
  async init(nodeId: string, nodeIds: string[]): Promise<void> {
    this.send({ src: "c0", dest: nodeId, body: { type: "init", node_id: nodeId, node_ids: nodeIds, msg_id: 1 } });
    const reply = await this.nextLine();
    const expected = JSON.stringify({ src: nodeId, dest: "c0", body: { type: "init_ok", in_reply_to: 1 } });
    if (reply.text !== expected) throw new Error(`expected ${expected}, got ${reply.text}`);
  }

  /** Writes messages (objects are serialised; strings are sent as they are), one line each, in one write. */
  send(...messages: (object | string)[]): void {
    const text = messages
      .map((message) => (typeof message === "string" ? message : JSON.stringify(message)) + "\n")
      .join("");
    this.process.stdin.write(text);
    this.process.stdin.flush();
  }

  /** The next stdout line not yet returned; fails after timeoutMs. */
  async nextLine(timeoutMs = LINE_TIMEOUT_MS): Promise<OutputLine> {
    const deadlineMs = performance.now() + timeoutMs;
    while (this.nextUnread >= this.lines.length) {
      if (this.ended) throw new Error(`node ended without more output; stderr:\n${this.stderrText}`);
      const leftMs = deadlineMs - performance.now();
      if (leftMs <= 0)
        throw new Error(`no output line within ${timeoutMs} ms; stderr:\n${this.stderrText.slice(-2000)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, leftMs);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    const text = this.lines[this.nextUnread++]!;
    return { text, message: JSON.parse(text) };
  }

  /** Reads the next `count` lines. */
  async nextLines(count: number, timeoutMs = LINE_TIMEOUT_MS): Promise<OutputLine[]> {
    const result: OutputLine[] = [];
    for (let index = 0; index < count; index++) result.push(await this.nextLine(timeoutMs));
    return result;
  }

  /** Resolves true if no further line arrives within `waitMs`. */
  async quietFor(waitMs: number): Promise<boolean> {
    const before = this.lines.length;
    await Bun.sleep(waitMs);
    return this.lines.length === before && this.nextUnread >= this.lines.length;
  }

  /** Everything the node logged so far. */
  get stderr(): string {
    return this.stderrText;
  }

  /** Closes stdin and waits (at most timeoutMs) for the process to exit; returns its exit code, or "still running". */
  async closeStdin(timeoutMs = LINE_TIMEOUT_MS): Promise<number | "still running"> {
    this.process.stdin.end();
    const exited = await Promise.race([this.process.exited, Bun.sleep(timeoutMs).then(() => "still running" as const)]);
    if (exited === "still running") this.process.kill();
    await this.readingDone;
    return exited;
  }

  /** Kills the process (for cleanup in `afterEach`). */
  kill(): void {
    this.process.kill();
  }

  private async readStdout(): Promise<void> {
    const decoder = new TextDecoder();
    let partial = "";
    for await (const chunk of this.process.stdout) {
      this.stdoutChunks++;
      const parts = (partial + decoder.decode(chunk, { stream: true })).split("\n");
      partial = parts.pop()!;
      this.lines.push(...parts);
      this.wake();
    }
    if (partial.length > 0) this.lines.push(partial);
    this.ended = true;
    this.wake();
  }

  private async readStderr(): Promise<void> {
    const decoder = new TextDecoder();
    for await (const chunk of this.process.stderr) this.stderrText += decoder.decode(chunk, { stream: true });
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }
}

/** The repository root (tests and scripts run from there). */
export const REPO_ROOT = new URL("../../../", import.meta.url).pathname;

/** Checks one stdout line: a JSON object with exactly src, dest (strings) and body (an object). */
export function envelopeProblem(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return `not JSON: ${text.slice(0, 200)}`;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    return `not an object: ${text.slice(0, 200)}`;
  const keys = Object.keys(parsed).sort().join(",");
  if (keys !== "body,dest,src") return `keys ${keys}: ${text.slice(0, 200)}`;
  const message = parsed as { src: unknown; dest: unknown; body: unknown };
  if (typeof message.src !== "string" || typeof message.dest !== "string")
    return `src/dest not strings: ${text.slice(0, 200)}`;
  if (typeof message.body !== "object" || message.body === null || Array.isArray(message.body))
    return `body not an object: ${text.slice(0, 200)}`;
  return undefined;
}
