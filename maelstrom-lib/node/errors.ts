/**
 * Maelstrom's error codes (Maelstrom's doc/protocol.md, "Errors", and src/maelstrom/client.clj).
 * Codes 0–999 are Maelstrom's; custom codes (≥ 1000) are always indefinite. Definiteness is a
 * whitelist: a definite error promises the operation did not happen, so never return one when
 * it might have.
 */
export const ErrorCode = {
  Timeout: 0,
  NodeNotFound: 1,
  NotSupported: 10,
  TemporarilyUnavailable: 11,
  MalformedRequest: 12,
  Crash: 13,
  Abort: 14,
  KeyDoesNotExist: 20,
  KeyAlreadyExists: 21,
  PreconditionFailed: 22,
  TxnConflict: 30,
} as const;

export type ErrorCodeNumber = (typeof ErrorCode)[keyof typeof ErrorCode];

const ERROR_NAMES: Record<number, string> = {
  0: "timeout",
  1: "node-not-found",
  10: "not-supported",
  11: "temporarily-unavailable",
  12: "malformed-request",
  13: "crash",
  14: "abort",
  20: "key-does-not-exist",
  21: "key-already-exists",
  22: "precondition-failed",
  30: "txn-conflict",
};

const DEFINITE_CODES: ReadonlySet<number> = new Set([1, 10, 11, 12, 14, 20, 21, 22, 30]);

/** True when an error with this code guarantees the operation did not take place. */
export function isDefinite(code: number): boolean {
  return DEFINITE_CODES.has(code);
}

/** Maelstrom's name for a code ("unknown" for custom and unlisted codes). */
export function errorName(code: number): string {
  return ERROR_NAMES[code] ?? "unknown";
}

/** An error a handler throws to send `{type: "error", code, text}`; also what a failed rpc rejects with. */
export class RPCError extends Error {
  constructor(
    readonly code: number,
    readonly text: string = errorName(code),
  ) {
    super(`${errorName(code)} (${code}): ${text}`);
    this.name = "RPCError";
  }

  /** True when the operation definitely did not happen. */
  get definite(): boolean {
    return isDefinite(this.code);
  }

  /** The error body to send as a reply (the runtime adds `in_reply_to`). */
  toBody(): { type: "error"; code: number; text: string } {
    return { type: "error", code: this.code, text: this.text };
  }
}

/** A KV read or cas found no such key (code 20). */
export class KeyDoesNotExist extends RPCError {
  constructor(text: string = "key does not exist") {
    super(ErrorCode.KeyDoesNotExist, text);
    this.name = "KeyDoesNotExist";
  }
}

/** A KV cas found a value other than `from` (code 22). */
export class PreconditionFailed extends RPCError {
  constructor(text: string = "precondition failed") {
    super(ErrorCode.PreconditionFailed, text);
    this.name = "PreconditionFailed";
  }
}

/**
 * The error an rpc rejects with for an error reply: the KV codes get their subclasses;
 * a missing or non-integer code counts as 13 (crash, indefinite), as Maelstrom's clients do.
 */
export function rpcErrorFromBody(body: Readonly<Record<string, unknown>>): RPCError {
  const code = Number.isInteger(body.code) ? (body.code as number) : ErrorCode.Crash;
  const text = typeof body.text === "string" ? body.text : undefined;
  if (code === ErrorCode.KeyDoesNotExist) return new KeyDoesNotExist(text);
  if (code === ErrorCode.PreconditionFailed) return new PreconditionFailed(text);
  return new RPCError(code, text);
}
