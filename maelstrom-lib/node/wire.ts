/**
 * Line framing, for the node runtime's input and the runner's reading of node output and run
 * files (harness/lines.ts wraps it): the hot loop of the runtime, kept free of per-message
 * closures and of re-decoding.
 */

/** The runtime drops lines longer than this (logged), so a stream without newlines cannot eat its memory. */
export const MAX_LINE_CHARS = 64 * 1024 * 1024;
/** How much of an offending line a log message or a report shows. */
export const LOG_LINE_PREVIEW_CHARS = 300;

const DECODE_STREAMING = { stream: true } as const;

/** Receives the lines a LineSplitter finds. */
export interface LineHandler {
  /** One complete line, without its `\n` (empty lines too). */
  line(text: string): void;
  /** A line longer than the splitter's limit was dropped. */
  oversizeLine(preview: string, lengthChars: number): void;
}

/**
 * Splits a stream of chunks into lines. Each chunk is decoded once (UTF-8, streaming, so a
 * character split across chunks survives) and searched once: an unfinished line is kept as
 * pieces and joined when its newline comes, so a 50 MB line costs linear time.
 */
export class LineSplitter {
  private readonly decoder = new TextDecoder("utf-8");
  /** The unfinished line so far. */
  private pieces: string[] = [];
  private pieceChars = 0;
  /** True while skipping the rest of an oversize line. */
  private discarding = false;

  constructor(
    private readonly handler: LineHandler,
    private readonly maxLineChars: number = MAX_LINE_CHARS,
  ) {}

  /** Feeds one chunk; calls the handler for every line it completes, in order. */
  push(chunk: Uint8Array | string): void {
    const text = typeof chunk === "string" ? chunk : this.decoder.decode(chunk, DECODE_STREAMING);
    let start = 0;
    let newline = text.indexOf("\n");
    if (newline !== -1 && this.pieces.length > 0) {
      // The first newline completes the line carried over from earlier chunks (never an oversize one: that keeps no
      // pieces).
      this.handler.line(this.pieces.join("") + text.slice(0, newline));
      this.pieces = [];
      this.pieceChars = 0;
      start = newline + 1;
      newline = text.indexOf("\n", start);
    }
    while (newline !== -1) {
      if (this.discarding) this.discarding = false;
      else this.handler.line(text.slice(start, newline));
      start = newline + 1;
      newline = text.indexOf("\n", start);
    }
    if (start === text.length || this.discarding) return;
    this.pieces.push(start === 0 ? text : text.slice(start));
    this.pieceChars += text.length - start;
    if (this.pieceChars > this.maxLineChars) {
      this.handler.oversizeLine(this.pieces.join("").slice(0, LOG_LINE_PREVIEW_CHARS), this.pieceChars);
      this.discarding = true;
      this.pieces = [];
      this.pieceChars = 0;
    }
  }

  /** Input ended: returns the last line if it had no `\n` ("" if none, or if it was dropped). */
  end(): string {
    const rest = this.decoder.decode(); // flushes a character cut off at the very end
    const tail = this.discarding ? "" : this.pieces.join("") + rest;
    this.pieces = [];
    this.pieceChars = 0;
    this.discarding = false;
    return tail;
  }
}

/** Shortens a line for a log message. */
export function preview(line: string): string {
  return line.length <= LOG_LINE_PREVIEW_CHARS
    ? line
    : `${line.slice(0, LOG_LINE_PREVIEW_CHARS)}… (${line.length} chars)`;
}
