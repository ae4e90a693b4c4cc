/** What the runner reports about a node: its protocol violations and its crash, with its last output. */

/**
 * Maelstrom's names for a bad stdout line: process.clj's `line-not-valid-json` and
 * `malformed-message`, and net.clj's invalid src or dest (an assertion there); ours,
 * `line-too-long`, for a line longer than RUNNER_LIMITS.stdoutLineChars.
 */
export type ViolationType =
  | "line-not-valid-json"
  | "line-too-long"
  | "malformed-message"
  | "invalid-src"
  | "invalid-dest";

/** What a node did wrong, for the console and results.json. */
export interface ProtocolViolation {
  node: string;
  type: ViolationType;
  reason: string;
  line: string;
}

/** Why a node stopped running before teardown. */
export interface CrashReport {
  node: string;
  exitCode: number | null;
  signal: string | null;
  stdoutTail: string[];
  stderrTail: string[];
}

/**
 * A message that reached a client but matched none of its requests: it had no `in_reply_to`,
 * or one naming no request that client ever sent (a wrong id, or a reply sent to the wrong
 * client). The client skips it, as Maelstrom's does, so the request it waits for times out;
 * the runner saw the line and says what was wrong with it.
 */
export interface UnmatchedReply {
  /** Who sent it (a node) and the client it reached. */
  node: string;
  client: string;
  /** Its body's type ("echo_ok"). */
  type: string;
  /** Its `in_reply_to` as sent; absent when the body had none. */
  "in-reply-to"?: unknown;
  /** The msg_id of the request the client was waiting for, when it was waiting. */
  "awaited-msg-id"?: number;
  /** Its id in the network journal (net-journal.jsonl; `#m<id>` in messages.svg). */
  message: number;
  /** The history index of the op whose request then timed out, once known. */
  op?: number;
  /** What was wrong with it, in one sentence. */
  text: string;
}

/** results.json `errors.unmatched-replies`: how many there were, and the first few. */
export interface UnmatchedReplies {
  count: number;
  examples: UnmatchedReply[];
}
