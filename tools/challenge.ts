#!/usr/bin/env bun
/**
 * `bun run challenge <folder>`: runs a Gossip Glomers challenge's solution with the command
 * its fly.io page publishes, and `bun run challenge all` runs every
 * challenge whose folder exists and prints one table: verdict, msgs-per-op, latency and
 * availability. Flags after the folder (`--time-limit 5`, `--seed 7`) replace or extend the
 * published ones, for quick runs.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { runMaelstrom } from "../maelstrom-lib/harness/index.ts";
import { digestHistory, verdictOf } from "../maelstrom-lib/harness/report/index.ts";
import { quantile } from "../maelstrom-lib/harness/primitives/quantile.ts";
import { okLatenciesMs } from "../maelstrom-lib/harness/report/history-digest.ts";

/** One published command of a challenge (6b publishes two). */
export interface ChallengeCommand {
  /** Row label: the challenge number, plus what differs ("3d +partition"). */
  label: string;
  /** `maelstrom test` flags, without --bin. */
  flags: string[];
}

/** A challenge: its folder and its published commands. */
export interface Challenge {
  folder: string;
  commands: ChallengeCommand[];
}

const BROADCAST_EFFICIENT = [
  "-w",
  "broadcast",
  "--node-count",
  "25",
  "--time-limit",
  "20",
  "--rate",
  "100",
  "--latency",
  "100",
];
const KAFKA_MULTI = ["-w", "kafka", "--node-count", "2", "--concurrency", "2n", "--time-limit", "20", "--rate", "1000"];
const TXN = ["-w", "txn-rw-register", "--concurrency", "2n", "--time-limit", "20", "--rate", "1000"];

/**
 * The published commands, as the fly.io pages print them. 3d/3e "must still pass with --nemesis
 * partition", so that variant is a row too; 6c's page has an en-dash typo that real
 * Maelstrom ignores, and we run the partition it meant.
 */
export const CHALLENGES: readonly Challenge[] = [
  { folder: "01-echo", commands: [{ label: "1", flags: ["-w", "echo", "--node-count", "1", "--time-limit", "10"] }] },
  {
    folder: "02-unique-id-generation",
    commands: [
      {
        label: "2",
        flags: [
          "-w",
          "unique-ids",
          "--node-count",
          "3",
          "--time-limit",
          "30",
          "--rate",
          "1000",
          "--availability",
          "total",
          "--nemesis",
          "partition",
        ],
      },
    ],
  },
  {
    folder: "3a-single-node-broadcast",
    commands: [{ label: "3a", flags: ["-w", "broadcast", "--node-count", "1", "--time-limit", "20", "--rate", "10"] }],
  },
  {
    folder: "3b-multi-node-broadcast",
    commands: [{ label: "3b", flags: ["-w", "broadcast", "--node-count", "5", "--time-limit", "20", "--rate", "10"] }],
  },
  {
    folder: "3c-fault-tolerant-broadcast",
    commands: [
      {
        label: "3c",
        flags: ["-w", "broadcast", "--node-count", "5", "--time-limit", "20", "--rate", "10", "--nemesis", "partition"],
      },
    ],
  },
  {
    folder: "3d-efficient-broadcast-part-1",
    commands: [
      { label: "3d", flags: BROADCAST_EFFICIENT },
      { label: "3d +partition", flags: [...BROADCAST_EFFICIENT, "--nemesis", "partition"] },
    ],
  },
  {
    folder: "3e-efficient-broadcast-part-2",
    commands: [
      { label: "3e", flags: BROADCAST_EFFICIENT },
      { label: "3e +partition", flags: [...BROADCAST_EFFICIENT, "--nemesis", "partition"] },
    ],
  },
  {
    folder: "4-grow-only-counter",
    commands: [
      {
        label: "4",
        flags: [
          "-w",
          "g-counter",
          "--node-count",
          "3",
          "--rate",
          "100",
          "--time-limit",
          "20",
          "--nemesis",
          "partition",
        ],
      },
    ],
  },
  {
    folder: "5a-single-node-kafka-style-log",
    commands: [
      {
        label: "5a",
        flags: ["-w", "kafka", "--node-count", "1", "--concurrency", "2n", "--time-limit", "20", "--rate", "1000"],
      },
    ],
  },
  { folder: "5b-multi-node-kafka-style-log", commands: [{ label: "5b", flags: KAFKA_MULTI }] },
  { folder: "5c-efficient-kafka-style-log", commands: [{ label: "5c", flags: KAFKA_MULTI }] },
  {
    folder: "6a-single-node-totally-available-transactions",
    commands: [
      {
        label: "6a",
        flags: [...TXN, "--node-count", "1", "--consistency-models", "read-uncommitted", "--availability", "total"],
      },
    ],
  },
  {
    folder: "6b-totally-available-read-uncommitted-transactions",
    commands: [
      { label: "6b", flags: [...TXN, "--node-count", "2", "--consistency-models", "read-uncommitted"] },
      {
        label: "6b +partition",
        flags: [
          ...TXN,
          "--node-count",
          "2",
          "--consistency-models",
          "read-uncommitted",
          "--availability",
          "total",
          "--nemesis",
          "partition",
        ],
      },
    ],
  },
  {
    folder: "6c-totally-available-read-committed-transactions",
    commands: [
      {
        label: "6c",
        flags: [
          ...TXN,
          "--node-count",
          "2",
          "--consistency-models",
          "read-committed",
          "--availability",
          "total",
          "--nemesis",
          "partition",
        ],
      },
    ],
  },
];

/** The repository root, where the challenge folders live. */
export const REPO_ROOT = resolve(import.meta.dir, "..");

/** Finds a challenge by folder name ("3d-efficient-broadcast-part-1", "3d-…/") or number ("3d", "1", "01"). */
export function findChallenge(name: string): Challenge | undefined {
  const wanted = name.replace(/\/+$/, "").replace(/^\.\//, "");
  const number = wanted.replace(/^0+(?=\d)/, "");
  return CHALLENGES.find((challenge) => challenge.folder === wanted || challenge.commands[0]!.label === number);
}

/**
 * Applies user flags over a published command: a flag already there gets the new value in
 * place (the runner would take the last of a repeated flag anyway, but the command stays
 * readable), a new one is appended. A flag followed by another flag or nothing is a switch.
 */
export function overrideFlags(flags: readonly string[], overrides: readonly string[]): string[] {
  const result = [...flags];
  for (let i = 0; i < overrides.length; i++) {
    const flag = overrides[i]!;
    const next = overrides[i + 1];
    const value = next !== undefined && !next.startsWith("-") ? next : undefined;
    if (value !== undefined) i++;
    const at = result.indexOf(flag);
    if (at !== -1 && value !== undefined) result[at + 1] = value;
    else if (at === -1) result.push(flag, ...(value !== undefined ? [value] : []));
  }
  return result;
}

/** One row of the summary table. */
export interface ChallengeRow {
  label: string;
  exitCode: number;
  verdict: string;
  /** results.net.servers.msgs-per-op. */
  msgsPerOp: number | undefined;
  /** Broadcast: stable latency (results.workload.stable-latencies); others: ok op latency. */
  latencyMedianMs: number | undefined;
  latencyMaxMs: number | undefined;
  latencyKind: "stable" | "op" | undefined;
  /** results.availability.ok-fraction. */
  availability: number | undefined;
  runDir: string | undefined;
  /** Why the run did not produce results (crash or bad arguments): its last console lines. */
  failureLines: string[];
}

/** How many of a failed run's last console lines the summary repeats. */
const FAILURE_TAIL_LINES = 6;

type Results = Record<string, any>;

async function latencyOf(
  results: Results | undefined,
  runDir: string | undefined,
): Promise<Pick<ChallengeRow, "latencyMedianMs" | "latencyMaxMs" | "latencyKind">> {
  const stable = results?.workload?.["stable-latencies"];
  if (stable && typeof stable === "object")
    return { latencyMedianMs: stable["0.5"], latencyMaxMs: stable["1"], latencyKind: "stable" };
  if (!runDir) return { latencyMedianMs: undefined, latencyMaxMs: undefined, latencyKind: undefined };
  const digest = await digestHistory(runDir);
  const okLatencies = okLatenciesMs(digest);
  return { latencyMedianMs: quantile(okLatencies, 0.5), latencyMaxMs: quantile(okLatencies, 1), latencyKind: "op" };
}

function verdictWord(exitCode: number, results: Results | undefined): string {
  if (exitCode === 255) return "crashed";
  if (exitCode === 254) return "bad args";
  return verdictOf(results?.["valid?"]);
}

/** Runs every published command of one challenge; `overrides` as for overrideFlags. */
export async function runChallenge(
  challenge: Challenge,
  overrides: readonly string[] = [],
  log?: (line: string) => void,
): Promise<ChallengeRow[]> {
  const rows: ChallengeRow[] = [];
  for (const command of challenge.commands) {
    const argv = [
      "test",
      "--bin",
      join(REPO_ROOT, challenge.folder, "main.ts"),
      ...overrideFlags(command.flags, overrides),
    ];
    log?.(`== ${command.label}: bun run maelstrom ${argv.join(" ")}`);
    const run = await runMaelstrom(argv, { log, cwd: REPO_ROOT });
    const results = run.results as Results | undefined;
    rows.push({
      label: command.label,
      exitCode: run.exitCode,
      verdict: verdictWord(run.exitCode, results),
      msgsPerOp: results?.net?.servers?.["msgs-per-op"],
      ...(await latencyOf(results, run.runDir)),
      availability: results?.availability?.["ok-fraction"],
      runDir: run.runDir,
      failureLines: run.exitCode >= 254 ? run.output.slice(-FAILURE_TAIL_LINES) : [],
    });
  }
  return rows;
}

/** The challenges whose folder has a main.ts, in table order. */
export function availableChallenges(): Challenge[] {
  return CHALLENGES.filter((challenge) => existsSync(join(REPO_ROOT, challenge.folder, "main.ts")));
}

function cell(value: number | undefined, digits: number): string {
  return value === undefined ? "—" : value.toFixed(digits);
}

/** The summary table as aligned text, one row per command. */
export function formatTable(rows: readonly ChallengeRow[]): string {
  const header = ["challenge", "verdict", "msgs-per-op", "latency median ms", "latency max ms", "availability"];
  const lines = rows.map((row) => {
    const kind = row.latencyKind === "stable" ? " (stable)" : "";
    return [
      row.label,
      row.verdict,
      cell(row.msgsPerOp, 2),
      cell(row.latencyMedianMs, 1) + kind,
      cell(row.latencyMaxMs, 1) + kind,
      cell(row.availability, 3),
    ];
  });
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
  const format = (line: string[]): string =>
    line
      .map((text, column) => text.padEnd(widths[column]!))
      .join("  ")
      .trimEnd();
  return [format(header), format(widths.map((width) => "-".repeat(width))), ...lines.map(format)].join("\n");
}

const USAGE = `Usage: bun run challenge <folder|number|all> [maelstrom flags to override, e.g. --time-limit 5]
Challenges: ${CHALLENGES.map((challenge) => challenge.folder).join(", ")}`;

async function main(argv: string[]): Promise<number> {
  const [name, ...overrides] = argv;
  if (name === undefined || name === "-h" || name === "--help") {
    console.log(USAGE);
    return name === undefined ? 254 : 0;
  }
  let challenges: Challenge[];
  if (name === "all") {
    challenges = availableChallenges();
    const skipped = CHALLENGES.filter((challenge) => !challenges.includes(challenge)).map(
      (challenge) => challenge.folder,
    );
    if (skipped.length) console.error(`Skipping (no main.ts yet): ${skipped.join(", ")}`);
  } else {
    const challenge = findChallenge(name);
    if (!challenge) {
      console.error(`Unknown challenge ${JSON.stringify(name)}.\n${USAGE}`);
      return 254;
    }
    challenges = [challenge];
  }
  // One challenge: show the run as `maelstrom test` does; all: progress on stderr, table on stdout.
  const log =
    name === "all"
      ? (line: string) => void (line.startsWith("==") && console.error(line))
      : (line: string) => console.log(line);
  const rows: ChallengeRow[] = [];
  for (const challenge of challenges) rows.push(...(await runChallenge(challenge, overrides, log)));
  console.log("\n" + formatTable(rows));
  for (const row of rows.filter((row) => row.failureLines.length)) {
    console.log(
      `\n${row.label} ${row.verdict}${row.runDir ? ` (${row.runDir})` : ""}:\n  ${row.failureLines.join("\n  ")}`,
    );
  }
  if (rows.some((row) => row.latencyKind === "stable")) {
    console.log(
      "(stable): broadcast's stable latency, until a value is visible in every read; other rows: latency of ok " +
        "client ops.",
    );
  }
  return rows.reduce((worst, row) => Math.max(worst, row.exitCode), 0);
}

if (import.meta.main) process.exit(await main(process.argv.slice(2)));
