/**
 * Maelstrom's command line (core.clj + jepsen cli.clj): the same commands, flags, defaults and
 * quirks. The parser, the defaults and `--help` all come from the flag tables in config.ts.
 * Bad arguments throw `CliError`, which the entry point turns into one line and exit 254.
 */
import { accessSync, constants, existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { CliError, parseInteger, SERVE_FLAGS, TEST_FLAGS, type Flag, type FlagField, type FlagOrigin, type FlagTable, type TestOptions } from "./config.ts";
import { randomSeed } from "./rng.ts";
import { workloadNames } from "./workloads/index.ts";

export { CliError } from "./config.ts";

export type Command =
  | { kind: "test"; opts: TestOptions; warnings: string[] }
  | { kind: "serve"; port: number; host: string; storeDir: string }
  | { kind: "help"; text: string };

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
  test     run a workload against a node binary
  serve    browse the results in store/

${sections.join("\n\n")}

Workloads: ${workloadNames().join(", ")}
Non-option arguments are passed to the node binary.

serve options:
${flagHelpLines(SERVE_FLAGS).join("\n")}`;
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
  return rows.map(([names, fallback, help]) => `  ${names!.padEnd(width(0))}  ${fallback!.padEnd(width(1))}  ${help}`.trimEnd());
}

/** Parses argv (without the program name) into a command. */
export function parseCommand(argv: readonly string[], cwd: string = process.cwd()): Command {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    return { kind: "help", text: usage() };
  }
  if (command === "serve") return parseServe(rest, cwd);
  if (command !== "test") throw new CliError(`Unknown command ${JSON.stringify(command)}; expected test or serve`);
  return parseTest(rest, cwd);
}

/** Flags as typed: every value given for each long name, the other tokens, and warnings. */
interface RawFlags {
  values: Map<string, string[]>;
  positional: string[];
  warnings: string[];
}

/** Splits tokens into flags and positional arguments; knows the en-dash typo. */
function splitFlags(tokens: readonly string[], table: FlagTable): RawFlags {
  const values = new Map<string, string[]>();
  const positional: string[] = [];
  const warnings: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const parsed = parseFlagToken(token, table);
    if (!parsed) {
      positional.push(token);
      continue;
    }
    if (parsed.typo) {
      warnings.push(
        `"${token}" starts with a typographic dash; real Maelstrom would pass it to your node as an argument ` +
          `and silently run without it. Applying --${parsed.name} as intended.`,
      );
    }
    const flag = table[parsed.name];
    if (flag === undefined) throw new CliError(`Unknown option: ${token}`);
    let value = parsed.inlineValue;
    if (flag.arg && value === undefined) {
      value = tokens[++i];
      if (value === undefined) throw new CliError(`Missing value for --${parsed.name}`);
    }
    if (!flag.arg && value !== undefined) throw new CliError(`--${parsed.name} takes no value`);
    const list = values.get(parsed.name) ?? [];
    list.push(value ?? "true");
    values.set(parsed.name, list);
  }
  return { values, positional, warnings };
}

/** Recognises --name, --name=value, -x, and the copy-pasted typographic-dash forms (–-name, —name). */
function parseFlagToken(token: string, table: FlagTable): { name: string; inlineValue?: string; typo: boolean } | undefined {
  const typo = /^[\u2012-\u2015\u2212]/.test(token);
  const match = /^(?:--|[\u2012-\u2015\u2212]-?)([^=]+)(?:=(.*))?$/.exec(token);
  if (match) {
    const name = match[1]!;
    if (typo && table[name] === undefined) return undefined; // a dash-led argument that is no flag of ours
    return { name, inlineValue: match[2], typo };
  }
  const short = /^-([a-zA-Z])$/.exec(token);
  if (short) {
    const name = longNameOf(short[1]!, table);
    if (!name) throw new CliError(`Unknown option: ${token}`);
    return { name, typo: false };
  }
  return undefined;
}

function longNameOf(short: string, table: FlagTable): string | undefined {
  return Object.keys(table).find((long) => table[long]!.short === short);
}

/** The last value given for a flag, else its default. */
function valueOf(raw: RawFlags, table: FlagTable, long: string): string | undefined {
  const given = raw.values.get(long);
  if (given) return given[given.length - 1];
  const fallback = table[long]?.arg ? (table[long] as { default?: string | readonly string[] }).default : undefined;
  return typeof fallback === "string" ? fallback : undefined;
}

/** Every TestOptions field that one flag sets on its own, from its value or its default. */
function fieldOptions(raw: RawFlags): Pick<TestOptions, FlagField> {
  const fields: Record<string, unknown> = {};
  for (const [long, flag] of Object.entries(TEST_FLAGS) as [string, Flag][]) {
    if (flag.field === undefined) continue;
    if (!flag.arg) {
      fields[flag.field] = raw.values.has(long);
      continue;
    }
    const text = valueOf(raw, TEST_FLAGS, long);
    fields[flag.field] = text === undefined ? undefined : flag.parse(text, long);
  }
  return fields as Pick<TestOptions, FlagField>;
}

function parseTest(tokens: readonly string[], cwd: string): Command {
  const raw = splitFlags(tokens, TEST_FLAGS);
  if (raw.values.has("help")) return { kind: "help", text: usage() };
  const fields = fieldOptions(raw);

  const known = workloadNames();
  if (!known.includes(fields.workload)) {
    throw new CliError(`Unknown workload ${JSON.stringify(fields.workload)}; this runner has: ${known.join(", ")}`);
  }
  const binFlag = raw.values.get("bin")?.at(-1);
  if (!binFlag) throw new CliError("Missing required --bin FILE (the node executable)");
  const bin = resolve(cwd, binFlag);
  checkExecutable(bin, binFlag);

  const warnings = [...raw.warnings];
  if (fields.consistencyModels.some((m) => m.includes(","))) {
    warnings.push(
      `--consistency-models ${JSON.stringify(valueOf(raw, TEST_FLAGS, "consistency-models"))}: Maelstrom splits only on " , " (spaces around the comma), ` +
        `so this is one model name, which its checker does not know. Pass a single model.`,
    );
  }
  const nodeIds = parseNodes(raw, cwd);
  const seed = raw.values.get("seed")?.at(-1);
  const opts: TestOptions = {
    ...fields,
    bin,
    binArgs: raw.positional,
    nodeIds,
    concurrency: parseConcurrency(valueOf(raw, TEST_FLAGS, "concurrency")!, nodeIds.length),
    seed: seed !== undefined ? parseInteger(0)(seed, "seed") : randomSeed(),
    storeDir: resolve(cwd, valueOf(raw, TEST_FLAGS, "store")!),
    progress: !raw.values.has("no-progress"),
  };
  return { kind: "test", opts, warnings };
}

/**
 * Maelstrom executes --bin directly, so it must be an executable file, and a script needs a
 * `#!` line (for a solution: `#!/usr/bin/env bun`).
 */
function checkExecutable(bin: string, binFlag: string): void {
  if (!existsSync(bin) || !statSync(bin).isFile()) throw new CliError(`--bin ${binFlag}: no such file`);
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    throw new CliError(`--bin ${binFlag}: not executable; Maelstrom runs it directly, so chmod +x it`);
  }
  if (/\.(ts|tsx|js|mjs|cjs)$/.test(bin) && !readFileSync(bin, "utf8").startsWith("#!")) {
    throw new CliError(`--bin ${binFlag}: a script without a #! line cannot be executed; start it with #!/usr/bin/env bun`);
  }
}

function parseNodes(raw: RawFlags, cwd: string): string[] {
  const count = raw.values.get("node-count")?.at(-1);
  if (count !== undefined) {
    const n = parseInteger(1)(count, "node-count");
    return Array.from({ length: n }, (_, i) => `n${i}`);
  }
  const listed = [
    ...(raw.values.get("nodes") ?? []).flatMap((list) => list.split(",")),
    ...(raw.values.get("node") ?? []),
    ...(raw.values.get("nodes-file") ?? []).flatMap((file) => readFileSync(resolve(cwd, file), "utf8").split(/\s+/)),
  ]
    .map((id) => id.trim())
    .filter((id) => id.length > 0);
  const nodes = listed.length > 0 ? listed : [...TEST_FLAGS.node.default];
  const clientLike = nodes.find((id) => id.startsWith("c"));
  if (clientLike) throw new CliError(`Node id ${JSON.stringify(clientLike)} starts with "c", which Maelstrom reserves for clients`);
  if (new Set(nodes).size !== nodes.length) throw new CliError(`Duplicate node ids in ${nodes.join(",")}`);
  return nodes;
}

/** An integer, or Kn meaning K times the node count. */
export function parseConcurrency(text: string, nodeCount: number): number {
  const match = /^(\d+)(n?)$/.exec(text.trim());
  if (!match) throw new CliError(`Invalid --concurrency ${JSON.stringify(text)}: an integer or Kn (e.g. 2n)`);
  const value = Number.parseInt(match[1]!, 10) * (match[2] ? nodeCount : 1);
  if (value < 1) throw new CliError(`Invalid --concurrency ${JSON.stringify(text)}: must be at least 1 worker`);
  return value;
}

function parseServe(tokens: readonly string[], cwd: string): Command {
  const raw = splitFlags(tokens, SERVE_FLAGS);
  if (raw.values.has("help")) return { kind: "help", text: usage() };
  if (raw.positional.length > 0) throw new CliError(`Unexpected argument ${JSON.stringify(raw.positional[0])} for serve`);
  const port = parseInteger(0)(valueOf(raw, SERVE_FLAGS, "port")!, "port");
  if (port > 65535) throw new CliError(`Invalid --port ${port}: at most 65535`);
  return { kind: "serve", port, host: valueOf(raw, SERVE_FLAGS, "host")!, storeDir: resolve(cwd, valueOf(raw, SERVE_FLAGS, "store")!) };
}
