/**
 * Splitting a byte stream into lines, shared by node output (process.ts) and run files
 * (report): the node runtime's LineSplitter (node/wire.ts). Run files are read whatever their
 * line length; a node's stdout is read with a cap (`LineCap`), so a line that never ends cannot
 * take the runner's memory. Also the escaping of node text before it reaches a terminal.
 */
import { LineSplitter, LOG_LINE_PREVIEW_CHARS, preview } from "../../node/wire.ts";

export { LOG_LINE_PREVIEW_CHARS, preview };

/** How readLines reads a stream beyond splitting it. */
export interface ReadLinesOptions {
  /** Lines longer than this go to `onOversize` instead of `onLine` (default: no limit). */
  maxLineChars?: number;
  /** Called once per oversize line with its start and its length so far; `false` stops reading. */
  onOversize?: (start: string, lengthChars: number) => boolean | void;
  /** Sees every chunk as read, before it is split (to copy the bytes elsewhere as they come). */
  onChunk?: (chunk: Uint8Array) => void;
}

/**
 * Calls `onLine` for each newline-terminated line of `stream`, blank ones included, and
 * resolves with the unterminated remainder (a node's unflushed last line, which Maelstrom
 * never sees; a file's last line without a newline, which a file reader still wants). When
 * `onLine` or `onOversize` returns false, reading stops: the stream is left unread, not
 * cancelled, so a process writing to it blocks on the full pipe (as a Maelstrom node does
 * once its stdout thread has stopped) instead of dying of a broken pipe.
 */
export async function readLines(
  stream: ReadableStream<Uint8Array>,
  onLine: (line: string) => unknown,
  options: ReadLinesOptions = {},
): Promise<string> {
  let stopped = false;
  const maxLineChars = options.maxLineChars ?? Infinity;
  const oversize = (start: string, lengthChars: number) => {
    if (!stopped && options.onOversize?.(start, lengthChars) === false) stopped = true;
  };
  const splitter = new LineSplitter(
    {
      // A line that arrives whole in one chunk never reaches the splitter's own limit: checked here.
      line: (line) => {
        if (stopped) return;
        if (line.length > maxLineChars) oversize(line.slice(0, LOG_LINE_PREVIEW_CHARS), line.length);
        else if (onLine(line) === false) stopped = true;
      },
      oversizeLine: oversize,
    },
    maxLineChars,
  );
  const reader = stream.getReader();
  try {
    while (!stopped) {
      const { done, value } = await reader.read();
      if (done) return splitter.end();
      options.onChunk?.(value);
      splitter.push(value);
    }
    return "";
  } finally {
    reader.releaseLock();
  }
}

/**
 * Characters a terminal acts on instead of showing: C0 controls but tab and newline (escape
 * sequences, carriage return, backspace, bell), DEL, C1 controls (0x9b is a one-byte CSI in
 * some terminals) and the bidirectional overrides that reorder what is shown.
 */
const TERMINAL_CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Node text made safe to print on a terminal: each control character written as a visible
 * escape (`\x1b`, `\r`, `\u202e`), so a node cannot clear the screen, set the clipboard,
 * overwrite the runner's lines or fake its verdict. Newlines stay: a node's lines never
 * contain one (they are split on it), and the runner's own messages use them.
 */
export function escapeControlChars(text: string): string {
  return text.replace(TERMINAL_CONTROLS, (char) => {
    const code = char.charCodeAt(0);
    if (char === "\r") return "\\r";
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}
