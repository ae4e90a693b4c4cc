/**
 * The runner's settings. `TEST_FLAGS` is the one table of `maelstrom test` flags: each entry's
 * argument, default (written as it would be typed), help line and parser. The command-line
 * parser, the defaults and `--help` (cli.ts) are generated from it, so no default is written
 * twice. The flags and their defaults are Maelstrom's (src/maelstrom/core.clj `test-opt-spec`
 * and `opt-spec`) and Jepsen's (jepsen/cli.clj `test-opt-spec`). The options they fill, and the
 * values that are not flags (`TIMING`, `RUNNER_LIMITS`), are in options.ts.
 */
import { MAELSTROM_ELLE, NEWER_ELLE } from "../checkers/elle/consistency-models.ts";
import {
  CliError,
  type Availability,
  type LatencyDist,
  type TestOptions,
  SERVE_DEFAULT_PORT,
} from "../contracts/options.ts";
import { faultNames, registeredFaults } from "../nemesis/faults/index.ts";
import { TOPOLOGY_NAMES } from "../workloads/topology.ts";

/** Where a flag comes from, which is also the part of `--help` it is listed in. */
export type FlagOrigin = "maelstrom" | "cluster" | "ours";

interface FlagBase {
  /** One-letter alias, as `-w` for `--workload`. */
  short?: string;
  help: string;
  origin: FlagOrigin;
}

/** A flag without a value (tools.cli's boolean toggle: present means true). */
export interface SwitchFlag extends FlagBase {
  arg?: undefined;
}

/** A flag with a value: `--name VALUE` or `--name=VALUE`. */
export interface ValueFlag extends FlagBase {
  /** The value's name in `--help` (as tools.cli's `"--rate RATE"`). */
  arg: string;
  /** The default, as it would be typed; a list for a repeatable flag. */
  default?: string | readonly string[];
  /** Every occurrence counts (Jepsen's `repeated-opt`); otherwise the last one wins. */
  repeatable?: boolean;
  /** The allowed values, listed in `--help`. */
  choices?: readonly string[];
}

/** Fields of TestOptions that one flag sets on its own; the rest combine several flags (cli.ts). */
export type FlagField = Exclude<
  keyof TestOptions,
  "bin" | "binArgs" | "nodeIds" | "concurrency" | "seed" | "storeDir" | "progress"
>;
type SwitchField = { [K in FlagField]: TestOptions[K] extends boolean ? K : never }[FlagField];
type ValueField = Exclude<FlagField, SwitchField>;

/** A value flag that sets `field`; it needs a default unless the field may be undefined. */
type FieldValueFlag = {
  [K in ValueField]: ValueFlag & {
    field: K;
    parse: (text: string, flag: string) => TestOptions[K];
  } & (undefined extends TestOptions[K] ? { default?: string } : { default: string });
}[ValueField];
type FieldSwitchFlag = { [K in SwitchField]: SwitchFlag & { field: K } }[SwitchField];

/** One row of a flag table. */
export type Flag = FieldValueFlag | FieldSwitchFlag | ((ValueFlag | SwitchFlag) & { field?: undefined });

/** A table of flags by long name (without the dashes). */
export type FlagTable = Readonly<Record<string, Flag>>;

/** An upper bound on an integer flag, and why (for the message). */
interface IntegerCeiling {
  max: number;
  why: string;
}

/**
 * A parser of integers of at least `min` (and at most `ceiling.max`), for a flag's text. An
 * integer beyond 2^53 is refused: a double cannot hold it, so it would be recorded rounded
 * (a --seed of 10^20 as 1e20) and not replay.
 */
export function parseInteger(min: number, ceiling?: IntegerCeiling): (text: string, flag: string) => number {
  return (text, flag) => {
    if (!/^-?\d+$/.test(text.trim()))
      throw new CliError(`Invalid --${flag} ${JSON.stringify(text)}: must be an integer`);
    const value = Number.parseInt(text, 10);
    if (!Number.isSafeInteger(value)) {
      const limit = Number.MAX_SAFE_INTEGER;
      throw new CliError(`Invalid --${flag} ${text.trim()}: beyond 2^53 (${limit}); a double cannot hold it exactly`);
    }
    if (value < min) throw new CliError(`Invalid --${flag} ${value}: must be at least ${min}`);
    if (ceiling && value > ceiling.max) {
      throw new CliError(`Invalid --${flag} ${value}: at most ${ceiling.max} (${ceiling.why})`);
    }
    return value;
  };
}

/** Longer transactions are messages of megabytes, and the history and journal hold every one. */
const MAX_TXN_LENGTH: IntegerCeiling = {
  max: 10_000,
  why: "a longer transaction is a message of megabytes, and a run holds thousands",
};
/** The txn and kafka generators keep an array of the active keys. */
const MAX_KEY_COUNT: IntegerCeiling = { max: 1_000_000, why: "the generator keeps every active key in memory" };

function parseNumber(min: number): (text: string, flag: string) => number {
  return (text, flag) => {
    const value = Number(text);
    if (text.trim() === "" || !Number.isFinite(value))
      throw new CliError(`Invalid --${flag} ${JSON.stringify(text)}: must be a number`);
    if (value < min) throw new CliError(`Invalid --${flag} ${value}: must be at least ${min}`);
    return value;
  };
}

/** The shortest --nemesis-interval, in seconds. */
export const MIN_NEMESIS_INTERVAL_SEC = 0.1;

/**
 * A number above zero, as core.clj's `:validate [pos? "Must be positive"]` for
 * --nemesis-interval, and (ours) not below MIN_NEMESIS_INTERVAL_SEC: with gaps of microseconds
 * the nemesis issues its ops back to back without yielding (35,000 partition ops in a 3 s run),
 * starving the clients and filling the history, so that a long run never gets to its end.
 */
function parseNemesisInterval(text: string, flag: string): number {
  const value = parseNumber(0)(text, flag);
  if (value <= 0) throw new CliError(`Invalid --${flag} ${value}: must be positive`);
  if (value < MIN_NEMESIS_INTERVAL_SEC) {
    const floor = MIN_NEMESIS_INTERVAL_SEC;
    throw new CliError(`Invalid --${flag} ${value}: at least ${floor} seconds (faster, the nemesis starves the run)`);
  }
  return value;
}

function parseOneOf<T extends string>(choices: readonly T[]): (text: string, flag: string) => T {
  return (text, flag) => {
    if (!(choices as readonly string[]).includes(text))
      throw new CliError(`Invalid --${flag} ${JSON.stringify(text)}; one of ${choices.join(", ")}`);
    return text as T;
  };
}

/**
 * Split as Maelstrom's parse-fn splits it: `(str/split s #"\s*,\s*")` into a set, so spaces
 * around a comma are fine, a trailing comma is dropped (Java's split drops trailing empty
 * strings) and a repeated fault counts once; an empty name elsewhere is invalid, as it is there.
 * The empty string is our default (no nemesis).
 */
function parseNemesis(text: string, flag: string): string[] {
  if (text === "") return [];
  const names = text.split(/\s*,\s*/);
  while (names.length > 0 && names[names.length - 1] === "") names.pop();
  const known = faultNames();
  for (const name of names) {
    if (known.includes(name)) continue;
    throw new CliError(`Invalid --${flag} ${JSON.stringify(name)}; one of ${known.join(", ")} (comma-separated)`);
  }
  return known.filter((fault) => names.includes(fault));
}

/**
 * --nemesis's help, from the registered faults. Maelstrom 0.2.3 accepts only partition (core.clj
 * `nemeses`); kill and pause are Jepsen's db-package faults, which Maelstrom's later pull request
 * (#102, after issue #93) admits on its command line.
 */
function nemesisHelp(): string {
  const faults = registeredFaults().map((fault) => `${fault.name} (${fault.help})`);
  return `Comma-separated list of faults to inject: ${faults.join(", ")}.`;
}

function parseAvailability(text: string): Availability {
  if (text === "total") return "total";
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new CliError(`Invalid --availability ${JSON.stringify(text)}: total, or a number from 0 to 1`);
  }
  return value;
}

/** Every model name Maelstrom's Elle (0.1.6) knows, friendly and canonical (elle/consistency_model.clj), sorted. */
const CONSISTENCY_MODELS: readonly string[] = [...MAELSTROM_ELLE.models].sort();

/**
 * Maelstrom splits the list only on " , " (spaces around the comma), as core.clj's `#"\s+,\s+"`,
 * and accepts any name: a bad one fails only in the checker, after the whole run, as `unknown`.
 * This runner checks the names against the model list of the Elle Maelstrom 0.2.3 runs (0.1.6)
 * before the run, on purpose, so a typo costs no run; both txn checkers judge every name on it.
 * A name only a later Elle knows (strong-read-committed, …) would make 0.1.6 throw, so it is
 * refused too, with that reason.
 */
function parseConsistencyModels(text: string, flag: string): string[] {
  const models = text.split(/\s+,\s+/);
  const unknown = models.find((model) => !MAELSTROM_ELLE.models.has(model));
  if (unknown === undefined) return models;
  let hint = unknown.includes(",") ? '; Maelstrom splits the list only on " , " (spaces around the comma)' : "";
  const version = MAELSTROM_ELLE.version;
  if (NEWER_ELLE.models.has(unknown)) hint = `; only Elle 0.2 knows it; Maelstrom 0.2.3 runs Elle ${version}`;
  throw new CliError(
    `Invalid --${flag} ${JSON.stringify(text)}: unknown model ${JSON.stringify(unknown)}${hint}; one ` +
      `of ${CONSISTENCY_MODELS.join(", ")}`,
  );
}

const LATENCY_DISTS: readonly LatencyDist[] = ["constant", "uniform", "exponential"];

/** Every flag of `maelstrom test`, in `--help` order. */
export const TEST_FLAGS = {
  workload: {
    short: "w",
    arg: "NAME",
    default: "lin-kv",
    field: "workload",
    parse: (text) => text,
    help: "What workload to run.",
    origin: "maelstrom",
  },
  bin: { arg: "FILE", help: "Path to the node executable (a .ts/.js file needs a #! line).", origin: "maelstrom" },
  "node-count": {
    arg: "NUM",
    help: "How many nodes to run, named n0 … n(NUM-1). Overrides --nodes.",
    origin: "maelstrom",
  },
  node: {
    short: "n",
    arg: "HOSTNAME",
    default: ["n1", "n2", "n3", "n4", "n5"],
    repeatable: true,
    help: "A node to run; repeat the flag for more nodes.",
    origin: "maelstrom",
  },
  nodes: { arg: "NODE_LIST", help: "Comma-separated list of node names.", origin: "maelstrom" },
  "nodes-file": { arg: "FILENAME", help: "File of node names, one per line.", origin: "maelstrom" },
  "time-limit": {
    arg: "SECONDS",
    default: "60",
    field: "timeLimitSec",
    parse: parseInteger(1),
    help: "How long the main phase runs, in seconds.",
    origin: "maelstrom",
  },
  rate: {
    arg: "RATE",
    default: "5",
    field: "rate",
    parse: parseNumber(0),
    help: "Approximate number of requests per second, over all clients.",
    origin: "maelstrom",
  },
  concurrency: {
    arg: "NUMBER",
    default: "1n",
    help: "How many workers: an integer, optionally followed by n (e.g. 3n) to multiply by the node count.",
    origin: "maelstrom",
  },
  latency: {
    arg: "MILLIS",
    default: "0",
    field: "latencyMs",
    parse: parseInteger(0),
    help: "Mean network latency under normal operation, in ms.",
    origin: "maelstrom",
  },
  "latency-dist": {
    arg: "TYPE",
    default: "constant",
    field: "latencyDist",
    parse: parseOneOf(LATENCY_DISTS),
    choices: LATENCY_DISTS,
    help: "Kind of latency distribution.",
    origin: "maelstrom",
  },
  nemesis: {
    arg: "FAULTS",
    default: "",
    field: "nemesis",
    parse: parseNemesis,
    // Read when --help is drawn, so that every registered fault is listed.
    get choices() {
      return faultNames();
    },
    get help() {
      return nemesisHelp();
    },
    origin: "maelstrom",
  },
  "nemesis-interval": {
    arg: "SECONDS",
    default: "10",
    field: "nemesisIntervalSec",
    parse: parseNemesisInterval,
    help: "Mean seconds between nemesis operations.",
    origin: "maelstrom",
  },
  availability: {
    arg: "AVAILABILITY",
    field: "availability",
    parse: parseAvailability,
    help: "Required fraction of ok requests: total, or a number from 0 to 1.",
    origin: "maelstrom",
  },
  "consistency-models": {
    arg: "MODELS",
    default: "strict-serializable",
    field: "consistencyModels",
    parse: parseConsistencyModels,
    choices: CONSISTENCY_MODELS,
    help: 'Consistency models to check, separated by " , "; checked before the run.',
    origin: "maelstrom",
  },
  topology: {
    arg: "SPEC",
    default: "grid",
    field: "topology",
    parse: parseOneOf(TOPOLOGY_NAMES),
    choices: TOPOLOGY_NAMES,
    help: "Network topology offered to nodes (broadcast).",
    origin: "maelstrom",
  },
  "key-count": {
    arg: "INT",
    default: "10",
    field: "keyCount",
    parse: parseInteger(1, MAX_KEY_COUNT),
    help: "How many keys to test at once (txn workloads).",
    origin: "maelstrom",
  },
  "min-txn-length": {
    arg: "INT",
    default: "1",
    field: "minTxnLength",
    parse: parseInteger(1, MAX_TXN_LENGTH),
    help: "Fewest operations per transaction (txn-list-append; Maelstrom's workload reads it, its CLI has no flag).",
    origin: "ours",
  },
  "max-txn-length": {
    arg: "INT",
    default: "4",
    field: "maxTxnLength",
    parse: parseInteger(1, MAX_TXN_LENGTH),
    help: "Most operations per transaction.",
    origin: "maelstrom",
  },
  "max-writes-per-key": {
    arg: "INT",
    default: "16",
    field: "maxWritesPerKey",
    parse: parseInteger(1),
    help: "Most writes to any single key.",
    origin: "maelstrom",
  },
  "log-stderr": { field: "logStderr", help: "Show the nodes' stderr on the console.", origin: "maelstrom" },
  "log-net-send": { field: "logNetSend", help: "Log messages as they are sent.", origin: "maelstrom" },
  "log-net-recv": { field: "logNetRecv", help: "Log messages as they are received.", origin: "maelstrom" },
  "test-count": {
    arg: "NUMBER",
    default: "1",
    field: "testCount",
    parse: parseInteger(1),
    help: "How many times to repeat the test; with --sim, a seed search over --seed, --seed + 1, …",
    origin: "maelstrom",
  },
  help: { short: "h", help: "Print this message and exit.", origin: "maelstrom" },
  "no-ssh": { help: "Do not connect to nodes over SSH.", origin: "cluster" },
  username: { arg: "USER", default: "root", help: "Username for logins.", origin: "cluster" },
  password: { arg: "PASS", default: "root", help: "Password for sudo access.", origin: "cluster" },
  "ssh-private-key": { arg: "FILE", help: "Path to an SSH identity file.", origin: "cluster" },
  "strict-host-key-checking": { help: "Whether to check host keys.", origin: "cluster" },
  "leave-db-running": { help: "Leave the database running at the end of the test.", origin: "cluster" },
  "logging-json": { help: "Use JSON structured output in the Jepsen log.", origin: "cluster" },
  seed: {
    arg: "N",
    help: "Replay a run's random choices (printed at the start of each run; default: random).",
    origin: "ours",
  },
  strict: {
    field: "strict",
    help: "Findings beyond Maelstrom's checks decide the verdict (Maelstrom has no such flag).",
    origin: "ours",
  },
  sim: {
    field: "sim",
    help:
      "Deterministic simulation: the nodes (a TypeScript/JavaScript program on our runtime) run in-process " +
      "on virtual time; one --seed replays the run byte for byte.",
    origin: "ours",
  },
  shrink: {
    help:
      "With --sim: when a run fails, search for a smaller run (fewer nodes, faults, ops) that fails the same way, " +
      "and print its command.",
    origin: "ours",
  },
  store: { arg: "DIR", default: "store", help: "Where runs are written.", origin: "ours" },
  "no-progress": { help: "No live progress line.", origin: "ours" },
} as const satisfies FlagTable;

/** The flags of `maelstrom serve` (Jepsen's `serve-cmd`, plus --store). */
export const SERVE_FLAGS = {
  host: {
    short: "b",
    arg: "HOST",
    default: "127.0.0.1",
    help: "Hostname to bind to: this machine only by default (Maelstrom's is 0.0.0.0); -b 0.0.0.0 serves the network.",
    origin: "maelstrom",
  },
  port: {
    short: "p",
    arg: "NUMBER",
    default: String(SERVE_DEFAULT_PORT),
    help: "Port number to bind to.",
    origin: "maelstrom",
  },
  store: TEST_FLAGS.store,
  help: TEST_FLAGS.help,
} as const satisfies FlagTable;

/**
 * The flags of `maelstrom analyze` (the run folder itself is an argument): the test options the
 * checks read, which replace the stored ones (test.json) or, for a history.edn written by real
 * Maelstrom, tell the run's options that its folder does not.
 */
export const ANALYZE_FLAGS = {
  workload: TEST_FLAGS.workload,
  "node-count": TEST_FLAGS["node-count"],
  nodes: TEST_FLAGS.nodes,
  concurrency: TEST_FLAGS.concurrency,
  rate: TEST_FLAGS.rate,
  "time-limit": TEST_FLAGS["time-limit"],
  availability: TEST_FLAGS.availability,
  "consistency-models": TEST_FLAGS["consistency-models"],
  "key-count": TEST_FLAGS["key-count"],
  "min-txn-length": TEST_FLAGS["min-txn-length"],
  "max-txn-length": TEST_FLAGS["max-txn-length"],
  "max-writes-per-key": TEST_FLAGS["max-writes-per-key"],
  latency: TEST_FLAGS.latency,
  nemesis: TEST_FLAGS.nemesis,
  "nemesis-interval": TEST_FLAGS["nemesis-interval"],
  topology: TEST_FLAGS.topology,
  strict: TEST_FLAGS.strict,
  store: { ...TEST_FLAGS.store, help: "The store whose latest run is analyzed when no folder is given." },
  help: TEST_FLAGS.help,
} as const satisfies FlagTable;

/** What `analyze` was told on its command line. */
export interface AnalyzeFlags {
  /** The options given, by field (nothing for a flag not typed: its default is not a choice). */
  given: Partial<TestOptions>;
  /** --concurrency as typed: a Kn multiplies the run's node count, which may come from elsewhere. */
  concurrency?: string;
  /** The flags typed, as `--name`, to say where each option came from. */
  names: string[];
}

/** Compile-time check that every FlagField has its row in TEST_FLAGS. */
type CoveredField = Extract<(typeof TEST_FLAGS)[keyof typeof TEST_FLAGS], { field: string }>["field"];
const everyFieldHasAFlag: [Exclude<FlagField, CoveredField>] extends [never] ? true : never = true;
void everyFieldHasAFlag;
