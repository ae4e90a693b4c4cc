/** The runner's line reader: every line in order, blank ones too, and the unterminated rest. */
import { expect, test } from "bun:test";
import { readLines } from "./lines.ts";

/** A stream that yields `chunks` as UTF-8 bytes, one by one. */
function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

test("lines split across chunks arrive whole, blank lines included; the unterminated rest is returned", async () => {
  const seen: string[] = [];
  const rest = await readLines(streamOf(['{"a":', "1}\n\nsecond\nthi", "rd\n", "no newline"]), (line) =>
    seen.push(line),
  );
  expect(seen).toEqual(['{"a":1}', "", "second", "third"]);
  expect(rest).toBe("no newline");
});

test("a line of 8 MB in 64 KB chunks comes through whole, with no length limit", async () => {
  const chunk = "x".repeat(64 * 1024);
  const seen: string[] = [];
  const rest = await readLines(streamOf([...Array.from({ length: 128 }, () => chunk), "\nafter\n"]), (line) =>
    seen.push(line),
  );
  expect(seen.map((line) => line.length)).toEqual([128 * chunk.length, 5]);
  expect(rest).toBe("");
});
