/**
 * Line framing of the input: the hot loop of the runtime, kept free of per-message closures
 * and of re-decoding.
 */

/** Lines longer than this are dropped (logged), so a stream without newlines cannot eat memory. */
export const MAX_LINE_CHARS = 64 * 1024 * 1024;
/** How much of an offending line a log message shows. */
export const LOG_LINE_PREVIEW_CHARS = 300;

const DECODE_STREAMING = { stream: true } as const;

/** Receives the lines a LineSplitter finds. */
export interface LineHandler {
  /** One complete line, without its `\n`. */
  line(text: string): void;
  /** A line longer than MAX_LINE_CHARS was dropped. */
  oversizeLine(preview: string, lengthChars: number): void;
}

/**
 * Splits a stream of chunks into lines. Each chunk is decoded once (UTF-8, streaming, so a
 * character split across chunks survives); only the unfinished tail is carried over.
 */
export class LineSplitter {
  private readonly decoder = new TextDecoder("utf-8");
  private partial = "";
  /** True while skipping the rest of an oversize line. */
  private discarding = false;

  constructor(
    private readonly handler: LineHandler,
    private readonly maxLineChars: number = MAX_LINE_CHARS,
  ) {}

  /** Feeds one chunk; calls the handler for every line it completes, in order. */
  push(chunk: Uint8Array | string): void {
    const text = typeof chunk === "string" ? chunk : this.decoder.decode(chunk, DECODE_STREAMING);
    const data = this.partial.length === 0 ? text : this.partial + text;
    let start = 0;
    let newline = data.indexOf("\n");
    while (newline !== -1) {
      if (this.discarding) this.discarding = false;
      else if (newline > start) this.handler.line(data.slice(start, newline));
      start = newline + 1;
      newline = data.indexOf("\n", start);
    }
    this.partial = start === 0 ? data : data.slice(start);
    if (this.partial.length > this.maxLineChars) {
      if (!this.discarding) this.handler.oversizeLine(this.partial.slice(0, LOG_LINE_PREVIEW_CHARS), this.partial.length);
      this.discarding = true;
      this.partial = "";
    }
    if (this.discarding) this.partial = "";
  }

  /** Input ended: a last line without `\n` still counts (Maelstrom never sends one). */
  end(): void {
    const tail = this.partial + this.decoder.decode();
    this.partial = "";
    if (!this.discarding && tail.trim().length > 0) this.handler.line(tail);
    this.discarding = false;
  }
}

/** Shortens a line for a log message. */
export function preview(line: string): string {
  return line.length <= LOG_LINE_PREVIEW_CHARS
    ? line
    : `${line.slice(0, LOG_LINE_PREVIEW_CHARS)}… (${line.length} chars)`;
}
