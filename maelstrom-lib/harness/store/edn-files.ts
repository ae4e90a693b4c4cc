/**
 * The files Maelstrom users' scripts read, written beside our JSON ones: results.edn (Jepsen's
 * store.clj `write-results!`: fipp pprint of the results map), history.edn (`pwrite-history!` with
 * `prn`: one op map per line), history.txt (`pwrite-history!` with `prn-op`: one tab-separated op
 * per line) and jepsen.log (the run's own log lines, then each op as
 * jepsen.util's `log-op` logs it, then the results map as jepsen.core logs it at the end).
 *
 * JSON loses what EDN keeps, so the conversion puts back what Maelstrom has: keyword keys, keyword
 * op types, fs, micro-op names, error names, anomaly and model names; numeric keys on quantile and
 * other numeric maps (`{0 1, 0.5 182, 1 204}`); sets where Maelstrom has sets and lists where it
 * prints seqs; Floats for msgs-per-op and ok-fraction.
 */
import { basename } from "node:path";
import type { TestOptions } from "../contracts/options.ts";
import { Float32, Keyword, kw, list, map, pprintEdn, printEdn, set, vector, type Edn } from "../primitives/edn.ts";
import type { Op, Validity } from "../contracts/types.ts";
import { nanosToMs } from "../contracts/history.ts";

/** Result keys whose string values are keywords in Maelstrom's results (and any `…-types` list). */
const KEYWORD_VALUED = new Set(["valid?", "type", "f", "not", "also-not", "consistency-models"]);
const isKeywordValued = (key: string | undefined) =>
  key !== undefined && (KEYWORD_VALUED.has(key) || key.endsWith("-types"));
/** Result keys Maelstrom holds as sets (Elle's model names). */
const SET_VALUED = new Set(["not", "also-not"]);
/** Result keys Maelstrom prints as seqs: set-full's sorted element lists, the exceptions checker's groups. */
const LIST_VALUED = new Set(["lost", "stale", "never-read", "exceptions"]);
/** Numbers Maelstrom computes as 32-bit Floats. */
const FLOAT_VALUED = new Set(["msgs-per-op", "ok-fraction"]);
/** Micro-op names at the head of txn and kafka op values: `[[:r 1 nil] [:w 2 3]]`, `[[:send "k" 5]]`. */
const MICRO_OPS = new Set(["r", "w", "append", "send", "poll", "assign", "subscribe"]);
/** Op keys in the order Jepsen's Op record prints them; any others follow. */
const OP_KEY_ORDER = ["index", "time", "type", "process", "f", "value"];
/** Our op keys under Maelstrom's names. */
const OP_KEY_NAMES: Record<string, string> = { final: "final?" };

const KEYWORD_NAME = /^[A-Za-z*+!_?<>=.-][A-Za-z0-9*+!_?<>='.:#/-]*$/;
const NUMBER_KEY = /^-?\d+(\.\d+)?$/;

/** The results map as Maelstrom's results.edn holds it. */
export function resultsToEdn(value: unknown, key?: string): Edn {
  if (Array.isArray(value)) {
    const items = value.map((item) =>
      isKeywordValued(key) && typeof item === "string" ? kw(item) : resultsToEdn(item),
    );
    if (key !== undefined && SET_VALUED.has(key)) return set(items);
    return key !== undefined && LIST_VALUED.has(key) ? list(items) : vector(items);
  }
  if (isObject(value)) {
    if (isOp(value)) return opToEdn(value as unknown as Op);
    const numericKeys = hasNumericKeys(value);
    return map(
      entries(value, numericKeys).map(([k, v]) => [
        mapKey(k, numericKeys),
        k === "mop" && isMicroOp(v) ? microOp(v) : resultsToEdn(v, k),
      ]),
    );
  }
  if (typeof value === "string" && isKeywordValued(key)) return kw(value);
  if (typeof value === "number" && key !== undefined && FLOAT_VALUED.has(key)) return new Float32(value);
  return scalar(value);
}

/** One op as Jepsen's history holds it. */
export function opToEdn(op: Op): Edn {
  const record = op as unknown as Record<string, unknown>;
  const keys = [
    ...OP_KEY_ORDER.filter((k) => k in record),
    ...Object.keys(record).filter((k) => !OP_KEY_ORDER.includes(k)),
  ];
  return map(
    keys.filter((k) => record[k] !== undefined).map((k) => [kw(OP_KEY_NAMES[k] ?? k), opField(k, record[k], op)]),
  );
}

function opField(key: string, value: unknown, op: Op): Edn {
  if (key === "type" || key === "f") return typeof value === "string" ? kw(value) : scalar(value);
  if (key === "process") return value === "nemesis" ? kw("nemesis") : scalar(value);
  if (key === "error") return errorToEdn(value);
  if (key === "value") return op.process === "nemesis" ? nemesisValue(value) : opValue(value);
  return payload(value, true);
}

/**
 * Jepsen's partition nemesis: `:majority`, `[:isolated {"n0" #{"n1"}}]` (a grudge maps each node
 * to the set of nodes it stops hearing), `:network-healed`.
 */
function nemesisValue(value: unknown): Edn {
  if (typeof value === "string") return KEYWORD_NAME.test(value) ? kw(value) : value;
  if (Array.isArray(value) && typeof value[0] === "string")
    return vector([kw(value[0]), ...value.slice(1).map(grudge)]);
  return payload(value, false);
}

function grudge(value: unknown): Edn {
  if (!isObject(value)) return payload(value, false);
  return map(
    Object.entries(value).map(([node, cut]) => [
      node,
      Array.isArray(cut) ? set(cut.map((n) => payload(n, false))) : payload(cut, false),
    ]),
  );
}

/** `[[:r 1 nil]]` for micro-ops; otherwise a message payload. */
function opValue(value: unknown): Edn {
  if (Array.isArray(value) && value.length > 0 && value.every(isMicroOp)) return vector(value.map(microOp));
  return payload(value, true);
}

function microOp(mop: unknown[]): Edn {
  return vector([kw(mop[0] as string), ...mop.slice(1).map((v) => payload(v, true))]);
}

function isMicroOp(value: unknown): value is unknown[] {
  return Array.isArray(value) && typeof value[0] === "string" && MICRO_OPS.has(value[0]);
}

/** Maelstrom's error names are keywords: `:net-timeout`, `[:crash "text"]`. */
function errorToEdn(error: unknown): Edn {
  if (typeof error === "string") return KEYWORD_NAME.test(error) ? kw(error) : error;
  if (Array.isArray(error) && typeof error[0] === "string")
    return vector([kw(error[0]), ...error.slice(1).map((v) => payload(v, true))]);
  return payload(error, true);
}

/** A value as a node sent it: JSON bodies parse with keyword keys (Cheshire), strings stay strings. */
function payload(value: unknown, keywordKeys: boolean): Edn {
  if (Array.isArray(value)) return vector(value.map((item) => payload(item, keywordKeys)));
  if (isObject(value) && !JSON.isRawJSON(value)) {
    const numericKeys = hasNumericKeys(value);
    return map(
      entries(value, numericKeys).map(([k, v]) => [keywordKeys ? mapKey(k, numericKeys) : k, payload(v, keywordKeys)]),
    );
  }
  return scalar(value);
}

/** A map whose keys are all numbers in JSON had numeric keys in Clojure (quantiles, kafka keys). */
function hasNumericKeys(value: Record<string, unknown>): boolean {
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => NUMBER_KEY.test(k));
}

/**
 * A map's entries; numeric keys in ascending order, as Maelstrom's quantile maps print (JavaScript
 * would put "0" and "1" before "0.5").
 */
function entries(value: Record<string, unknown>, numericKeys: boolean): [string, unknown][] {
  const all = Object.entries(value);
  return numericKeys ? all.sort(([a], [b]) => Number(a) - Number(b)) : all;
}

function mapKey(key: string, numeric: boolean): Edn {
  if (numeric) return Number(key);
  return KEYWORD_NAME.test(key) ? kw(key) : key;
}

function scalar(value: unknown): Edn {
  if (value === null || value === undefined) return null;
  if (typeof value === "boolean" || typeof value === "number" || typeof value === "string") return value;
  if (typeof value === "bigint") return { rawJSON: value.toString() };
  if (JSON.isRawJSON(value)) return value;
  return String(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An op embedded in results (anomaly examples, worst-stale reads): it prints as one. */
function isOp(value: Record<string, unknown>): boolean {
  return typeof value.index === "number" && "process" in value && typeof value.type === "string" && "value" in value;
}

/** `[2026-12-01 09:10:29,201]`, Jepsen's log timestamp (local time, as logback prints it). */
function logTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  return `${date} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())},${pad(d.getMilliseconds(), 3)}`;
}

/** When the run started, from its folder name (20261201T091029.134Z); now if it does not parse. */
function runStartMs(runDir: string): number {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})\.(\d{3})Z/.exec(basename(runDir));
  if (!match) return Date.now();
  const [, y, mo, d, h, mi, s, ms] = match.map(Number) as number[];
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!, ms!);
}

/** An op's process, type, f and value (pr'd, as both of Jepsen's op printers print them) and its error, unprinted. */
function opColumns(op: Op): { columns: string[]; error: Edn | undefined } {
  const edn = opToEdn(op) as { entries: readonly (readonly [Edn, Edn])[] };
  const field = (name: string) => edn.entries.find(([k]) => k instanceof Keyword && k.name === name)?.[1];
  const columns = [field("process"), field("type"), field("f"), field("value") ?? null].map((v) => printEdn(v ?? null));
  return { columns, error: field("error") };
}

/** jepsen.util's op->str: process, type, f, value and error (`str`'d), tab-separated. */
function opLogLine(op: Op, concurrency: number, startMs: number): string {
  const thread = op.process === "nemesis" ? "jepsen nemesis" : `jepsen worker ${Number(op.process) % concurrency}`;
  const { columns, error } = opColumns(op);
  if (error !== undefined) columns.push(typeof error === "string" ? error : printEdn(error));
  return `INFO [${logTime(startMs + nanosToMs(op.time))}] ${thread} - jepsen.util ${columns.join("\t")}`;
}

/**
 * One line of history.txt, as jepsen.util's prn-op prints it (store.clj write-history! writes
 * the file with it): process, type, f and value pr'd, then the error `print`ed (strings bare),
 * tab-separated: `0\t:info\t:txn\t[[:r 7 nil]]\t:net-timeout`.
 */
export function historyTxtLine(op: Op): string {
  const { columns, error } = opColumns(op);
  if (error !== undefined) columns.push(printEdn(error, false));
  return columns.join("\t");
}

/** results.edn's text: the results map pretty-printed as Jepsen's store writes it. */
export function resultsEdnText(results: { readonly "valid?": Validity }): string {
  return pprintEdn(resultsToEdn(results));
}

/** history.edn, line by line: one op map each, as Jepsen's `prn` prints it. */
export function* historyEdnLines(history: readonly Op[]): Generator<string> {
  for (const op of history) yield `${printEdn(opToEdn(op))}\n`;
}

/** history.txt, line by line: one op each, tab-separated as Jepsen's `prn-op` prints it. */
export function* historyTxtLines(history: readonly Op[]): Generator<string> {
  for (const op of history) yield `${historyTxtLine(op)}\n`;
}

/** jepsen.log, line by line: the run's own log lines, each op as jepsen.util logs it, then the results map. */
export function* jepsenLogLines(
  runDir: string,
  opts: TestOptions,
  history: readonly Op[],
  resultsText: string,
  logLines: readonly string[] = [],
): Generator<string> {
  const startMs = runStartMs(runDir);
  for (const line of logLines) yield `${line}\n`;
  for (const op of history) yield `${opLogLine(op, Math.max(1, opts.concurrency), startMs)}\n`;
  const lastMs = startMs + nanosToMs(history.at(-1)?.time ?? 0);
  yield `INFO [${logTime(lastMs)}] jepsen test runner - jepsen.core ${resultsText}`;
}
