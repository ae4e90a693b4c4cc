/**
 * A run folder written by real Maelstrom (Jepsen's store, jepsen/store.clj): history.edn (one op
 * map per line, printed with `prn`), results.edn (the result map) and jepsen.log (where
 * jepsen.core logs "Running test:" and then the whole test map). This module turns them into our
 * shapes: ops as types.ts `Op`, the options a run was given, and Maelstrom's own results.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { TestOptions } from "../contracts/options.ts";
import type { LatencyDist } from "../contracts/options.ts";
import {
  EdnChar,
  EdnDecimal,
  EdnError,
  EdnKeyword,
  EdnList,
  EdnMap,
  EdnReader,
  EdnSet,
  EdnSymbol,
  EdnTagged,
  readEdn,
  type EdnValue,
} from "../primitives/edn-read.ts";
import type { Op, OpType } from "../contracts/types.ts";

/** The files of a Jepsen store folder that analyze reads. */
export const JEPSEN_FILES = {
  history: "history.edn",
  historyText: "history.txt",
  results: "results.edn",
  log: "jepsen.log",
} as const;

/** A Jepsen store file that cannot be read as one: the message names the file and the place. */
export class JepsenStoreError extends Error {}

/**
 * An EDN value as our JSON-shaped histories hold it: keywords, symbols and characters become
 * strings (`:broadcast` is "broadcast", as Maelstrom's JSON client saw it), lists and sets become
 * arrays, maps become objects keyed by their keys' names, and integers too large for a double
 * stay exact as raw JSON (as json-exact.ts keeps them in our own histories). A tagged value
 * (`#jepsen.history.Op{...}`) is its value.
 */
export function plainOf(value: EdnValue): unknown {
  if (value === null || typeof value === "boolean" || typeof value === "number" || typeof value === "string")
    return value;
  if (typeof value === "bigint") return JSON.rawJSON(String(value));
  if (Array.isArray(value)) return value.map(plainOf);
  if (value instanceof EdnKeyword || value instanceof EdnSymbol) return value.name;
  if (value instanceof EdnChar) return value.char;
  if (value instanceof EdnList || value instanceof EdnSet) return value.items.map(plainOf);
  if (value instanceof EdnDecimal) return JSON.rawJSON(value.text);
  if (value instanceof EdnTagged) return plainOf(value.value);
  const object: Record<string, unknown> = {};
  for (const [key, entry] of value.entries) object[keyName(key)] = plainOf(entry);
  return object;
}

/** An object key for an EDN map key: a keyword's or symbol's name, a string as is, anything else as printed JSON. */
function keyName(key: EdnValue): string {
  if (typeof key === "string") return key;
  const plain = plainOf(key);
  return typeof plain === "string" ? plain : JSON.stringify(plain);
}

const OP_TYPES: readonly OpType[] = ["invoke", "ok", "fail", "info"];

/**
 * One Jepsen op map as our Op. `:final?` is our `final`; an `:exception` (Jepsen's datafied
 * Throwable) becomes its message; every other key is kept under its name. `position` stands in
 * for a missing `:index` (histories of old Jepsen versions have none).
 */
export function opOf(form: EdnValue, position: number): Op {
  const map = form instanceof EdnTagged ? form.value : form;
  if (!(map instanceof EdnMap)) throw new JepsenStoreError(`op ${position} is not a map`);
  const fields = plainOf(map) as Record<string, unknown>;
  const { index, time, type, process, f, value, error, "final?": final, exception, ...rest } = fields;
  if (!OP_TYPES.includes(type as OpType))
    throw new JepsenStoreError(`op ${position} has :type ${JSON.stringify(type)}, not one of ${OP_TYPES.join(", ")}`);
  if (typeof process !== "number" && process !== "nemesis") {
    throw new JepsenStoreError(
      `op ${position} has :process ${JSON.stringify(process ?? null)}, not an integer or :nemesis`,
    );
  }
  if (typeof time !== "number") throw new JepsenStoreError(`op ${position} has no integer :time`);
  // Our field order (history.ts): index, time, type, process, f, value, error, then the rest.
  const op: Op = {
    index: typeof index === "number" ? index : position,
    time,
    type: type as OpType,
    process,
    f: typeof f === "string" ? f : String(f),
    value: value ?? null,
  };
  if (error !== undefined) op.error = error;
  if (final === true) op.final = true;
  if (exception !== undefined) {
    op.exception = exceptionMessage(exception);
    const exceptionClass = (exception as { via?: { type?: unknown }[] } | null)?.via?.[0]?.type;
    if (typeof exceptionClass === "string") op["exception-class"] = exceptionClass;
  }
  return Object.assign(op, rest);
}

/**
 * Jepsen datafies a Throwable as {:via [{:type class :message ...}] :trace [...] :cause "..."}:
 * its cause says what happened, and the first :via's type is the class its checker groups by.
 */
function exceptionMessage(exception: unknown): string {
  if (typeof exception === "string") return exception;
  const cause = (exception as { cause?: unknown } | null)?.cause;
  return typeof cause === "string" ? cause : JSON.stringify(exception);
}

/**
 * Every op of a history.edn, in order; malformed EDN or a form that is no op is a JepsenStoreError naming the file and
 * place.
 */
export function readEdnHistory(path: string): Op[] {
  const reader = new EdnReader(readFileSync(path, "utf8"));
  const ops: Op[] = [];
  try {
    for (let form = reader.next(); form !== undefined; form = reader.next()) ops.push(opOf(form, ops.length));
  } catch (error) {
    if (error instanceof EdnError || error instanceof JepsenStoreError)
      throw new JepsenStoreError(`${path}: ${error.message}`);
    throw error;
  }
  return ops;
}

/** What reading history.txt beside history.edn did to the ops' values. */
export type HistoryTextOutcome =
  | { kind: "absent" }
  | { kind: "read"; replacedByF: Map<string, number> }
  | { kind: "mismatch"; reason: string };

/**
 * Puts into `ops` (read from history.edn) the values history.txt has for them, where they differ.
 *
 * Jepsen before 0.3.6 (Maelstrom 0.2.3 runs 0.3.1) had `gen/fill-in-op` keep the whole
 * generator map as an op record's extension map whenever the map had keys beyond :time, :type,
 * :process, :f and :value (kafka's final `{:f :poll, :value [[:poll]], :poll-ms 1000}`). The
 * record then held :value twice: its field, which the client's completion set and the checkers
 * read, and a stale copy in the extension map. history.edn prints `(into {} op)`, where the stale
 * copy wins, so kafka's final polls show `[[:poll]]` and the final assign the keys before
 * Maelstrom made them strings; history.txt prints `(:value op)`, the field: what Maelstrom's
 * checker saw. Both files hold the same history in the same order (jepsen/store.clj
 * `write-history!`), one op per line, except that an error is printed raw and may span lines.
 */
export function applyHistoryText(runDir: string, ops: Op[]): HistoryTextOutcome {
  const path = join(runDir, JEPSEN_FILES.historyText);
  if (!existsSync(path)) return { kind: "absent" };
  const text = readFileSync(path, "utf8");
  const reader = new EdnReader(text);
  const replacedByF = new Map<string, number>();
  try {
    for (const [i, op] of ops.entries()) {
      const prefix = textLinePrefix(op);
      if (!text.startsWith(prefix, reader.offset)) {
        return { kind: "mismatch", reason: `op ${i} is not where ${JEPSEN_FILES.history} has it` };
      }
      for (let field = 0; field < 3; field++) reader.next(); // process, type, f
      const value = plainOf(reader.next() ?? null);
      if (JSON.stringify(value) !== JSON.stringify(op.value)) {
        op.value = value;
        replacedByF.set(op.f, (replacedByF.get(op.f) ?? 0) + 1);
      }
      reader.skipTo(nextLineStart(text, reader.offset, ops[i + 1]));
    }
  } catch (error) {
    if (error instanceof EdnError) return { kind: "mismatch", reason: error.message };
    throw error;
  }
  return { kind: "read", replacedByF };
}

/** How jepsen.util's `prn-op` starts an op's line: process, type and f, tab-separated. */
function textLinePrefix(op: Op): string {
  return `${op.process === "nemesis" ? ":nemesis" : op.process}\t:${op.type}\t`;
}

/**
 * Where the op after `at` starts: the next line, or, when an error follows the value, the first
 * later line that starts like `next` (an error is printed raw and may span lines).
 */
function nextLineStart(text: string, at: number, next: Op | undefined): number {
  if (next === undefined) return text.length;
  const newline = text.indexOf("\n", at);
  if (newline === -1) return text.length;
  if (text[at] !== "\t") return newline + 1;
  const prefix = `\n${textLinePrefix(next)}`;
  const found = text.indexOf(prefix, at);
  return found === -1 ? text.length : found + 1;
}

/** results.edn as a plain object, or undefined when the folder has none. */
export function readResultsEdn(runDir: string): Record<string, unknown> | undefined {
  const path = join(runDir, JEPSEN_FILES.results);
  if (!existsSync(path)) return undefined;
  try {
    return plainOf(readEdn(readFileSync(path, "utf8"))) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof EdnError) throw new JepsenStoreError(`${path}: ${error.message}`);
    throw error;
  }
}

/** The options of a run as jepsen.log's test map gives them (those the checks use, and the run's shape). */
export type LoggedOptions = Partial<
  Pick<
    TestOptions,
    | "workload"
    | "nodeIds"
    | "concurrency"
    | "rate"
    | "timeLimitSec"
    | "availability"
    | "consistencyModels"
    | "keyCount"
    | "minTxnLength"
    | "maxTxnLength"
    | "maxWritesPerKey"
    | "nemesisIntervalSec"
    | "latencyMs"
    | "latencyDist"
    | "topology"
  >
>;

/**
 * jepsen.core's `run!` logs this, then the test map (options merged with the workload's
 * generator, client and checker, printed as objects). jepsen.cli's "Test options:" line is logged
 * before the store's jepsen.log is opened, so it is only ever on the console.
 */
const TEST_MAP_MARK = "Running test:";

/**
 * The options in the test map jepsen.log starts with. Undefined when the folder has no
 * jepsen.log or the log has no test map (a run killed before it started).
 */
export function readLoggedOptions(runDir: string): LoggedOptions | undefined {
  const path = join(runDir, JEPSEN_FILES.log);
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, "utf8");
  const mark = text.indexOf(TEST_MAP_MARK);
  if (mark === -1) return undefined;
  let map: EdnValue | undefined;
  try {
    map = new EdnReader(text, mark + TEST_MAP_MARK.length).next();
  } catch (error) {
    if (error instanceof EdnError) {
      throw new JepsenStoreError(`${path}: the test map after "${TEST_MAP_MARK}": ${error.message}`);
    }
    throw error;
  }
  return map instanceof EdnMap ? loggedOptionsOf(plainOf(map) as Record<string, unknown>) : undefined;
}

const LATENCY_DISTS: readonly LatencyDist[] = ["constant", "uniform", "exponential"];

function loggedOptionsOf(logged: Record<string, unknown>): LoggedOptions {
  const options: LoggedOptions = {};
  const number = (key: string) => (typeof logged[key] === "number" ? (logged[key] as number) : undefined);
  const set = <K extends keyof LoggedOptions>(field: K, value: LoggedOptions[K] | undefined) => {
    if (value !== undefined) options[field] = value;
  };
  set("workload", typeof logged.workload === "string" ? logged.workload : undefined);
  set("nodeIds", Array.isArray(logged.nodes) ? logged.nodes.map(String) : undefined);
  set("concurrency", number("concurrency"));
  set("rate", number("rate"));
  set("timeLimitSec", number("time-limit"));
  // Maelstrom keeps --availability as :total or a number; nil when not given.
  set("availability", logged.availability === "total" ? "total" : number("availability"));
  set(
    "consistencyModels",
    Array.isArray(logged["consistency-models"]) ? logged["consistency-models"].map(String) : undefined,
  );
  set("keyCount", number("key-count"));
  set("minTxnLength", number("min-txn-length"));
  set("maxTxnLength", number("max-txn-length"));
  set("maxWritesPerKey", number("max-writes-per-key"));
  set("nemesisIntervalSec", number("nemesis-interval"));
  const latency = logged.latency as { mean?: unknown; dist?: unknown } | undefined;
  set("latencyMs", typeof latency?.mean === "number" ? latency.mean : undefined);
  const dist = LATENCY_DISTS.find((name) => name === latency?.dist);
  set("latencyDist", dist);
  set("topology", typeof logged.topology === "string" ? logged.topology : undefined);
  return options;
}
