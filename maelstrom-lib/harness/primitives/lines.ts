/**
 * Splitting a byte stream into lines, shared by node output (process.ts) and run files
 * (report): the node runtime's LineSplitter (node/wire.ts), with no length limit, since the
 * runner, like Maelstrom, reads a node's lines whatever their length.
 */
import { LineSplitter, LOG_LINE_PREVIEW_CHARS, preview } from "../../node/wire.ts";

export { LOG_LINE_PREVIEW_CHARS, preview };

/**
 * Calls `onLine` for each newline-terminated line of `stream`, blank ones included, and
 * resolves with the unterminated remainder (a node's unflushed last line, which Maelstrom
 * never sees; a file's last line without a newline, which a file reader still wants).
 */
export async function readLines(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void): Promise<string> {
  const splitter = new LineSplitter({ line: onLine, oversizeLine: () => {} }, Infinity);
  for await (const chunk of stream) splitter.push(chunk);
  return splitter.end();
}
