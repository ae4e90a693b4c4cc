/** Messages as the network carries them, and the journal of every send and delivery (net-journal.jsonl). */

/** A message as it travels: Maelstrom's envelope plus its network id. */
export interface WireMessage {
  id: number;
  src: string;
  dest: string;
  body: Record<string, unknown>;
}

/** One journal entry; `time` is nanoseconds since the run started (Jepsen's unit). */
export interface JournalEvent {
  type: "send" | "recv";
  id: number;
  time: number;
  src: string;
  dest: string;
  body: Record<string, unknown>;
}
