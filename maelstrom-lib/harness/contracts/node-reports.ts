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
