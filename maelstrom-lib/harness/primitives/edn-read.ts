/**
 * A reader of EDN (https://github.com/edn-format/edn), the text Jepsen writes: history.edn holds
 * one op map per line (jepsen/store.clj prints each op with `prn`), results.edn one pretty-printed
 * map, and jepsen.log prints the test options as a map. Reader only; values keep their EDN kind
 * where JavaScript has none of its own (keywords, symbols, characters, lists, sets, tagged
 * values), so a caller decides how to flatten them.
 *
 * Integers are exact: a safe integer is a number, a larger one (or one with the N suffix) a
 * bigint. Floats are numbers (so `1.0` reads as 1); an M suffix (BigDecimal) keeps its text.
 * `#inst` and `#uuid` read as their strings; any other tag (`#jepsen.history.Op{...}`,
 * `#object[...]`) as an EdnTagged around the value that follows it.
 */

export class EdnKeyword {
  /** The name without the colon, namespace included: `jepsen.foo/bar` for `:jepsen.foo/bar`. */
  constructor(readonly name: string) {}
}

export class EdnSymbol {
  constructor(readonly name: string) {}
}

/** A character literal (`\a`, `\newline`, `\u00e9`). */
export class EdnChar {
  constructor(readonly char: string) {}
}

/** A list `( ... )`; vectors read as plain arrays. */
export class EdnList {
  constructor(readonly items: EdnValue[]) {}
}

/** A set `#{ ... }`, in the order written. */
export class EdnSet {
  constructor(readonly items: EdnValue[]) {}
}

/** A map `{ ... }`: its entries in the order written (keys may be any value). */
export class EdnMap {
  constructor(readonly entries: [EdnValue, EdnValue][]) {}

  /** The value under keyword `:name`, if any. */
  get(name: string): EdnValue | undefined {
    for (const [key, value] of this.entries) if (key instanceof EdnKeyword && key.name === name) return value;
    return undefined;
  }
}

/** An arbitrary-precision decimal (`1.5M`), as written without the M. */
export class EdnDecimal {
  constructor(readonly text: string) {}
}

/** A tagged value other than #inst and #uuid. */
export class EdnTagged {
  constructor(
    readonly tag: string,
    readonly value: EdnValue,
  ) {}
}

export type EdnValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | EdnKeyword
  | EdnSymbol
  | EdnChar
  | EdnList
  | EdnValue[]
  | EdnMap
  | EdnSet
  | EdnDecimal
  | EdnTagged;

/** Malformed EDN: what was wrong and where (1-based line and column, 0-based offset). */
export class EdnError extends Error {
  constructor(
    readonly detail: string,
    readonly line: number,
    readonly column: number,
    readonly offset: number,
  ) {
    super(`EDN error at line ${line}, column ${column}: ${detail}`);
  }
}

const DELIMITERS = new Set([...'()[]{}";']);
const NAMED_CHARS: Record<string, string> = {
  newline: "\n",
  space: " ",
  tab: "\t",
  return: "\r",
  formfeed: "\f",
  backspace: "\b",
};
const STRING_ESCAPES: Record<string, string> = { t: "\t", r: "\r", n: "\n", "\\": "\\", '"': '"', b: "\b", f: "\f" };
const SYMBOLIC_VALUES: Record<string, number> = { Inf: Infinity, "-Inf": -Infinity, NaN: NaN };
const INTEGER = /^([-+]?)(0|[1-9]\d*)(N?)$/;
const FLOAT = /^[-+]?(0|[1-9]\d*)(\.\d*)?([eE][-+]?\d+)?(M?)$/;
const CLOSERS: Record<string, string> = { "(": ")", "[": "]", "{": "}" };

function isWhitespace(c: string): boolean {
  return c === " " || c === "," || c === "\n" || c === "\t" || c === "\r" || c === "\f";
}

/**
 * How deep forms may nest: Jackson's default for JSON, which Maelstrom reads nodes with. A
 * value nested deeper is an EdnError, not a reader (or a later printer) out of stack.
 */
export const EDN_MAX_DEPTH = 1000;

/** Reads EDN forms one after another from a text. */
export class EdnReader {
  private at = 0;
  private formStart = 0;
  private depth = 0;

  constructor(
    private readonly text: string,
    start = 0,
  ) {
    this.at = start;
  }

  /** Where the next form would start reading (after the last form read). */
  get offset(): number {
    return this.at;
  }

  /** Moves to `offset`, from where the next form is read (a caller skipping text that is not EDN). */
  skipTo(offset: number): void {
    this.at = offset;
  }

  /** Where the last form read began. */
  get lastFormStart(): number {
    return this.formStart;
  }

  /** The next form, or undefined at the end of the text. */
  next(): EdnValue | undefined {
    this.skipSpace();
    if (this.at >= this.text.length) return undefined;
    this.formStart = this.at;
    return this.readForm();
  }

  /** Throws an EdnError at `at` (by default where the reader stands). */
  fail(detail: string, at = this.at): never {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < at && i < this.text.length; i++) {
      if (this.text[i] === "\n") {
        line++;
        lineStart = i + 1;
      }
    }
    throw new EdnError(detail, line, at - lineStart + 1, at);
  }

  /** Skips whitespace, commas, comments and `#_` discarded forms. */
  private skipSpace(): void {
    const text = this.text;
    while (this.at < text.length) {
      const c = text[this.at]!;
      if (isWhitespace(c)) this.at++;
      else if (c === ";") {
        const end = text.indexOf("\n", this.at);
        this.at = end === -1 ? text.length : end + 1;
      } else if (c === "#" && text[this.at + 1] === "_") {
        this.at += 2;
        this.skipSpace();
        if (this.at >= text.length) this.fail("#_ discards nothing: the text ends");
        this.readForm();
      } else return;
    }
  }

  private readForm(): EdnValue {
    if (this.depth >= EDN_MAX_DEPTH) this.fail(`forms nested more than ${EDN_MAX_DEPTH} deep`);
    this.depth++;
    try {
      return this.readFormHere();
    } finally {
      this.depth--;
    }
  }

  private readFormHere(): EdnValue {
    const c = this.text[this.at]!;
    switch (c) {
      case "(":
        return new EdnList(this.readSequence("("));
      case "[":
        return this.readSequence("[");
      case "{":
        return this.readMap();
      case '"':
        return this.readString();
      case "\\":
        return this.readChar();
      case "#":
        return this.readDispatch();
      case ")":
      case "]":
      case "}":
        return this.fail(`unexpected ${JSON.stringify(c)}`);
      default:
        return this.readAtom();
    }
  }

  /** The forms up to the closer of `open`, which starts at the current position. */
  private readSequence(open: string): EdnValue[] {
    const start = this.at;
    const close = CLOSERS[open]!;
    this.at++;
    const items: EdnValue[] = [];
    for (;;) {
      this.skipSpace();
      if (this.at >= this.text.length) this.fail(`${JSON.stringify(open)} opened here is never closed`, start);
      const c = this.text[this.at]!;
      if (c === close) {
        this.at++;
        return items;
      }
      if (c === ")" || c === "]" || c === "}")
        this.fail(`${JSON.stringify(c)} closes ${JSON.stringify(open)} (expected ${JSON.stringify(close)})`);
      items.push(this.readForm());
    }
  }

  private readMap(): EdnMap {
    const start = this.at;
    const items = this.readSequence("{");
    if (items.length % 2 !== 0) this.fail("a map needs an even number of forms (a value for every key)", start);
    const entries: [EdnValue, EdnValue][] = [];
    for (let i = 0; i < items.length; i += 2) entries.push([items[i]!, items[i + 1]!]);
    return new EdnMap(entries);
  }

  private readString(): string {
    const start = this.at;
    const text = this.text;
    let out = "";
    let runStart = ++this.at;
    while (this.at < text.length) {
      const c = text[this.at]!;
      if (c === '"') {
        out += text.slice(runStart, this.at++);
        return out;
      }
      if (c !== "\\") {
        this.at++;
        continue;
      }
      out += text.slice(runStart, this.at);
      out += this.readStringEscape();
      runStart = this.at;
    }
    return this.fail("a string opened here is never closed", start);
  }

  /** One escape in a string, from its backslash. */
  private readStringEscape(): string {
    const e = this.text[this.at + 1];
    if (e === undefined) this.fail("a string ends in a backslash");
    if (e === "u") {
      const hex = this.text.slice(this.at + 2, this.at + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail(`bad unicode escape \\u${hex}`);
      this.at += 6;
      return String.fromCharCode(Number.parseInt(hex, 16));
    }
    const escaped = STRING_ESCAPES[e];
    if (escaped === undefined) this.fail(`unknown escape \\${e} in a string`);
    this.at += 2;
    return escaped;
  }

  private readChar(): EdnChar {
    const start = this.at++;
    const token = this.readToken(true);
    if (token.length === 0 || isWhitespace(token)) this.fail("a backslash names no character", start);
    if (token.length === 1) return new EdnChar(token);
    const named = NAMED_CHARS[token];
    if (named !== undefined) return new EdnChar(named);
    if (/^u[0-9a-fA-F]{4}$/.test(token)) return new EdnChar(String.fromCharCode(Number.parseInt(token.slice(1), 16)));
    return this.fail(`unknown character \\${token}`, start);
  }

  /** `#{...}` sets, `##Inf`-style values and tagged values (`#_` is skipped as space). */
  private readDispatch(): EdnValue {
    const start = this.at;
    const next = this.text[this.at + 1];
    if (next === "{") {
      this.at++;
      return new EdnSet(this.readSequence("{"));
    }
    if (next === "#") {
      this.at += 2;
      const name = this.readToken(false);
      const value = SYMBOLIC_VALUES[name];
      if (value === undefined) this.fail(`unknown symbolic value ##${name}`, start);
      return value;
    }
    this.at++;
    const tag = this.readToken(false);
    if (!/^[A-Za-z]/.test(tag))
      this.fail(
        `a # must be followed by {, _, # or a tag name; got ${JSON.stringify(this.text.slice(start, start + 2))}`,
        start,
      );
    this.skipSpace();
    if (this.at >= this.text.length) this.fail(`tag #${tag} has no value: the text ends`, start);
    const value = this.readForm();
    if (tag === "inst" || tag === "uuid") {
      if (typeof value !== "string") this.fail(`#${tag} must be followed by a string`, start);
      return value;
    }
    return new EdnTagged(tag, value);
  }

  /**
   * The characters up to a delimiter or whitespace. A character literal may itself be a
   * delimiter (`\(`), so `first` takes the first character whatever it is.
   */
  private readToken(first: boolean): string {
    const start = this.at;
    if (first && this.at < this.text.length) this.at++;
    while (this.at < this.text.length) {
      const c = this.text[this.at]!;
      if (isWhitespace(c) || DELIMITERS.has(c)) break;
      this.at++;
    }
    return this.text.slice(start, this.at);
  }

  /** nil, booleans, numbers, keywords and symbols. */
  private readAtom(): EdnValue {
    const start = this.at;
    const token = this.readToken(false);
    if (token === "nil") return null;
    if (token === "true") return true;
    if (token === "false") return false;
    if (token.startsWith(":")) return this.keyword(token, start);
    if (/^[-+]?\d/.test(token)) return this.number(token, start);
    return new EdnSymbol(token);
  }

  private keyword(token: string, start: number): EdnKeyword {
    const name = token.slice(1);
    if (name === "" || name.startsWith(":") || name.startsWith("/") || name.endsWith("/"))
      this.fail(`bad keyword ${token}`, start);
    return new EdnKeyword(name);
  }

  private number(token: string, start: number): number | bigint | EdnDecimal {
    const integer = INTEGER.exec(token);
    if (integer) {
      const value = BigInt(`${integer[1] === "-" ? "-" : ""}${integer[2]}`);
      return integer[3] === "N" || value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)
        ? value
        : Number(value);
    }
    const float = FLOAT.exec(token);
    if (!float || (float[2] === undefined && float[3] === undefined && float[4] === ""))
      this.fail(`bad number ${token}`, start);
    if (float[4] === "M") return new EdnDecimal(token.slice(0, -1).replace(/^\+/, ""));
    return Number(token);
  }
}

/** Exactly one EDN form; anything else (nothing, or more after it) is an EdnError. */
export function readEdn(text: string): EdnValue {
  const reader = new EdnReader(text);
  const value = reader.next();
  if (value === undefined) throw new EdnError("no form: the text is empty", 1, 1, 0);
  if (reader.next() !== undefined) reader.fail("more than one form", reader.lastFormStart);
  return value;
}

/** Every EDN form of a text, in order. */
export function readEdnAll(text: string): EdnValue[] {
  const reader = new EdnReader(text);
  const values: EdnValue[] = [];
  for (let value = reader.next(); value !== undefined; value = reader.next()) values.push(value);
  return values;
}
