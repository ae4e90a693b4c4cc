/**
 * Closed message schemas as Maelstrom's `defrpc` has them (client.clj, Prismatic closed maps):
 * each RPC's request and reply schemas, the envelope keys the client adds to each (a request's
 * `msg_id`; a reply's `in_reply_to` and optional `msg_id`), the field checks, and why a body does
 * not fit. Checks carry the names Prismatic prints for them, so an explanation shows the schema.
 */
import { isJsonInteger } from "../primitives/json-exact.ts";
import type { BodySchema, FieldCheck, Rpc } from "./types.ts";

/** A check with the name the schema printer shows for it. */
export function named(schemaName: string, check: (value: unknown) => boolean): FieldCheck {
  return Object.assign((value: unknown) => check(value), { schemaName });
}

/** Any JSON value, including null. */
export const isAny = named("Any", () => true);
/** A JSON integer (Maelstrom's schemas reject 5.0 where an Int is expected; big integers are fine). */
export const isInt = named("Int", isJsonInteger);
/** A JSON string. */
export const isString = named("Str", (value) => typeof value === "string");

/** Exactly `expected` (Prismatic's `s/eq`): a string or null here. */
export function isEq(expected: string | null): FieldCheck {
  return named(`(eq ${expected === null ? "nil" : JSON.stringify(expected)})`, (value) => value === expected);
}

/*
 * Null, as Prismatic treats nil (plumatic/schema's src/cljc/schema/core.cljc): a sequence
 * schema's precondition is `(or (nil? x) (sequential? x))`, so nil passes `[Any]` as an empty
 * sequence, and only a required `(s/one …)` element then fails on it ("present?"). A map
 * schema's precondition is `map?`, so nil fails `{Str Any}`. Hence: null is a valid list
 * (`isArrayOf`, at any depth: kafka's `{key: null}`, a `txn: null`), a tuple of required
 * elements (`isTuple`) rejects it, and an object (`isObjectOf`) rejects it. Jepsen's checkers
 * then read that nil as Clojure does, as an empty collection.
 */

/** A JSON array whose every element passes `element`, or null (Prismatic's `[schema]`; see above). */
export function isArrayOf(element: FieldCheck): FieldCheck {
  return named(`[${nameOf(element)}]`, (value) => value === null || (Array.isArray(value) && value.every(element)));
}

/** A JSON object whose every value passes `element` (keys are strings on the wire); never null. */
export function isObjectOf(element: FieldCheck): FieldCheck {
  return named(`{Str ${nameOf(element)}}`, (value) => isPlainObject(value) && Object.values(value).every(element));
}

/** An array of exactly these elements, in order (Prismatic's `[(s/one …) …]`): null lacks them, so it fails. */
export function isTuple(...elements: FieldCheck[]): FieldCheck {
  return named(
    `[${elements.map(nameOf).join(" ")}]`,
    (value) => Array.isArray(value) && value.length === elements.length && elements.every((check, i) => check(value[i])),
  );
}

/** A value that passes any one of `alternatives` (Prismatic's `s/either`). */
export function isEither(...alternatives: FieldCheck[]): FieldCheck {
  return named(`(either ${alternatives.map(nameOf).join(" ")})`, (value) => alternatives.some((check) => check(value)));
}

/** True for a JSON object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * One RPC from its request and reply body schemas, with the envelope keys added as client.clj's
 * `send-schema` and `recv-schema` do: a request carries an integer `msg_id`; a reply an integer
 * `in_reply_to` and, optionally, an integer `msg_id`.
 */
export function defineRpc(spec: Rpc): Rpc {
  const { request, reply } = spec;
  return {
    request: { ...request, required: { ...request.required, msg_id: isInt } },
    reply: { ...reply, required: { ...reply.required, in_reply_to: isInt }, optional: { ...reply.optional, msg_id: isInt } },
  };
}

/**
 * Why `body` breaks `schema`, or undefined when it fits. Error replies are not checked here:
 * the client handles `type: "error"` first, as Maelstrom does.
 */
export function schemaViolation(body: Record<string, unknown>, schema: BodySchema): string | undefined {
  if (body.type !== schema.type) return `expected type ${JSON.stringify(schema.type)}, got ${JSON.stringify(body.type)}`;
  for (const [key, check] of Object.entries(schema.required)) {
    if (!Object.hasOwn(body, key)) return `missing required key ${JSON.stringify(key)}`;
    if (!check(body[key])) return badValue(key, check, body[key]);
  }
  for (const [key, value] of Object.entries(body)) {
    if (key === "type" || Object.hasOwn(schema.required, key)) continue;
    const check = schema.optional && Object.hasOwn(schema.optional, key) ? schema.optional[key]! : undefined;
    if (check && !check(value)) return badValue(key, check, value);
    if (!check && !schema.open) return `disallowed key ${JSON.stringify(key)}`;
  }
  return undefined;
}

/** A body schema as Prismatic prints a closed map, one key per line. */
export function describeSchema(schema: BodySchema): string {
  const fields = [
    `"type": (eq ${JSON.stringify(schema.type)})`,
    ...Object.entries(schema.required).map(([key, check]) => `${JSON.stringify(key)}: ${nameOf(check)}`),
    ...Object.entries(schema.optional ?? {}).map(([key, check]) => `(optional-key ${JSON.stringify(key)}): ${nameOf(check)}`),
    ...(schema.open ? ["any other key: Any"] : []),
  ];
  return `{${fields.join(",\n ")}}`;
}

function nameOf(check: FieldCheck): string {
  return check.schemaName ?? "(see the workload's schema)";
}

function badValue(key: string, check: FieldCheck, value: unknown): string {
  return `bad value for ${JSON.stringify(key)}: ${preview(value)} is not ${nameOf(check)}`;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
