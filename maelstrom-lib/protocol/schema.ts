/**
 * Message schemas as Maelstrom's `defrpc` writes them (client.clj, Prismatic closed maps), as
 * plain data both sides read: the runner checks bodies against them, the node runtime takes its
 * body types from them (TypeScript infers each body from its schema object), and the protocol
 * reference is printed from them. No imports: the node runtime loads this file.
 *
 * A field check tests what a receiver tolerates; its type says what a correct sender writes.
 * The two differ only where Prismatic is lenient: null passes as an empty list.
 */

declare global {
  interface JSON {
    rawJSON(text: string): RawJson;
    isRawJSON(value: unknown): value is RawJson;
  }
}

/** A number kept as its JSON text (Bun's JSON.rawJSON): how the runner holds 1.0 and 64-bit integers. */
interface RawJson {
  readonly rawJSON: string;
}

/** Any JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Checks one field's value. `schemaName` is how Prismatic's schema printer shows the check;
 * `T` is the value a correct sender puts there (type level only).
 */
export interface FieldCheck<T = unknown> {
  (value: unknown): boolean;
  readonly schemaName: string;
  /** Never set: carries `T` for type inference. */
  readonly valueType?: T;
}

/** The type a check stands for. */
export type CheckedType<C> = C extends FieldCheck<infer T> ? T : never;

/** Field name → its check. */
export type Fields = Readonly<Record<string, FieldCheck>>;

/**
 * A message body's schema: its type and its keys, a closed map as in Maelstrom's defrpc. The
 * runner's client adds the envelope keys itself (`defineRpc`).
 */
export interface BodySchema<
  Type extends string = string,
  Required extends Fields = Fields,
  Optional extends Fields = Fields,
> {
  readonly type: Type;
  /** Required keys and their checks. */
  readonly required: Required;
  /** Optional keys and their checks. */
  readonly optional?: Optional;
  /** Allow any other keys too (Maelstrom checks nothing but the type of init_ok). */
  readonly open?: boolean;
}

/** The body a schema describes, without the envelope keys; a key the schema does not list is an error. */
export type BodyOf<S> =
  S extends BodySchema<infer Type, infer Required>
    ? Flat<{ type: Type } & { -readonly [K in keyof Required]: CheckedType<Required[K]> } & OptionalFieldsOf<S>>
    : never;

/** A schema's optional keys (none if it lists none: not the index signature of the default `Fields`). */
type OptionalFieldsOf<S> = S extends { readonly optional: infer Optional extends Fields }
  ? { -readonly [K in keyof Optional]?: CheckedType<Optional[K]> }
  : unknown;

type Flat<T> = { [K in keyof T]: T[K] };

/**
 * One RPC as Maelstrom's defrpc defines it: what it is for, the request the client sends
 * (checked before it is sent) and the reply it expects (checked when it comes back).
 */
export interface Rpc<Request extends BodySchema = BodySchema, Reply extends BodySchema = BodySchema> {
  readonly doc: string;
  readonly request: Request;
  readonly reply: Reply;
}

/** A check with the name the schema printer shows for it. */
export function named<T>(schemaName: string, check: (value: unknown) => boolean): FieldCheck<T> {
  return Object.assign((value: unknown) => check(value), { schemaName });
}

/** Any JSON value, including null. */
export const isAny: FieldCheck<Json> = named("Any", () => true);
/**
 * A JSON integer. Maelstrom rejects 5.0 where an Int is expected; the runner parses such
 * numbers (and integers too big for a double) into raw JSON, so a raw integer passes here too.
 */
export const isInt: FieldCheck<number> = named("Int", isJsonInteger);
/** A JSON string. */
export const isString: FieldCheck<string> = named("Str", (value) => typeof value === "string");

/** A JSON boolean. */
export const isBool: FieldCheck<boolean> = named("Bool", (value) => typeof value === "boolean");

/** Exactly `expected` (Prismatic's `s/eq`): a string or null here. */
export function isEq<const V extends string | null>(expected: V): FieldCheck<V> {
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
export function isArrayOf<T>(element: FieldCheck<T>): FieldCheck<T[]> {
  return named(`[${element.schemaName}]`, (value) => value === null || (Array.isArray(value) && value.every(element)));
}

/** A JSON object whose every value passes `element` (keys are strings on the wire); never null. */
export function isObjectOf<T>(element: FieldCheck<T>): FieldCheck<Record<string, T>> {
  return named(`{Str ${element.schemaName}}`, (value) => isPlainObject(value) && Object.values(value).every(element));
}

/** An array of exactly these elements, in order (Prismatic's `[(s/one …) …]`): null lacks them, so it fails. */
export function isTuple<const C extends readonly FieldCheck[]>(
  ...elements: C
): FieldCheck<{ -readonly [I in keyof C]: CheckedType<C[I]> }> {
  const names = elements.map((check) => check.schemaName).join(" ");
  const fits = (value: unknown[]) => value.length === elements.length && elements.every((check, i) => check(value[i]));
  return named(`[${names}]`, (value) => Array.isArray(value) && fits(value));
}

/** A value that passes any one of `alternatives` (Prismatic's `s/either`). */
export function isEither<const C extends readonly FieldCheck[]>(
  ...alternatives: C
): FieldCheck<CheckedType<C[number]>> {
  const names = alternatives.map((check) => check.schemaName).join(" ");
  return named(`(either ${names})`, (value) => alternatives.some((check) => check(value)));
}

/** True for a JSON object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** True for a JSON integer: a safe JS integer, or a raw JSON integer too large for a double. */
export function isJsonInteger(value: unknown): boolean {
  if (typeof value === "number") return Number.isInteger(value);
  return JSON.isRawJSON(value) && /^-?\d+$/.test(value.rawJSON);
}

/** A body schema as Prismatic prints a closed map, one key per line. */
export function describeSchema(schema: BodySchema): string {
  const fields = [
    `"type": (eq ${JSON.stringify(schema.type)})`,
    ...Object.entries(schema.required).map(([key, check]) => `${JSON.stringify(key)}: ${check.schemaName}`),
    ...Object.entries(schema.optional ?? {}).map(
      ([key, check]) => `(optional-key ${JSON.stringify(key)}): ${check.schemaName}`,
    ),
    ...(schema.open ? ["any other key: Any"] : []),
  ];
  return `{${fields.join(",\n ")}}`;
}

/** The envelope key a request carries (client.clj's send-schema). */
const REQUEST_ENVELOPE = { msg_id: isInt };
/** The envelope keys a reply carries (client.clj's recv-schema). */
const REPLY_ENVELOPE = { required: { in_reply_to: isInt }, optional: { msg_id: isInt } };

/**
 * One RPC from its request and reply body schemas, with the envelope keys added as client.clj's
 * `send-schema` and `recv-schema` do: a request carries an integer `msg_id`; a reply an integer
 * `in_reply_to` and, optionally, an integer `msg_id`. The body types stay those written here:
 * on a node the runtime adds the envelope.
 */
export function defineRpc<const Request extends BodySchema, const Reply extends BodySchema>(spec: {
  doc: string;
  request: Request;
  reply: Reply;
}): Rpc<Request, Reply> {
  const { doc, request, reply } = spec;
  return {
    doc,
    request: { ...request, required: { ...request.required, ...REQUEST_ENVELOPE } },
    reply: {
      ...reply,
      required: { ...reply.required, ...REPLY_ENVELOPE.required },
      optional: { ...reply.optional, ...REPLY_ENVELOPE.optional },
    },
  };
}

/** RPCs keyed by their request type. */
export type RpcTable = Readonly<Record<string, Rpc>>;

/** The RPCs of `R` keyed by request type. */
export type RpcTableOf<R extends readonly Rpc[]> = { readonly [X in R[number] as X["request"]["type"]]: X };

/** The RPCs one program answers, keyed by request type. */
export function rpcTable<const R extends readonly Rpc[]>(...rpcs: R): RpcTableOf<R> {
  return Object.fromEntries(rpcs.map((rpc) => [rpc.request.type, rpc])) as RpcTableOf<R>;
}

/**
 * The bodies of a table's RPCs, by request type: what a node speaking it receives and replies
 * (the node runtime's protocol type, `new Node<BroadcastProtocol>()`).
 */
export type MessagesOf<T extends RpcTable> = {
  [K in keyof T]: { request: BodyOf<T[K]["request"]>; reply: BodyOf<T[K]["reply"]> };
};
