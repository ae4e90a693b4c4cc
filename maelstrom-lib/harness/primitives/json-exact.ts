/**
 * JSON as Maelstrom reads it (Cheshire): integers are exact, and `1.0` is a double, not the
 * integer 1. JavaScript's JSON.parse loses both distinctions, so where they matter (an
 * `in_reply_to` of `1.0` must not match msg_id 1; an integer field must not accept `5.0`;
 * distinct 64-bit ids must stay distinct) such numbers are kept as JSON.rawJSON values, which
 * also serialise back to exactly the text the node wrote.
 */
// Declares Bun's JSON.rawJSON and JSON.isRawJSON (types only).
import type {} from "../../protocol/schema.ts";

/**
 * Cheap pre-check: only lines with a decimal point or exponent after a digit, or a long digit run, need the slow path.
 */
const MAY_NEED_EXACT = /\d[.eE]|\d{16}/;

function exactNumbers(_key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value !== "number" || !Number.isInteger(value) || context?.source === undefined) return value;
  const source = context.source;
  return /[.eE]/.test(source) || !Number.isSafeInteger(value) ? JSON.rawJSON(source) : value;
}

/** JSON.parse that keeps integral doubles (`1.0`, `1e3`) and unsafe integers as raw JSON. */
export function parseJsonExact(text: string): unknown {
  return MAY_NEED_EXACT.test(text)
    ? JSON.parse(text, exactNumbers as (key: string, value: unknown) => unknown)
    : JSON.parse(text);
}

/**
 * Jackson's default limit on nesting (StreamReadConstraints.DEFAULT_MAX_DEPTH, checked in
 * validateNestingDepth as depth > 1000): the parser under Maelstrom's Cheshire refuses a
 * document nested deeper. Bounding it here also keeps every later recursive walk of a node's
 * value (JSON.stringify on delivery, the checkers, the report) far from the stack's end.
 */
export const MAX_JSON_DEPTH = 1000;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * True when `text` nests arrays and objects more than `limit` deep (brackets inside strings do
 * not count). The scan stops at the first level too deep; a line too short to open `limit + 1`
 * levels is not scanned at all, which is nearly every protocol line.
 */
export function nestsDeeperThan(text: string, limit: number = MAX_JSON_DEPTH): boolean {
  if (text.length <= limit) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === BACKSLASH) i++;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) {
      inString = true;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/** An exact integer as a bigint (for ordering ids), or undefined for anything else. */
export function exactInteger(value: unknown): bigint | undefined {
  if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
  if (JSON.isRawJSON(value) && /^-?\d+$/.test(value.rawJSON)) return BigInt(value.rawJSON);
  return undefined;
}

/** How many levels of a document prettyJson indents; results.json's own structure is far shallower. */
export const PRETTY_JSON_LEVELS = 16;

/**
 * JSON.stringify(value, null, 2) for the first `levels` levels, with anything nested deeper
 * written compactly on one line. Indentation costs two characters per level on every line, so
 * a fully indented value nested d deep grows with d²: a node's reply nested 998 deep (a 2 KB
 * line) takes 2 MB of results.json, once for each place it is quoted. Indenting a bounded
 * number of levels keeps the output within (2·levels + 2) times the compact size.
 */
export function prettyJson(
  value: unknown,
  levels: number = PRETTY_JSON_LEVELS,
  rename: (key: string, member: unknown) => unknown = (_key, member) => member,
): string {
  const depthOf = new Map<object, number>();
  const deep: string[] = [];
  // A placeholder no string in the value can spell: a random nonce, then the index into `deep`.
  const nonce = `\u0000${crypto.randomUUID()}:`;
  const text = JSON.stringify(
    value,
    function (this: object, key: string, original: unknown) {
      const member = rename(key, original);
      if (member === null || typeof member !== "object" || JSON.isRawJSON(member)) return member;
      const depth = (depthOf.get(this) ?? -1) + 1;
      if (depth < levels) {
        depthOf.set(member, depth);
        return member;
      }
      deep.push(JSON.stringify(member));
      return `${nonce}${deep.length - 1}`;
    },
    2,
  );
  if (deep.length === 0 || text === undefined) return text;
  const placeholder = new RegExp(`"${JSON.stringify(nonce).slice(1, -1).replace(/\\/g, "\\\\")}(\\d+)"`, "g");
  return text.replace(placeholder, (_match, index: string) => deep[Number(index)]!);
}
