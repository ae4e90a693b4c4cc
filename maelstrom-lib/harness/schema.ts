/**
 * Field checks for closed reply schemas (Maelstrom's `defrpc`, Prismatic closed maps):
 * a reply may hold exactly its schema's keys plus `in_reply_to` (required integer) and
 * `msg_id` (optional integer). Anything else makes the reply malformed.
 */
import { isJsonInteger } from "./json-exact.ts";
import type { ReplySchema } from "./types.ts";

export type FieldCheck = (value: unknown) => boolean;

/** Any JSON value, including null. */
export const isAny: FieldCheck = () => true;
/** A JSON integer (Maelstrom's schemas reject 5.0 where an Int is expected; big integers are fine). */
export const isInt: FieldCheck = isJsonInteger;
/** A JSON string. */
export const isString: FieldCheck = (value) => typeof value === "string";

/** A JSON array whose every element passes `element`. */
export function isArrayOf(element: FieldCheck): FieldCheck {
  return (value) => Array.isArray(value) && value.every(element);
}

/** A JSON object whose every value passes `element` (keys are strings on the wire). */
export function isObjectOf(element: FieldCheck): FieldCheck {
  return (value) => isPlainObject(value) && Object.values(value).every(element);
}

/** True for a JSON object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Why `body` breaks `schema`, or undefined when it fits. Error bodies are not checked here:
 * the caller handles `type: "error"` first, as Maelstrom does.
 */
export function schemaViolation(body: Record<string, unknown>, schema: ReplySchema): string | undefined {
  if (body.type !== schema.type) return `expected type ${JSON.stringify(schema.type)}, got ${JSON.stringify(body.type)}`;
  if (!isInt(body.in_reply_to)) return "in_reply_to must be an integer";
  if ("msg_id" in body && !isInt(body.msg_id)) return "msg_id must be an integer when present";
  for (const [key, check] of Object.entries(schema.required)) {
    if (!(key in body)) return `missing required key ${JSON.stringify(key)}`;
    if (!check(body[key])) return `bad value for ${JSON.stringify(key)}: ${preview(body[key])}`;
  }
  if (schema.open) return undefined;
  for (const [key, value] of Object.entries(body)) {
    if (key === "type" || key === "in_reply_to" || key === "msg_id" || key in schema.required) continue;
    const check = schema.optional?.[key];
    if (!check) return `disallowed key ${JSON.stringify(key)}`;
    if (!check(value)) return `bad value for ${JSON.stringify(key)}: ${preview(value)}`;
  }
  return undefined;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
