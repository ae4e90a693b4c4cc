/**
 * A run folder read into typed data, its shape checked once here, for the report, `serve` and
 * `analyze` alike: results.json as `RunResults`, test.json as the options the run was given, and
 * history.jsonl as ops, streamed for the report (a broadcast history can hold gigabytes) or
 * whole and exact for the checkers. A file that is there but is not what the runner writes is a
 * `RunFolderError` whose one-line message names the file and the place.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { TestOptions } from "../contracts/options.ts";
import type { RunResults } from "../contracts/results.ts";
import type { Op } from "../contracts/types.ts";
import { parseJsonExact } from "../primitives/json-exact.ts";
import { RUN_FILES } from "../contracts/run-files.ts";
import { forEachLine } from "./run-files.ts";

/** A run folder whose files are not what the runner writes. */
export class RunFolderError extends Error {}

/**
 * test.json: the options the run was given. Runs stored before a flag existed lack its field
 * (such a run ran with the flag's default); the workload, the binary and the nodes are always there.
 */
export type StoredOptions = Pick<TestOptions, "workload" | "bin" | "nodeIds"> & Partial<TestOptions>;

/** What a run folder holds, read and checked. */
export interface RunFolder {
  dir: string;
  /** results.json; undefined when the run stopped before its analysis wrote one. */
  results: RunResults | undefined;
  /** test.json; undefined when the run never wrote one. */
  options: StoredOptions | undefined;
}

/** Reads a run folder's results.json and test.json, checking their shapes; throws RunFolderError when one is off. */
export function readRunFolder(dir: string): RunFolder {
  const results = readChecked(dir, RUN_FILES.results, RESULTS);
  const options = readChecked(dir, RUN_FILES.testOptions, OPTIONS);
  // The casts are the checks' conclusion: RESULTS and OPTIONS follow RunResults and StoredOptions field for field.
  return { dir, results: results as RunResults | undefined, options: options as StoredOptions | undefined };
}

/**
 * Calls `onOp` with each op of history.jsonl in order, streamed; a line that is not JSON or not an
 * op is counted and skipped (a run killed mid-write leaves half a line).
 */
export async function forEachOp(dir: string, onOp: (op: Op) => void): Promise<{ badLineCount: number }> {
  let badLineCount = 0;
  await forEachLine(join(dir, RUN_FILES.history), (line) => {
    const op = parseOp(line, JSON.parse);
    if (op === undefined) badLineCount++;
    else onOp(op);
  });
  return { badLineCount };
}

/** history.jsonl whole, integers kept exact (json-exact.ts) as the checkers need; a bad line is a RunFolderError. */
export async function readHistoryExact(dir: string): Promise<Op[]> {
  const history: Op[] = [];
  let lineNumber = 0;
  await forEachLine(join(dir, RUN_FILES.history), (line) => {
    lineNumber++;
    const op = parseOp(line, parseJsonExact);
    if (op === undefined) {
      const where = `${join(dir, RUN_FILES.history)} line ${lineNumber}`;
      throw new RunFolderError(`${where} is not a history op: ${line.slice(0, 80)}`);
    }
    history.push(op);
  });
  return history;
}

function parseOp(line: string, parse: (text: string) => unknown): Op | undefined {
  let value: unknown;
  try {
    value = parse(line);
  } catch {
    return undefined;
  }
  return OP(value, "") === undefined ? (value as Op) : undefined; // OP checks Op's fields
}

function readChecked(dir: string, file: string, shape: Shape): unknown {
  const path = join(dir, file);
  if (!existsSync(path)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new RunFolderError(`${path} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const problem = shape(value, "");
  if (problem !== undefined) throw new RunFolderError(`${path}: ${problem}`);
  return value;
}

/** What is wrong with a value found at `path` ("" for the whole file), or undefined when it has the shape. */
type Shape = (value: unknown, path: string) => string | undefined;

const describe = (value: unknown): string => (JSON.stringify(value) ?? String(value)).slice(0, 60);
const place = (path: string): string => path || "the file";
const within = (path: string, key: string): string => (path ? `${path}.${key}` : key);
const typed =
  (name: string, test: (value: unknown) => boolean): Shape =>
  (value, path) =>
    test(value) ? undefined : `${place(path)} is ${describe(value)}, not ${name}`;
const str = typed("a string", (value) => typeof value === "string");
const num = typed("a number", (value) => typeof value === "number");
const bool = typed("a boolean", (value) => typeof value === "boolean");
const validity = typed('true, false or "unknown"', (value) => value === true || value === false || value === "unknown");
const anything: Shape = () => undefined;
const either = (name: string, ...shapes: Shape[]): Shape =>
  typed(name, (value) => shapes.some((shape) => shape(value, "") === undefined));
const nullOr =
  (shape: Shape): Shape =>
  (value, path) =>
    value === null ? undefined : shape(value, path);

function arrayOf(element: Shape): Shape {
  return (value, path) => {
    if (!Array.isArray(value)) return `${place(path)} is ${describe(value)}, not a list`;
    for (const [i, item] of value.entries()) {
      const problem = element(item, `${path}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  };
}

/** An object with these required and optional fields (others are allowed: newer runs may add some). */
function fields(required: Record<string, Shape>, optional: Record<string, Shape> = {}): Shape {
  return (value, path) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return `${place(path)} is ${describe(value)}, not an object`;
    }
    const entries = new Map(Object.entries(value));
    for (const [key, shape] of Object.entries(required)) {
      if (!entries.has(key)) return `${place(path)} has no ${key}`;
      const problem = shape(entries.get(key), within(path, key));
      if (problem) return problem;
    }
    for (const [key, shape] of Object.entries(optional)) {
      const problem = entries.has(key) ? shape(entries.get(key), within(path, key)) : undefined;
      if (problem) return problem;
    }
    return undefined;
  };
}

/** A checker's entry: its `valid?`, and its own fields. */
const checker = (required: Record<string, Shape> = {}, optional: Record<string, Shape> = {}): Shape =>
  fields({ "valid?": validity, ...required }, optional);

const COUNTS = { count: num, "ok-count": num, "fail-count": num, "info-count": num };
const TRAFFIC = fields({}, { "send-count": num, "recv-count": num, "msg-count": num, "msgs-per-op": num });

/** results.json, as contracts/results.ts types it. */
const RESULTS: Shape = fields(
  { "valid?": validity },
  {
    perf: checker(),
    timeline: checker(),
    exceptions: checker({}, { exceptions: arrayOf(fields({ count: num, class: str })) }),
    stats: checker({ ...COUNTS, "by-f": anything }),
    availability: checker({ "ok-fraction": num }),
    net: checker({ all: TRAFFIC, clients: TRAFFIC, servers: TRAFFIC }),
    workload: checker(),
    "beyond-maelstrom": checker({ strict: bool, findings: arrayOf(fields({ check: str, description: str })) }),
    runner: fields({}, { warnings: arrayOf(str) }),
    aborted: str,
    "abort-type": str,
    errors: fields(
      {},
      {
        crashes: arrayOf(
          fields({
            node: str,
            exitCode: nullOr(num),
            signal: nullOr(str),
            stdoutTail: arrayOf(str),
            stderrTail: arrayOf(str),
          }),
        ),
        "protocol-violations": arrayOf(fields({ node: str, type: str, reason: str, line: str })),
      },
    ),
  },
);

const strings = arrayOf(str);

/** Every field of TestOptions and its shape (the mapped type makes a new option fail to compile until it is here). */
const OPTION_FIELDS: { [K in keyof TestOptions]-?: Shape } = {
  workload: str,
  bin: str,
  binArgs: strings,
  nodeIds: strings,
  timeLimitSec: num,
  rate: num,
  concurrency: num,
  latencyMs: num,
  latencyDist: str,
  nemesis: strings,
  nemesisIntervalSec: num,
  availability: either(
    '"total" or a number',
    typed("", (value) => value === "total"),
    num,
  ),
  consistencyModels: strings,
  topology: str,
  keyCount: num,
  minTxnLength: num,
  maxTxnLength: num,
  maxWritesPerKey: num,
  logStderr: bool,
  logNetSend: bool,
  logNetRecv: bool,
  testCount: num,
  strict: bool,
  sim: bool,
  seed: num,
  storeDir: str,
  progress: bool,
};

/** test.json: the workload, binary and nodes always; any other option that is there has its type. */
const OPTIONS: Shape = fields(
  { workload: str, bin: str, nodeIds: strings },
  Object.fromEntries(Object.entries(OPTION_FIELDS).filter(([key]) => !["workload", "bin", "nodeIds"].includes(key))),
);

/** One history op (contracts/types.ts Op). */
const OP: Shape = fields(
  {
    index: num,
    time: num,
    type: typed("invoke, ok, fail or info", (value) => ["invoke", "ok", "fail", "info"].includes(String(value))),
    process: either(
      'a number or "nemesis"',
      num,
      typed("", (value) => value === "nemesis"),
    ),
    f: str,
  },
  { value: anything, final: bool, exception: str, node: str },
);
