/**
 * net-journal.jsonl written as the run goes, as Maelstrom's net/journal.clj journals to disk
 * "incrementally, rather than stored entirely in-memory": one JSON line per send and recv,
 * through a bounded buffer, so the runner's memory does not grow with what the nodes send.
 * Lines hold only what the network recorded (no wall-clock time), so the same events give the
 * same bytes.
 */
import type { JournalEvent } from "../contracts/journal.ts";
import { BufferedWriter, storeError, type StoreError, type StoreFs } from "./store-fs.ts";

/** The journal file of one run. */
export class JournalFile {
  private writer: BufferedWriter | undefined;
  private failed = false;

  /**
   * Opens (truncates) `path`; throws a StoreError when it cannot. A later write that fails
   * (a full disk) stops the journal and calls `onError` once; the run decides what that means.
   */
  constructor(
    private readonly path: string,
    fs: StoreFs,
    private readonly onError: (error: StoreError) => void,
    bufferChars?: number,
  ) {
    try {
      this.writer = new BufferedWriter(fs.open(path), bufferChars);
    } catch (error) {
      throw storeError("create", path, error);
    }
  }

  /** Appends one event; after `close` or a failure, does nothing. */
  append(event: JournalEvent): void {
    if (!this.writer) return;
    try {
      this.writer.write(`${journalLine(event)}\n`);
    } catch (error) {
      this.fail(error);
    }
  }

  /** Writes out the buffer and closes the file (the run's teardown). */
  close(): void {
    const writer = this.writer;
    this.writer = undefined;
    if (!writer) return;
    try {
      writer.close();
    } catch (error) {
      this.fail(error);
    }
  }

  private fail(error: unknown): void {
    this.writer = undefined;
    if (this.failed) return;
    this.failed = true;
    this.onError(storeError("write", this.path, error));
  }
}

/**
 * One event as a line. A body JSON cannot print (nested too deep for the stack) is recorded as
 * such rather than thrown into whatever sent the message.
 */
function journalLine(event: JournalEvent): string {
  try {
    return JSON.stringify(event);
  } catch (error) {
    const body = { unprintable: error instanceof Error ? error.message : String(error) };
    return JSON.stringify({ ...event, body });
  }
}
