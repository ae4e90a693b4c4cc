/**
 * The node's byte streams: stdin as an async iterable of chunks, stdout as a synchronous
 * "write these complete lines" function, stderr for logs. Injected so tests can run a node
 * on in-memory lines.
 */
import { writeSync } from "node:fs";

/** Where input comes from: chunks of bytes or text, split into lines by the node. */
export type InputSource = AsyncIterable<Uint8Array | string>;

/** Where protocol output goes: called with one or more complete `\n`-terminated lines. */
export type OutputSink = (text: string) => void;

/** Where log lines go (no trailing newline). */
export type LogSink = (line: string) => void;

const STDOUT_FD = 1;
const STDERR_FD = 2;
/** How long to wait before retrying when a non-blocking pipe is full. */
const PIPE_FULL_RETRY_MS = 1;

/** stdin as chunks, as they arrive. */
export function stdinSource(): InputSource {
  return Bun.stdin.stream();
}

/**
 * Writes all of `bytes` to a file descriptor, synchronously: it returns once the kernel has
 * everything, so output is never lost at exit and never interleaves. Retries partial writes
 * and EAGAIN (a pipe someone made non-blocking).
 */
export function writeAllSync(fd: number, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (error) {
      if ((error as { code?: string }).code !== "EAGAIN") throw error;
      Bun.sleepSync(PIPE_FULL_RETRY_MS);
    }
  }
}

/**
 * A sink writing each batch to `fd` in one synchronous call. The string is handed to the
 * kernel directly (the fast path); only a partial write or EAGAIN falls back to bytes.
 */
export function fdSink(fd: number): OutputSink {
  return (text: string) => {
    let writtenBytes = 0;
    try {
      writtenBytes = writeSync(fd, text);
    } catch (error) {
      if ((error as { code?: string }).code !== "EAGAIN") throw error;
    }
    if (writtenBytes < Buffer.byteLength(text)) writeAllSync(fd, Buffer.from(text).subarray(writtenBytes));
  };
}

/** The default protocol output: stdout. */
export function stdoutSink(): OutputSink {
  return fdSink(STDOUT_FD);
}

/** The default log output: one line to stderr. */
export function stderrLog(): LogSink {
  const sink = fdSink(STDERR_FD);
  return (line: string) => sink(line + "\n");
}

/**
 * An in-memory input for unit tests: `push` chunks (or whole lines), then `end()`. The node
 * reads them as it would read stdin.
 */
export class MemoryInput implements AsyncIterable<string> {
  private readonly queued: string[] = [];
  private ended = false;
  private wake: (() => void) | undefined;

  /** Queues one chunk of text exactly as given (include the `\n`s). */
  push(chunk: string): void {
    if (this.ended) throw new Error("MemoryInput.push after end()");
    this.queued.push(chunk);
    this.wakeReader();
  }

  /** Queues messages as one chunk, one JSON line each. */
  pushMessages(...messages: object[]): void {
    this.push(messages.map((message) => `${JSON.stringify(message)}\n`).join(""));
  }

  /** Ends the input (stdin EOF). */
  end(): void {
    this.ended = true;
    this.wakeReader();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<string> {
    for (;;) {
      const chunk = this.queued.shift();
      if (chunk !== undefined) yield chunk;
      else if (this.ended) return;
      else await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private wakeReader(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
