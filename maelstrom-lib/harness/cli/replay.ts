/**
 * The one-line command that replays a simulated run: the options written back as the flags of
 * `bun run maelstrom test --sim`, each only when it differs from its default, in `--help`
 * order, with the run's seed. Seed search prints one per failing seed; shrinking prints the
 * smallest failing run's.
 */
import { isAbsolute, relative, resolve } from "node:path";
import type { TestOptions } from "../contracts/options.ts";
import { defaultFieldOptions } from "./cli.ts";
import { TEST_FLAGS, type Flag } from "./config.ts";

/** Flags a replay never carries: it is one run, simulated, and shows no more than it needs to. */
const NOT_REPLAYED = new Set(["test-count", "sim"]);

/** `bun run maelstrom test --sim …` for exactly this run, paths relative to `cwd` where they are inside it. */
export function replayCommand(opts: TestOptions, cwd: string = process.cwd()): string {
  const defaults = defaultFieldOptions() as Record<string, unknown>;
  const given = opts as unknown as Record<string, unknown>;
  const tokens = ["bun", "run", "maelstrom", "test", "--sim"];
  for (const [long, flag] of Object.entries(TEST_FLAGS) as [string, Flag][]) {
    if (long === "bin") tokens.push("--bin", shownPath(opts.bin, cwd));
    if (long === "node-count") tokens.push(...nodeFlags(opts.nodeIds));
    if (long === "concurrency" && opts.concurrency !== opts.nodeIds.length)
      tokens.push("--concurrency", concurrencyText(opts));
    if (flag.field === undefined || NOT_REPLAYED.has(long)) continue;
    const value = given[flag.field];
    if (JSON.stringify(value) === JSON.stringify(defaults[flag.field])) continue;
    const name = long === "workload" ? "-w" : `--${long}`;
    tokens.push(...(flag.arg ? [name, flagText(long, value)] : [name]));
  }
  tokens.push("--seed", String(opts.seed));
  const store = shownPath(opts.storeDir, cwd);
  if (resolve(cwd, "store") !== resolve(opts.storeDir)) tokens.push("--store", store);
  if (opts.binArgs.length > 0) tokens.push("--", ...opts.binArgs);
  return tokens.map(shellQuote).join(" ");
}

/** A flag's value as typed: lists joined the way its parser splits them. */
function flagText(long: string, value: unknown): string {
  if (long === "consistency-models") return (value as string[]).join(" , ");
  if (Array.isArray(value)) return value.join(",");
  return String(value);
}

/** --node-count N for n0 … n(N-1), which is what it makes; any other list as --nodes. */
function nodeFlags(nodeIds: readonly string[]): string[] {
  if (nodeIds.every((id, i) => id === `n${i}`)) return ["--node-count", String(nodeIds.length)];
  const defaults = TEST_FLAGS.node.default;
  if (nodeIds.length === defaults.length && nodeIds.every((id, i) => id === defaults[i])) return [];
  return ["--nodes", nodeIds.join(",")];
}

/** Kn when the worker count is a multiple of the node count (as the published commands write 2n). */
function concurrencyText(opts: TestOptions): string {
  const nodes = opts.nodeIds.length;
  return opts.concurrency % nodes === 0 ? `${opts.concurrency / nodes}n` : String(opts.concurrency);
}

/** A path as the console shows it: relative to `cwd` when it is inside it, else whole. */
export function shownPath(path: string, cwd: string = process.cwd()): string {
  const rel = relative(cwd, path);
  return rel === "" ? "." : rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}

/** A token as a POSIX shell reads it back: bare when it is plain, else in single quotes. */
export function shellQuote(token: string): string {
  return /^[\w./:=@+,-]+$/.test(token) ? token : `'${token.replace(/'/g, `'\\''`)}'`;
}
