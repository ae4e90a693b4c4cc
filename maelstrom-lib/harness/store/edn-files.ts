/**
 * The files Maelstrom users' scripts read, written beside our JSON ones: results.edn (Jepsen's
 * store.clj `write-results!`: fipp pprint of the results map), history.edn (`pwrite-history!` with
 * `prn`: one op map per line) and jepsen.log (the run's own log lines, then each op as
 * jepsen.util's `log-op` logs it, then the results map as jepsen.core logs it at the end).
 *
 * JSON loses what EDN keeps, so the conversion puts back what Maelstrom has: keyword keys, keyword
 * op types, fs, micro-op names, error names, anomaly and model names; numeric keys on quantile and
 * other numeric maps (`{0 1, 0.5 182, 1 204}`); sets where Maelstrom has sets and lists where it
 * prints seqs; Floats for msgs-per-op and ok-fraction.
 */
import { basename, join } from "node:path";
import type { TestOptions } from "../contracts/options.ts";
import { Float32, Keyword, kw, list, map, pprintEdn, printEdn, set, vector, type Edn } from "../primitives/edn.ts";
import type { CheckResult, Op, Validity } from "../contracts/types.ts";
import { nanosToMs } from "../contracts/history.ts";
import { ChunkedWriter } from "./chunked-writer.ts";

/** Result keys whose string values are keywords in Maelstrom's results (and any `…-types` list). */
const KEYWORD_VALUED = new Set(["valid?", "type", "f", "not", "also-not", "consistency-models"]);
const isKeywordValued = (key: string | undefined) => key !== undefined && (KEYWORD_VALUED.has(key) || key.endsWith("-types"));
/** Result keys Maelstrom holds as sets (Elle's model names). */
const SET_VALUED = new Set(["not", "also-not"]);
/** Result keys Maelstrom prints as seqs: set-full's sorted element lists. */
const LIST_VALUED = new Set(["lost", "stale", "never-read"]);
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
    const items = value.map((item) => (isKeywordValued(key) && typeof item === "string" ? kw(item) : resultsToEdn(item)));
    if (key !== undefined && SET_VALUED.has(key)) return set(items);
    return key !== undefined && LIST_VALUED.has(key) ? list(items) : vector(items);
  }
  if (isObject(value)) {
    if (isOp(value)) return opToEdn(value as unknown as Op);
    const numericKeys = hasNumericKeys(value);
    return map(entries(value, numericKeys).map(([k, v]) => [mapKey(k, numericKeys), k === "mop" && isMicroOp(v) ? microOp(v) : resultsToEdn(v, k)]));
  }
  if (typeof value === "string" && isKeywordValued(key)) return kw(value);
  if (typeof value === "number" && key !== undefined && FLOAT_VALUED.has(key)) return new Float32(value);
  return scalar(value);
}

/** One op as Jepsen's history holds it. */
export function opToEdn(op: Op): Edn {
  const record = op as unknown as Record<string, unknown>;
  const keys = [...OP_KEY_ORDER.filter((k) => k in record), ...Object.keys(record).filter((k) => !OP_KEY_ORDER.includes(k))];
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
  if (Array.isArray(value) && typeof value[0] === "string") return vector([kw(value[0]), ...value.slice(1).map(grudge)]);
  return payload(value, false);
}

function grudge(value: unknown): Edn {
  if (!isObject(value)) return payload(value, false);
  return map(Object.entries(value).map(([node, cut]) => [node, Array.isArray(cut) ? set(cut.map((n) => payload(n, false))) : payload(cut, false)]));
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
  if (Array.isArray(error) && typeof error[0] === "string") return vector([kw(error[0]), ...error.slice(1).map((v) => payload(v, true))]);
  return payload(error, true);
}

/** A value as a node sent it: JSON bodies parse with keyword keys (Cheshire), strings stay strings. */
function payload(value: unknown, keywordKeys: boolean): Edn {
  if (Array.isArray(value)) return vector(value.map((item) => payload(item, keywordKeys)));
  if (isObject(value) && !JSON.isRawJSON(value)) {
    const numericKeys = hasNumericKeys(value);
    return map(entries(value, numericKeys).map(([k, v]) => [keywordKeys ? mapKey(k, numericKeys) : k, payload(v, keywordKeys)]));
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
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())},${pad(d.getMilliseconds(), 3)}`;
}

/** When the run started, from its folder name (20261201T091029.134Z); now if it does not parse. */
function runStartMs(runDir: string): number {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})\.(\d{3})Z/.exec(basename(runDir));
  if (!match) return Date.now();
  const [, y, mo, d, h, mi, s, ms] = match.map(Number) as number[];
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!, ms!);
}

/** jepsen.util's op->str: process, type, f, value and error, tab-separated; `edn` is opToEdn(op). */
function opLogLine(op: Op, opEdn: Edn, concurrency: number, startMs: number): string {
  const thread = op.process === "nemesis" ? "jepsen nemesis" : `jepsen worker ${Number(op.process) % concurrency}`;
  const edn = opEdn as { entries: readonly (readonly [Edn, Edn])[] };
  const field = (name: string) => edn.entries.find(([k]) => k instanceof Keyword && k.name === name)?.[1];
  const fields = [field("process"), field("type"), field("f"), field("value") ?? null].map((v) => printEdn(v ?? null));
  const error = field("error");
  if (error !== undefined) fields.push(typeof error === "string" ? error : printEdn(error));
  return `INFO [${logTime(startMs + nanosToMs(op.time))}] ${thread} - jepsen.util ${fields.join("\t")}`;
}

/** Writes results.edn (as `maelstrom analyze` rewrites it too) and returns its text. */
export async function writeResultsEdn(runDir: string, results: { readonly "valid?": Validity }): Promise<string> {
  const text = pprintEdn(resultsToEdn(results));
  await Bun.write(join(runDir, "results.edn"), text);
  return text;
}

/** Writes results.edn, history.edn and jepsen.log into the run folder. */
export async function writeEdnRunFiles(
  runDir: string,
  opts: TestOptions,
  history: readonly Op[],
  results: { readonly "valid?": Validity },
  logLines: readonly string[] = [],
): Promise<void> {
  const resultsText = await writeResultsEdn(runDir, results);
  const startMs = runStartMs(runDir);
  const concurrency = Math.max(1, opts.concurrency);
  const historyFile = new ChunkedWriter(join(runDir, "history.edn"));
  const log = new ChunkedWriter(join(runDir, "jepsen.log"));
  for (const line of logLines) if (log.add(`${line}\n`)) await log.flush();
  // Each op is converted once, for both files: a run at rate 1000 has tens of thousands.
  for (const op of history) {
    const edn = opToEdn(op);
    if (historyFile.add(`${printEdn(edn)}\n`)) await historyFile.flush();
    if (log.add(`${opLogLine(op, edn, concurrency, startMs)}\n`)) await log.flush();
  }
  await historyFile.end();
  const lastMs = startMs + nanosToMs(history.at(-1)?.time ?? 0);
  log.add(`INFO [${logTime(lastMs)}] jepsen test runner - jepsen.core ${resultsText}`);
  await log.end();
}
