/**
 * The errors a node throws and receives: RPCError and its KV subclasses, over the one error
 * table in protocol/errors.ts (codes, names, definiteness).
 */
import { ErrorCode, errorName, isDefinite } from "../protocol/errors.ts";

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
