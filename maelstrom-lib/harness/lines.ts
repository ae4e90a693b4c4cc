/** Splitting a byte stream into lines, shared by node output (process.ts) and run files (report). */

/**
 * Calls `onLine` for each newline-terminated line of `stream`, blank ones included, and
 * resolves with the unterminated remainder (a node's unflushed last line, which Maelstrom
 * never sees; a file's last line without a newline, which a file reader still wants).
 * Each chunk is searched once, so a 50 MB line costs linear time, not a rescan per chunk.
 */
export async function readLines(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void): Promise<string> {
  const decoder = new TextDecoder();
  let pieces: string[] = []; // the line under construction
  for await (const chunk of stream) {
    const text = decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let newline = text.indexOf("\n"); newline >= 0; newline = text.indexOf("\n", start)) {
      pieces.push(text.slice(start, newline));
      onLine(pieces.length === 1 ? pieces[0]! : pieces.join(""));
      pieces = [];
      start = newline + 1;
    }
    if (start < text.length) pieces.push(text.slice(start));
  }
  return pieces.join("") + decoder.decode();
}
