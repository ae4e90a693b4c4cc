/**
 * EDN values and two printers: `printEdn` prints on one line as Clojure's `prn` does (the lines of
 * history.edn), or as `print` does when not `readably` (strings bare); `pprintEdn` lays out as
 * fipp.edn's pprint does at its default width of 70 (Jepsen's store writes results.edn with it):
 * a collection that fits in what is left of the line stays on it, else each element (each key
 * and value of a map) goes on its own line, aligned under the first one.
 */

export class Keyword {
  constructor(readonly name: string) {}
}

/** A number Clojure holds as a Float (Maelstrom's msgs-per-op, ok-fraction): printed as Float.toString does. */
export class Float32 {
  constructor(readonly value: number) {}
}

/** A number kept as the exact text a node wrote (see json-exact.ts): 64-bit ids, `1.0`. */
export interface RawNumber {
  readonly rawJSON: string;
}

export type EdnCollection =
  | { readonly kind: "vector" | "list" | "set"; readonly items: readonly Edn[] }
  | { readonly kind: "map"; readonly entries: readonly (readonly [Edn, Edn])[] };

export type Edn = null | boolean | number | string | Keyword | Float32 | RawNumber | EdnCollection;

export const kw = (name: string): Keyword => new Keyword(name);
export const vector = (items: readonly Edn[]): EdnCollection => ({ kind: "vector", items });
export const list = (items: readonly Edn[]): EdnCollection => ({ kind: "list", items });
export const set = (items: readonly Edn[]): EdnCollection => ({ kind: "set", items });
export const map = (entries: readonly (readonly [Edn, Edn])[]): EdnCollection => ({ kind: "map", entries });

const FIPP_WIDTH = 70;

const BRACKETS = { vector: ["[", "]"], list: ["(", ")"], set: ["#{", "}"], map: ["{", "}"] } as const;

/**
 * One line, as `prn`: `{:a 1, :b ["x" 2]}`; with `readably` false as `print`, whose strings go
 * out bare at any depth: `{:a 1, :b [x 2]}`.
 */
export function printEdn(value: Edn, readably = true): string {
  if (!isCollection(value)) return typeof value === "string" && !readably ? value : printScalar(value);
  const [open, close] = BRACKETS[value.kind];
  const inner =
    value.kind === "map"
      ? value.entries.map(([k, v]) => `${printEdn(k, readably)} ${printEdn(v, readably)}`).join(", ")
      : value.items.map((item) => printEdn(item, readably)).join(" ");
  return `${open}${inner}${close}`;
}

/** fipp.edn/pprint's layout, with its trailing newline. */
export function pprintEdn(value: Edn, width = FIPP_WIDTH): string {
  const out: string[] = [];
  layout(value, 0, width, out);
  return `${out.join("")}\n`;
}

/**
 * Writes `value` starting at `column`; returns the column it ends at. fipp's group fits when its
 * flat form ends at or before `width` (the separator after it does not count).
 */
function layout(value: Edn, column: number, width: number, out: string[]): number {
  const flat = printEdn(value);
  if (!isCollection(value) || column + flat.length <= width) {
    out.push(flat);
    return column + flat.length;
  }
  const [open, close] = BRACKETS[value.kind];
  out.push(open);
  const alignAt = column + open.length;
  const newline = `\n${" ".repeat(alignAt)}`;
  let at = alignAt;
  if (value.kind === "map") {
    value.entries.forEach(([k, v], i) => {
      if (i > 0) {
        out.push(",", newline);
        at = alignAt;
      }
      at = layout(k, at, width, out);
      out.push(" ");
      at = layout(v, at + 1, width, out);
    });
  } else {
    value.items.forEach((item, i) => {
      if (i > 0) {
        out.push(newline);
        at = alignAt;
      }
      at = layout(item, at, width, out);
    });
  }
  out.push(close);
  return at + close.length;
}

function isCollection(value: Edn): value is EdnCollection {
  return typeof value === "object" && value !== null && "kind" in value;
}

function printScalar(value: Exclude<Edn, EdnCollection>): string {
  if (value === null) return "nil";
  if (typeof value === "boolean") return String(value);
  if (typeof value === "string") return printString(value);
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : javaDecimal(String(value), value);
  if (value instanceof Keyword) return `:${value.name}`;
  if (value instanceof Float32) return javaDecimal(shortestFloat32(value.value), value.value);
  return value.rawJSON.replace("e", "E");
}

/** Clojure's pr-str of a string: quotes, backslashes and the named control characters escaped. */
function printString(text: string): string {
  const escaped = text.replace(/[\\"\n\t\r\f\b]/g, (c) => ESCAPES[c]!);
  return `"${escaped}"`;
}

const ESCAPES: Record<string, string> = {
  "\\": "\\\\",
  '"': '\\"',
  "\n": "\\n",
  "\t": "\\t",
  "\r": "\\r",
  "\f": "\\f",
  "\b": "\\b",
};

/**
 * Java's Double/Float toString, given the shortest digits JavaScript finds: plain with at least
 * one decimal for 10^-3 <= |x| < 10^7 (`1.0`, `0.5`), else `1.5E7`, `1.0E-4`.
 */
function javaDecimal(digits: string, value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? "##NaN" : value > 0 ? "##Inf" : "##-Inf";
  const magnitude = Math.abs(value);
  if (magnitude === 0 || (magnitude >= 1e-3 && magnitude < 1e7)) {
    const plain = Number(digits).toString();
    return plain.includes(".") ? plain : `${plain}.0`;
  }
  const [mantissa, exponent] = Number(digits).toExponential().split("e") as [string, string];
  return `${mantissa.includes(".") ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/** The fewest significant digits that read back as the same 32-bit float. */
function shortestFloat32(value: number): string {
  const target = Math.fround(value);
  for (let precision = 1; precision < 9; precision++) {
    const candidate = target.toPrecision(precision);
    if (Math.fround(Number(candidate)) === target) return candidate;
  }
  return target.toPrecision(9);
}
