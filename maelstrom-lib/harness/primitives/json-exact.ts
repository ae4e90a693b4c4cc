/**
 * JSON as Maelstrom reads it (Cheshire): integers are exact, and `1.0` is a double, not the
 * integer 1. JavaScript's JSON.parse loses both distinctions, so where they matter (an
 * `in_reply_to` of `1.0` must not match msg_id 1; an integer field must not accept `5.0`;
 * distinct 64-bit ids must stay distinct) such numbers are kept as JSON.rawJSON values, which
 * also serialise back to exactly the text the node wrote.
 */
// Declares Bun's JSON.rawJSON and JSON.isRawJSON (types only).
import type {} from "../../protocol/schema.ts";

/** Cheap pre-check: only lines with a decimal point or exponent after a digit, or a long digit run, need the slow path. */
const MAY_NEED_EXACT = /\d[.eE]|\d{16}/;

function exactNumbers(_key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value !== "number" || !Number.isInteger(value) || context?.source === undefined) return value;
  const source = context.source;
  return /[.eE]/.test(source) || !Number.isSafeInteger(value) ? JSON.rawJSON(source) : value;
}

/** JSON.parse that keeps integral doubles (`1.0`, `1e3`) and unsafe integers as raw JSON. */
export function parseJsonExact(text: string): unknown {
  return MAY_NEED_EXACT.test(text) ? JSON.parse(text, exactNumbers as (key: string, value: unknown) => unknown) : JSON.parse(text);
}

/** An exact integer as a bigint (for ordering ids), or undefined for anything else. */
export function exactInteger(value: unknown): bigint | undefined {
  if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
  if (JSON.isRawJSON(value) && /^-?\d+$/.test(value.rawJSON)) return BigInt(value.rawJSON);
  return undefined;
}
