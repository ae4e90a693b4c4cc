/**
 * Test helper for 3d and 3e: how long the nodes stayed silent before the final reads, read
 * from a run's journal and history. Efficient broadcast must not keep talking when there is
 * nothing new: once the last values and acks are through, node-to-node traffic stops.
 */
import { join } from "node:path";
import type { Op } from "../../maelstrom-lib/harness/types.ts";

const NANOS_PER_MS = 1_000_000;

/** One line of net-journal.jsonl (the fields used here). */
interface JournalEvent {
  type: "send" | "recv";
  time: number;
  src: string;
  dest: string;
}

async function readJsonLines<T>(path: string): Promise<T[]> {
  const text = await Bun.file(path).text();
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as T);
}

/** Milliseconds between the last node-to-node send and the first final read's invocation. */
export async function quietBeforeFinalReadsMs(runDir: string): Promise<number> {
  const history = await readJsonLines<Op>(join(runDir, "history.jsonl"));
  const firstFinalNs = Math.min(...history.filter((op) => op.final && op.type === "invoke").map((op) => op.time));
  const journal = await readJsonLines<JournalEvent>(join(runDir, "net-journal.jsonl"));
  const isClient = (id: string) => id.startsWith("c");
  const lastServerSendNs = Math.max(
    0,
    ...journal
      .filter((event) => event.type === "send" && !isClient(event.src) && !isClient(event.dest) && event.time < firstFinalNs)
      .map((event) => event.time),
  );
  return (firstFinalNs - lastServerSendNs) / NANOS_PER_MS;
}
