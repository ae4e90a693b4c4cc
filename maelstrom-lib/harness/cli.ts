/**
 * Maelstrom's command line (core.clj + jepsen cli.clj): the same commands, flags, defaults and
 * quirks. Bad arguments throw `CliError`, which the entry point turns into one line and exit 254.
 */
import { accessSync, constants, existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { DEFAULTS, type Availability, type LatencyDist, type TestOptions } from "./config.ts";
import { randomSeed } from "./rng.ts";
import { workloadNames } from "./workloads/index.ts";
import { isTopologyName, TOPOLOGY_NAMES } from "./workloads/topology.ts";

/** A bad command line: exit 254 with this message. */
export class CliError extends Error {}

export type Command =
  | { kind: "test"; opts: TestOptions; warnings: string[] }
  | { kind: "serve"; port: number; host: string; storeDir: string }
  | { kind: "help"; text: string };

type FlagKind = "value" | "switch";

/** Every flag `test` accepts, with whether it takes a value. */
const TEST_FLAGS: Record<string, FlagKind> = {
  workload: "value",
  bin: "value",
  "node-count": "value",
  nodes: "value",
  node: "value",
  "nodes-file": "value",
  "time-limit": "value",
  rate: "value",
  concurrency: "value",
  latency: "value",
  "latency-dist": "value",
  nemesis: "value",
  "nemesis-interval": "value",
  availability: "value",
  "consistency-models": "value",
  topology: "value",
  "key-count": "value",
  "max-txn-length": "value",
  "max-writes-per-key": "value",
  "log-stderr": "switch",
  "log-net-send": "switch",
  "log-net-recv": "switch",
  "test-count": "value",
  seed: "value",
  store: "value",
  "no-progress": "switch",
  // Accepted and ignored, as they do nothing useful without SSH-managed nodes.
  "leave-db-running": "switch",
  "logging-json": "switch",
  help: "switch",
};

const SHORT_FLAGS: Record<string, string> = { w: "workload", n: "node", h: "help", p: "port", b: "host" };

const LATENCY_DISTS: readonly LatencyDist[] = ["constant", "uniform", "exponential"];

/** The help text. */
export function usage(): string {
  return `Usage: bun run maelstrom <command> [options]

Commands:
  test     run a workload against a node binary
  serve    browse the results in store/ (-p/--port, default 8080; -b/--host, default 0.0.0.0)

test options (as Maelstrom's):
  -w, --workload NAME        ${workloadNames().join(" ")}
      --bin FILE             node executable (.ts/.js files run under Bun)
      --node-count N         nodes n0 … n(N-1)          --nodes a,b,c / -n NODE
      --time-limit S         main phase seconds (60)    --rate R  ops/s over all clients (5)
      --concurrency C        workers: integer or Kn (1n)
      --latency MS           mean latency (0)           --latency-dist constant|uniform|exponential
      --nemesis partition    --nemesis-interval S (10)
      --availability X       total, or a fraction 0..1
      --consistency-models M (strict-serializable)      --topology T (grid)
      --key-count K (10)     --max-txn-length L (4)     --max-writes-per-key W (16)
      --log-stderr  --log-net-send  --log-net-recv  --test-count N (1)
  ours:
      --seed N               replay a run's random choices (printed at the start of each run)
      --store DIR            where runs are written (store)
      --no-progress          no live progress line
Non-option arguments are passed to the node binary.`;
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

interface RawFlags {
  values: Map<string, string[]>;
  positional: string[];
  warnings: string[];
}

/** Splits tokens into flags and positional arguments; knows the en-dash typo. */
function splitFlags(tokens: readonly string[], flags: Record<string, FlagKind>): RawFlags {
  const values = new Map<string, string[]>();
  const positional: string[] = [];
  const warnings: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const parsed = parseFlagToken(token, flags);
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
    const kind = flags[parsed.name];
    if (kind === undefined) throw new CliError(`Unknown option: ${token}`);
    let value = parsed.inlineValue;
    if (kind === "value" && value === undefined) {
      value = tokens[++i];
      if (value === undefined) throw new CliError(`Missing value for --${parsed.name}`);
    }
    if (kind === "switch" && value !== undefined) throw new CliError(`--${parsed.name} takes no value`);
    const list = values.get(parsed.name) ?? [];
    list.push(value ?? "true");
    values.set(parsed.name, list);
  }
  return { values, positional, warnings };
}

/** Recognises --name, --name=value, -x, and the copy-pasted typographic-dash forms (–-name, —name). */
function parseFlagToken(
  token: string,
  flags: Record<string, FlagKind>,
): { name: string; inlineValue?: string; typo: boolean } | undefined {
  const typo = /^[\u2012-\u2015\u2212]/.test(token);
  const match = /^(?:--|[\u2012-\u2015\u2212]-?)([^=]+)(?:=(.*))?$/.exec(token);
  if (match) {
    const name = match[1]!;
    if (typo && flags[name] === undefined) return undefined; // a dash-led argument that is no flag of ours
    return { name, inlineValue: match[2], typo };
  }
  const short = /^-([a-zA-Z])$/.exec(token);
  if (short) {
    const name = SHORT_FLAGS[short[1]!];
    if (!name) throw new CliError(`Unknown option: ${token}`);
    return { name, typo: false };
  }
  return undefined;
}

function single(raw: RawFlags, name: string): string | undefined {
  const list = raw.values.get(name);
  return list?.[list.length - 1];
}

function parseInteger(text: string, flag: string, min: number): number {
  if (!/^-?\d+$/.test(text.trim())) throw new CliError(`Invalid --${flag} ${JSON.stringify(text)}: must be an integer`);
  const value = Number.parseInt(text, 10);
  if (value < min) throw new CliError(`Invalid --${flag} ${value}: must be at least ${min}`);
  return value;
}

function parseNumber(text: string, flag: string, min: number): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value)) throw new CliError(`Invalid --${flag} ${JSON.stringify(text)}: must be a number`);
  if (value < min) throw new CliError(`Invalid --${flag} ${value}: must be at least ${min}`);
  return value;
}

function parseTest(tokens: readonly string[], cwd: string): Command {
  const raw = splitFlags(tokens, TEST_FLAGS);
  if (raw.values.has("help")) return { kind: "help", text: usage() };

  const workload = single(raw, "workload") ?? DEFAULTS.workload;
  const known = workloadNames();
  if (!known.includes(workload)) {
    throw new CliError(`Unknown workload ${JSON.stringify(workload)}; this runner has: ${known.join(", ")}`);
  }

  const binFlag = single(raw, "bin");
  if (!binFlag) throw new CliError("Missing required --bin FILE (the node executable)");
  const bin = resolve(cwd, binFlag);
  checkExecutable(bin, binFlag);

  const nodeIds = parseNodes(raw, cwd);
  const concurrency = parseConcurrency(single(raw, "concurrency") ?? DEFAULTS.concurrency, nodeIds.length);
  const latencyDist = (single(raw, "latency-dist") ?? DEFAULTS.latencyDist) as LatencyDist;
  if (!LATENCY_DISTS.includes(latencyDist)) {
    throw new CliError(`Invalid --latency-dist ${JSON.stringify(latencyDist)}; one of ${LATENCY_DISTS.join(", ")}`);
  }
  const topology = single(raw, "topology") ?? DEFAULTS.topology;
  if (!isTopologyName(topology)) throw new CliError(`Invalid --topology ${JSON.stringify(topology)}; one of ${TOPOLOGY_NAMES.join(", ")}`);

  const warnings = [...raw.warnings];
  const modelsText = single(raw, "consistency-models");
  const consistencyModels = modelsText ? modelsText.split(/\s+,\s+/) : [...DEFAULTS.consistencyModels];
  if (consistencyModels.some((m) => m.includes(","))) {
    warnings.push(
      `--consistency-models ${JSON.stringify(modelsText)}: Maelstrom splits only on " , " (spaces around the comma), ` +
        `so this is one model name, which its checker does not know. Pass a single model.`,
    );
  }

  const opts: TestOptions = {
    workload,
    bin,
    binArgs: raw.positional,
    nodeIds,
    timeLimitSec: parseInteger(single(raw, "time-limit") ?? String(DEFAULTS.timeLimitSec), "time-limit", 1),
    rate: parseNumber(single(raw, "rate") ?? String(DEFAULTS.rate), "rate", 0),
    concurrency,
    latencyMs: parseInteger(single(raw, "latency") ?? String(DEFAULTS.latencyMs), "latency", 0),
    latencyDist,
    nemesis: parseNemesis(single(raw, "nemesis")),
    nemesisIntervalSec: parseNumber(single(raw, "nemesis-interval") ?? String(DEFAULTS.nemesisIntervalSec), "nemesis-interval", 0),
    availability: parseAvailability(single(raw, "availability")),
    consistencyModels,
    topology,
    keyCount: parseInteger(single(raw, "key-count") ?? String(DEFAULTS.keyCount), "key-count", 1),
    maxTxnLength: parseInteger(single(raw, "max-txn-length") ?? String(DEFAULTS.maxTxnLength), "max-txn-length", 1),
    maxWritesPerKey: parseInteger(single(raw, "max-writes-per-key") ?? String(DEFAULTS.maxWritesPerKey), "max-writes-per-key", 1),
    logStderr: raw.values.has("log-stderr"),
    logNetSend: raw.values.has("log-net-send"),
    logNetRecv: raw.values.has("log-net-recv"),
    testCount: parseInteger(single(raw, "test-count") ?? String(DEFAULTS.testCount), "test-count", 1),
    seed: single(raw, "seed") !== undefined ? parseInteger(single(raw, "seed")!, "seed", 0) : randomSeed(),
    storeDir: resolve(cwd, single(raw, "store") ?? "store"),
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
  const count = single(raw, "node-count");
  if (count !== undefined) {
    const n = parseInteger(count, "node-count", 1);
    return Array.from({ length: n }, (_, i) => `n${i}`);
  }
  const listed = [
    ...(raw.values.get("nodes") ?? []).flatMap((list) => list.split(",")),
    ...(raw.values.get("node") ?? []),
    ...(raw.values.get("nodes-file") ?? []).flatMap((file) => readFileSync(resolve(cwd, file), "utf8").split(/\s+/)),
  ]
    .map((id) => id.trim())
    .filter((id) => id.length > 0);
  const nodes = listed.length > 0 ? listed : [...DEFAULTS.nodes];
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

function parseNemesis(text: string | undefined): "partition"[] {
  if (text === undefined) return [];
  const faults = text.split(",").map((f) => f.trim()).filter(Boolean);
  for (const fault of faults) {
    if (fault !== "partition") throw new CliError(`Invalid --nemesis ${JSON.stringify(fault)}; the only fault is partition`);
  }
  return faults.length > 0 ? ["partition"] : [];
}

function parseAvailability(text: string | undefined): Availability | undefined {
  if (text === undefined) return undefined;
  if (text === "total") return "total";
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new CliError(`Invalid --availability ${JSON.stringify(text)}: total, or a number from 0 to 1`);
  }
  return value;
}

function parseServe(tokens: readonly string[], cwd: string): Command {
  const raw = splitFlags(tokens, { port: "value", host: "value", store: "value", help: "switch" });
  if (raw.values.has("help")) return { kind: "help", text: usage() };
  if (raw.positional.length > 0) throw new CliError(`Unexpected argument ${JSON.stringify(raw.positional[0])} for serve`);
  const port = parseInteger(single(raw, "port") ?? String(DEFAULTS.servePort), "port", 0);
  if (port > 65535) throw new CliError(`Invalid --port ${port}: at most 65535`);
  return { kind: "serve", port, host: single(raw, "host") ?? "0.0.0.0", storeDir: resolve(cwd, single(raw, "store") ?? "store") };
}
