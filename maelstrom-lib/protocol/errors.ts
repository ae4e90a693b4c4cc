/**
 * Maelstrom's error codes, in one table (Maelstrom keeps its own in client.clj's error registry,
 * and prints it into its protocol doc): each code's constant name, wire name, definiteness and
 * meaning. Codes 0–999 are Maelstrom's; a custom code (≥ 1000) is always indefinite.
 * Definiteness is a whitelist: a definite error promises the operation did not happen, so a
 * node must never return one when it might have.
 */

/** One error code as the protocol reference lists it. */
export interface ErrorSpec {
  readonly code: number;
  /** True when an error with this code guarantees the operation did not take place. */
  readonly definite: boolean;
  /** What the code means, for the protocol reference. */
  readonly doc: string;
}

/** Every Maelstrom error code under its constant name; its wire name is that name in kebab case. */
export const ERRORS = {
  Timeout: { code: 0, definite: false, doc: "No reply came in time; the operation may or may not have happened." },
  NodeNotFound: { code: 1, definite: true, doc: "The request went to a node that does not exist." },
  NotSupported: { code: 10, definite: true, doc: "The node does not handle this request type (yet)." },
  TemporarilyUnavailable: {
    code: 11,
    definite: true,
    doc: "The node cannot do this now (not initialised, no leader, …) and did nothing; a retry may work.",
  },
  MalformedRequest: { code: 12, definite: true, doc: "The request is not a well-formed body of its type." },
  Crash: {
    code: 13,
    definite: false,
    doc: "Something went wrong and the node cannot tell whether the operation happened.",
  },
  Abort: { code: 14, definite: true, doc: "The operation was stopped before it took effect." },
  KeyDoesNotExist: { code: 20, definite: true, doc: "The key read or compared is not there." },
  KeyAlreadyExists: { code: 21, definite: true, doc: "The key to be created is already there." },
  PreconditionFailed: { code: 22, definite: true, doc: "A compare-and-set found a value other than `from`." },
  TxnConflict: { code: 30, definite: true, doc: "The transaction conflicted with another one and was aborted." },
} as const satisfies Record<string, ErrorSpec>;

/** The constant names of the error codes. */
export type ErrorConstant = keyof typeof ERRORS;

/** Error code by constant name: `ErrorCode.KeyDoesNotExist` is 20. */
export const ErrorCode = Object.fromEntries(
  Object.entries(ERRORS).map(([constant, spec]) => [constant, spec.code]),
) as { readonly [K in ErrorConstant]: (typeof ERRORS)[K]["code"] };

/** One of Maelstrom's error codes. */
export type ErrorCodeNumber = (typeof ErrorCode)[ErrorConstant];

/** The table by code, with each code's wire name ("key-does-not-exist"). */
const BY_CODE: ReadonlyMap<number, ErrorSpec & { name: string }> = new Map(
  Object.entries(ERRORS).map(([constant, spec]) => [spec.code, { ...spec, name: kebabCase(constant) }]),
);

/** Every code with its wire name, in code order (for the protocol reference). */
export function errorTable(): (ErrorSpec & { name: string })[] {
  return [...BY_CODE.values()].sort((a, b) => a.code - b.code);
}

/** True when an error with this code guarantees the operation did not take place. */
export function isDefinite(code: number): boolean {
  return BY_CODE.get(code)?.definite ?? false;
}

/** Maelstrom's name for a code ("unknown" for custom and unlisted codes). */
export function errorName(code: number): string {
  return BY_CODE.get(code)?.name ?? "unknown";
}

/** "KeyDoesNotExist" → "key-does-not-exist". */
function kebabCase(constant: string): string {
  return constant.replace(/[A-Z]/g, (letter, index: number) => (index === 0 ? "" : "-") + letter.toLowerCase());
}
