/**
 * Test helper for the star broadcast (3d, 3e): how long the nodes stayed silent before the final reads, read
 * from a run's journal and history. Efficient broadcast must not keep talking when there is
 * nothing new: once the last values and acks are through, node-to-node traffic stops.
 */
import { join } from "node:path";
import { isClient } from "../../harness/world/net.ts";
import type { JournalEvent } from "../../harness/contracts/journal.ts";
import { forEachJsonLine } from "../../harness/store/run-files.ts";
import type { Op } from "../../harness/contracts/types.ts";

const NANOS_PER_MS = 1_000_000;

/** Milliseconds between the last node-to-node send and the first final read's invocation. */
export async function quietBeforeFinalReadsMs(runDir: string): Promise<number> {
  let firstFinalNs = Infinity;
  await forEachJsonLine<Op>(join(runDir, "history.jsonl"), (op) => {
    if (op.final && op.type === "invoke") firstFinalNs = Math.min(firstFinalNs, op.time);
  });
  let lastServerSendNs = 0;
  await forEachJsonLine<JournalEvent>(join(runDir, "net-journal.jsonl"), (event) => {
    const serverSend = event.type === "send" && !isClient(event.src) && !isClient(event.dest);
    if (serverSend && event.time < firstFinalNs) lastServerSendNs = Math.max(lastServerSendNs, event.time);
  });
  return (firstFinalNs - lastServerSendNs) / NANOS_PER_MS;
}
