/**
 * Maelstrom's command line (core.clj + jepsen cli.clj): the same commands, flags, defaults and
 * quirks. The parser, the defaults and `--help` all come from the flag tables in config.ts.
 * Bad arguments throw `CliError`, which the entry point turns into one line and exit 254.
 */
import { accessSync, constants, existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  ANALYZE_FLAGS,
  parseInteger,
  SERVE_FLAGS,
  TEST_FLAGS,
  type AnalyzeFlags,
  type Flag,
  type FlagField,
  type FlagOrigin,
  type FlagTable,
} from "./config.ts";
import { CliError, type TestOptions } from "../contracts/options.ts";
import { randomSeed } from "../primitives/rng.ts";
import { workloadNames } from "../workloads/index.ts";
import { concurrencyProblem } from "../workloads/lin-kv.ts";

export { CliError } from "../contracts/options.ts";

export type Command =
  | { kind: "test"; opts: TestOptions; warnings: string[]; notes: string[]; shrink: boolean }
  | { kind: "serve"; port: number; host: string; storeDir: string }
  | { kind: "analyze"; runDir: string; flags: AnalyzeFlags }
  | { kind: "help"; text: string }
  | { kind: "version" };

const HELP_SECTIONS: Record<FlagOrigin, string> = {
  maelstrom: "test options (as Maelstrom's):",
  cluster: "accepted and ignored (Jepsen's cluster flags; nodes run locally):",
  ours: "ours:",
};

/** The help text, generated from the flag tables. */
export function usage(): string {
  const sections = (Object.keys(HELP_SECTIONS) as FlagOrigin[])
    .map((origin) => {
      const lines = flagHelpLines(TEST_FLAGS, origin);
      return lines.length > 0 ? `${HELP_SECTIONS[origin]}\n${lines.join("\n")}` : "";
    })
    .filter(Boolean);
  return `Usage: bun run maelstrom <command> [options]

Commands:
  test                 run a workload against a node binary
  analyze [RUN_DIR]    check a stored run again (default: store/latest), or a folder
                       holding a history.edn written by real Maelstrom
  serve                browse the results in store/
  --version            print the runner's version

--bin, --store and analyze's folder are relative to the folder you run the command in.

${sections.join("\n\n")}

Workloads: ${workloadNames().join(", ")}
Arguments that are not options, and everything after --, are passed to the node binary.
Short options clump as in tools.cli: -wecho is -w echo.

serve options:
${flagHelpLines(SERVE_FLAGS).join("\n")}

analyze options (as test's; they replace the run's own, or tell a history.edn's):
${wrap(
  Object.keys(ANALYZE_FLAGS).map((long) => `--${long}`),
  96,
).join("\n")}`;
}

/** Words joined by ", " into indented lines of at most `width` characters. */
function wrap(words: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of words) {
    if (line && line.length + word.length + 2 > width) {
      lines.push(`  ${line},`);
      line = "";
    }
    line = line ? `${line}, ${word}` : word;
  }
  return [...lines, `  ${line}`];
}

/** One line per flag, in tools.cli's summary columns: switch and argument, default, description. */
function flagHelpLines(table: FlagTable, origin?: FlagOrigin): string[] {
  const rows = Object.entries(table)
    .filter(([, flag]) => origin === undefined || flag.origin === origin)
    .map(([long, flag]) => {
      const names = `${flag.short ? `-${flag.short}, ` : "    "}--${long}${flag.arg ? ` ${flag.arg}` : ""}`;
      const fallback = flag.arg && flag.default !== undefined ? [flag.default].flat().join(" ") : "";
      const choices = flag.arg && flag.choices ? ` One of: ${flag.choices.join(", ")}.` : "";
      return [names, fallback, flag.help + choices];
    });
  const width = (column: number) => Math.max(0, ...rows.map((row) => row[column]!.length));
  return rows.map(([names, fallback, help]) =>
    `  ${names!.padEnd(width(0))}  ${fallback!.padEnd(width(1))}  ${help}`.trimEnd(),
  );
}

/** Parses argv (without the program name) into a command. */
export function parseCommand(argv: readonly string[], cwd: string = process.cwd()): Command {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    return { kind: "help", text: usage() };
  }
  if (command === "--version" || command === "version") return { kind: "version" };
  if (command === "serve") return parseServe(rest, cwd);
  if (command === "analyze") return parseAnalyze(rest, cwd);
  if (command !== "test")
    throw new CliError(`Unknown command ${JSON.stringify(command)}; expected test, analyze or serve`);
  return parseTest(rest, cwd);
}

/** Flags as typed: every value given for each long name, the other tokens, and warnings. */
interface RawFlags {
  values: Map<string, string[]>;
  positional: string[];
  warnings: string[];
}

/**
 * Splits tokens as tools.cli's `parse-opts` does (Jepsen's CLI is built on it): `--` ends the
 * options and is dropped; `--name=value` or `--name value`, where the value is the next token
 * even if it starts with a dash; short options clump (`-wecho` is `-w echo`, `-hn x` is
 * `-h -n x`); every other token is an argument for the node, wherever it stands. One addition
 * of ours: a flag typed with a typographic dash (`–-nemesis`) is applied, with a warning.
 */
class FlagReader {
  readonly raw: RawFlags = { values: new Map(), positional: [], warnings: [] };
  private at = 0;

  constructor(
    private readonly tokens: readonly string[],
    private readonly table: FlagTable,
  ) {}

  read(): RawFlags {
    while (this.at < this.tokens.length) this.readToken(this.tokens[this.at++]!);
    return this.raw;
  }

  private readToken(token: string): void {
    if (token === "--") {
      this.raw.positional.push(...this.tokens.slice(this.at));
      this.at = this.tokens.length;
    } else if (token.startsWith("--")) {
      this.readLong(token.slice(2));
    } else if (/^-./.test(token)) {
      this.readShorts(token);
    } else {
      const typo = typographicFlag(token, this.table);
      if (typo === undefined) return void this.raw.positional.push(token);
      this.raw.warnings.push(
        `"${token}" starts with a typographic dash; real Maelstrom would pass it to your node as an argument ` +
          `and silently run without it. Applying --${typo.split("=")[0]} as intended.`,
      );
      this.readLong(typo);
    }
  }

  /** `name` or `name=value`, without the dashes. */
  private readLong(body: string): void {
    const eq = body.indexOf("=");
    const name = eq === -1 ? body : body.slice(0, eq);
    const flag = this.table[name];
    if (flag === undefined) throw new CliError(`Unknown option: --${name}`);
    if (!flag.arg) {
      if (eq !== -1) throw new CliError(`--${name} takes no value`);
      return this.add(name, "true");
    }
    this.add(name, eq === -1 ? this.nextValue(name) : body.slice(eq + 1));
  }

  /** `-x`, or a clump `-xyz`: switches until one takes a value, which is the rest of the token or the next one. */
  private readShorts(token: string): void {
    for (let c = 1; c < token.length; c++) {
      const name = longNameOf(token[c]!, this.table);
      if (name === undefined) throw new CliError(`Unknown option: -${token[c]}`);
      if (!this.table[name]!.arg) {
        this.add(name, "true");
        continue;
      }
      return this.add(name, c + 1 < token.length ? token.slice(c + 1) : this.nextValue(name));
    }
  }

  private nextValue(name: string): string {
    const value = this.tokens[this.at++];
    if (value === undefined) throw new CliError(`Missing value for --${name}`);
    return value;
  }

  private add(name: string, value: string): void {
    const list = this.raw.values.get(name) ?? [];
    list.push(value);
    this.raw.values.set(name, list);
  }
}

/** A copy-pasted flag with a typographic dash (–-name, —name): its `name[=value]`, if the name is a flag. */
function typographicFlag(token: string, table: FlagTable): string | undefined {
  const match = /^[\u2012-\u2015\u2212]-?(([^=]+)(?:=.*)?)$/.exec(token);
  return match && table[match[2]!] !== undefined ? match[1] : undefined;
}

function splitFlags(tokens: readonly string[], table: FlagTable): RawFlags {
  return new FlagReader(tokens, table).read();
}

function longNameOf(short: string, table: FlagTable): string | undefined {
  return Object.keys(table).find((long) => table[long]!.short === short);
}

/** The last value given for a flag, else its default. */
function flagValue(raw: RawFlags, table: FlagTable, long: string): string | undefined {
  const given = raw.values.get(long);
  if (given) return given[given.length - 1];
  const flag = table[long];
  const fallback = flag && "default" in flag ? flag.default : undefined;
  return typeof fallback === "string" ? fallback : undefined;
}

/** Every TestOptions field that one flag sets on its own, from its value or its default. */
function fieldOptions(raw: RawFlags): Pick<TestOptions, FlagField> {
  return flagFields(raw, TEST_FLAGS, false) as Pick<TestOptions, FlagField>;
}

/** The TestOptions fields of a table's flags: every one (defaults included), or only those typed. */
function flagFields(raw: RawFlags, table: FlagTable, typedOnly: boolean): Partial<TestOptions> {
  const fields: Record<string, unknown> = {};
  for (const [long, flag] of Object.entries(table) as [string, Flag][]) {
    if (flag.field === undefined || (typedOnly && !raw.values.has(long))) continue;
    if (!flag.arg) {
      fields[flag.field] = raw.values.has(long);
      continue;
    }
    const text = flagValue(raw, table, long);
    fields[flag.field] = text === undefined ? undefined : flag.parse(text, long);
  }
  return fields as Partial<TestOptions>;
}

/** The options of a run that typed no flag: Maelstrom's defaults. */
export function defaultFieldOptions(): Pick<TestOptions, FlagField> {
  return fieldOptions({ values: new Map(), positional: [], warnings: [] });
}

function parseTest(tokens: readonly string[], cwd: string): Command {
  const raw = splitFlags(tokens, TEST_FLAGS);
  if (raw.values.has("help")) return { kind: "help", text: usage() };
  const fields = fieldOptions(raw);

  checkWorkload(fields.workload);
  checkTxnLengths(fields.minTxnLength, fields.maxTxnLength);
  const binFlag = raw.values.get("bin")?.at(-1);
  if (!binFlag) throw new CliError("Missing required --bin FILE (the node executable)");
  const bin = resolve(cwd, binFlag);
  // The simulation loads the program instead of executing it (world/sim-program.ts checks it).
  if (fields.sim) checkFile(bin, binFlag);
  else checkExecutable(bin, binFlag);

  const nodeIds = parseNodes(raw, cwd);
  const seed = raw.values.get("seed")?.at(-1);
  const concurrency = parseConcurrency(flagValue(raw, TEST_FLAGS, "concurrency")!, nodeIds.length);
  if (fields.workload === "lin-kv") checkLinKvConcurrency(nodeIds.length, concurrency, raw.values.has("workload"));
  const opts: TestOptions = {
    ...fields,
    bin,
    binArgs: raw.positional,
    nodeIds,
    concurrency,
    seed: seed !== undefined ? parseInteger(0)(seed, "seed") : randomSeed(),
    storeDir: resolve(cwd, flagValue(raw, TEST_FLAGS, "store")!),
    progress: !raw.values.has("no-progress"),
  };
  const shrink = raw.values.has("shrink");
  if (shrink && !fields.sim) {
    throw new CliError("--shrink needs --sim: only a simulated run replays exactly, candidate by candidate");
  }
  return { kind: "test", opts, warnings: raw.warnings, notes: clusterFlagNotes(raw), shrink };
}

/** One line per Jepsen cluster flag given: Maelstrom accepts them and has no use for them, and so does this runner. */
function clusterFlagNotes(raw: RawFlags): string[] {
  return Object.entries(TEST_FLAGS)
    .filter(([long, flag]) => flag.origin === "cluster" && raw.values.has(long))
    .map(
      ([long]) => `NOTE --${long} is a Jepsen cluster flag; nodes run locally here, as in Maelstrom, so it is ignored.`,
    );
}

/** Refused before any node starts: the txn generator could not draw a length (it used to throw after init). */
function checkTxnLengths(min: number | undefined, max: number | undefined): void {
  if (min !== undefined && max !== undefined && min > max) {
    throw new CliError(`Invalid --min-txn-length ${min}: above --max-txn-length ${max}`);
  }
}

/**
 * lin-kv's thread groups need a concurrency of a multiple of 2n, which Jepsen asserts only once
 * the generator starts (a stack trace after every node is up). Refused here in one line; without
 * -w the user most likely did not mean lin-kv at all, so the line says it is Maelstrom's default.
 */
function checkLinKvConcurrency(nodeCount: number, concurrency: number, workloadGiven: boolean): void {
  const problem = concurrencyProblem(nodeCount, concurrency);
  if (!problem) return;
  if (workloadGiven) throw new CliError(`${problem}: try --concurrency 2n`);
  throw new CliError(
    `No -w given, so the workload is lin-kv, Maelstrom's default, and ${problem}. ` +
      "Name your workload with -w (e.g. -w echo), or give lin-kv --concurrency 2n",
  );
}

/** A registered workload, or one line listing the ones there are. */
function checkWorkload(name: string): void {
  const known = workloadNames();
  if (!known.includes(name))
    throw new CliError(`Unknown workload ${JSON.stringify(name)}; this runner has: ${known.join(", ")}`);
}

function checkFile(bin: string, binFlag: string): void {
  if (!existsSync(bin) || !statSync(bin).isFile()) throw new CliError(`--bin ${binFlag}: no such file`);
}

/**
 * Maelstrom executes --bin directly, so it must be an executable file, and a script needs a
 * `#!` line (for a solution: `#!/usr/bin/env bun`).
 */
function checkExecutable(bin: string, binFlag: string): void {
  checkFile(bin, binFlag);
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    throw new CliError(`--bin ${binFlag}: not executable; Maelstrom runs it directly, so chmod +x it`);
  }
  if (/\.(ts|tsx|js|mjs|cjs)$/.test(bin) && !readFileSync(bin, "utf8").startsWith("#!")) {
    throw new CliError(
      `--bin ${binFlag}: a script without a #! line cannot be executed; start it with #!/usr/bin/env bun`,
    );
  }
}

/** Far beyond what a machine can run, yet small enough that the list of names itself is no burden. */
const MAX_NODE_COUNT = { max: 100_000, why: "each node is a process of its own" };

/**
 * The node list as Maelstrom builds it: --node-count replaces --nodes with n0 … n(N-1)
 * (core.clj `parse-node-count`), then Jepsen's `parse-nodes` joins the --nodes-file lines,
 * that list and the -n nodes, dropping -n's default n1 … n5 when either of the others is given.
 */
function parseNodes(raw: RawFlags, cwd: string): string[] {
  const count = raw.values.get("node-count")?.at(-1);
  const listed =
    count !== undefined
      ? Array.from({ length: parseInteger(1, MAX_NODE_COUNT)(count, "node-count") }, (_, i) => `n${i}`)
      : raw.values.get("nodes")?.at(-1)?.split(/,\s*/);
  const file = raw.values.get("nodes-file")?.at(-1);
  const fromFile = file === undefined ? [] : readNodesFile(resolve(cwd, file), file);
  const given = raw.values.get("node") ?? (listed || file !== undefined ? [] : TEST_FLAGS.node.default);
  const nodes = [...fromFile, ...(listed ?? []), ...given].map((id) => id.trim()).filter((id) => id.length > 0);
  if (nodes.length === 0) throw new CliError("No nodes to run: the node list is empty");
  const clientLike = nodes.find((id) => id.startsWith("c"));
  if (clientLike)
    throw new CliError(`Node id ${JSON.stringify(clientLike)} starts with "c", which Maelstrom reserves for clients`);
  if (new Set(nodes).size !== nodes.length) throw new CliError(`Duplicate node ids in ${nodes.join(",")}`);
  const unsafe = nodes.find((id) => /[/\\\0]/.test(id));
  if (unsafe !== undefined) {
    const why = "each node logs to node-logs/<id>.log in the run folder";
    throw new CliError(`Node id ${JSON.stringify(unsafe)} cannot name a file: ${why}`);
  }
  return nodes;
}

function readNodesFile(path: string, flag: string): string[] {
  try {
    return readFileSync(path, "utf8").split(/\s*\n\s*/);
  } catch (error) {
    throw new CliError(`--nodes-file ${flag}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** An integer, or Kn meaning K times the node count. */
export function parseConcurrency(text: string, nodeCount: number): number {
  const match = /^(\d+)(n?)$/.exec(text.trim());
  if (!match) throw new CliError(`Invalid --concurrency ${JSON.stringify(text)}: an integer or Kn (e.g. 2n)`);
  const value = Number.parseInt(match[1]!, 10) * (match[2] ? nodeCount : 1);
  if (!Number.isSafeInteger(value)) throw new CliError(`Invalid --concurrency ${JSON.stringify(text)}: beyond 2^53`);
  if (value < 1) throw new CliError(`Invalid --concurrency ${JSON.stringify(text)}: must be at least 1 worker`);
  return value;
}

function parseServe(tokens: readonly string[], cwd: string): Command {
  const raw = splitFlags(tokens, SERVE_FLAGS);
  if (raw.values.has("help")) return { kind: "help", text: usage() };
  if (raw.positional.length > 0)
    throw new CliError(`Unexpected argument ${JSON.stringify(raw.positional[0])} for serve`);
  const port = parseInteger(0)(flagValue(raw, SERVE_FLAGS, "port")!, "port");
  if (port > 65535) throw new CliError(`Invalid --port ${port}: at most 65535`);
  return {
    kind: "serve",
    port,
    host: flagValue(raw, SERVE_FLAGS, "host")!,
    storeDir: resolve(cwd, flagValue(raw, SERVE_FLAGS, "store")!),
  };
}

/** `analyze [RUN_DIR] [options]`: a stored run's folder (by default the store's latest run), and the options typed. */
function parseAnalyze(tokens: readonly string[], cwd: string): Command {
  const raw = splitFlags(tokens, ANALYZE_FLAGS);
  if (raw.values.has("help")) return { kind: "help", text: usage() };
  if (raw.positional.length > 1) throw new CliError(`analyze takes one run folder; got ${raw.positional.length}`);
  const runDir = raw.positional[0] ?? join(flagValue(raw, ANALYZE_FLAGS, "store")!, "latest");
  const given = flagFields(raw, ANALYZE_FLAGS, true);
  if (given.workload !== undefined) checkWorkload(given.workload);
  checkTxnLengths(given.minTxnLength, given.maxTxnLength);
  if (raw.values.has("node-count") || raw.values.has("nodes")) given.nodeIds = parseNodes(raw, cwd);
  const concurrency = raw.values.get("concurrency")?.at(-1);
  // A bad value is a bad command line, whatever the node count
  if (concurrency !== undefined) parseConcurrency(concurrency, 1);
  const names = [...raw.values.keys()].filter((long) => long !== "store").map((long) => `--${long}`);
  return {
    kind: "analyze",
    runDir: resolve(cwd, runDir),
    flags: { given, ...(concurrency !== undefined ? { concurrency } : {}), names },
  };
}
