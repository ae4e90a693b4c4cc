import { afterAll, describe, expect, test } from "bun:test";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readEdn, readEdnAll } from "../primitives/edn-read.ts";
import { analyzeRun, runMaelstrom } from "../index.ts";
import { opOf, plainOf } from "../store/jepsen-store.ts";
import { Rng } from "../primitives/rng.ts";
import type { Op } from "../contracts/types.ts";

const repo = new URL("../../..", import.meta.url).pathname;
const store = mkdtempSync(join(tmpdir(), "analyze-"));
afterAll(() => rmSync(store, { recursive: true, force: true }));

const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8"));
const main = join(repo, "maelstrom-lib/harness/cli/main.ts");

/** Every file directly in a folder, with its text. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => [entry.name, readFileSync(join(dir, entry.name), "utf8")]),
  );
}

/** A copy of the real-Maelstrom-format fixtures (analyze writes its results into the folder). */
function maelstromRuns(): string {
  const dir = mkdtempSync(join(store, "maelstrom-"));
  cpSync(join(repo, "maelstrom-lib/harness/testdata/maelstrom-runs"), dir, { recursive: true });
  return dir;
}

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn([process.execPath, main, ...args], { cwd: store, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr] = [await new Response(proc.stdout).text(), await new Response(proc.stderr).text()];
  return { code: await proc.exited, stdout, stderr };
}

/**
 * A test-local EDN printer of our JSON-shaped values, as Jepsen's `prn` would print them: strings that could be
 * keywords sometimes are.
 */
function ednOf(value: unknown, rng: Rng): string {
  if (value === null || value === undefined) return "nil";
  if (typeof value === "boolean" || typeof value === "number") return String(value);
  if (JSON.isRawJSON(value)) return value.rawJSON;
  if (typeof value === "string")
    return /^[a-z][a-z0-9-]*$/.test(value) && rng.chance(0.5) ? `:${value}` : JSON.stringify(value);
  if (Array.isArray(value))
    return rng.chance(0.2)
      ? `(${value.map((v) => ednOf(v, rng)).join(" ")})`
      : `[${value.map((v) => ednOf(v, rng)).join(" ")}]`;
  return `{${Object.entries(value as object)
    .map(([k, v]) => `${JSON.stringify(k)} ${ednOf(v, rng)}`)
    .join(", ")}}`;
}

function opEdn(op: Op, rng: Rng): string {
  const fields = Object.entries(op).map(([key, value]) => {
    if (key === "type" || key === "f" || (key === "process" && value === "nemesis")) return `:${key} :${value}`;
    if (key === "exception") return `:exception ${JSON.stringify(value)}`;
    return `:${key === "final" ? "final?" : key} ${ednOf(value, rng)}`;
  });
  return `{${fields.join(", ")}}`;
}

function randomValue(rng: Rng, depth: number): unknown {
  switch (rng.int(0, depth > 2 ? 6 : 9)) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.int(-1000, 1000);
    case 3:
      return JSON.rawJSON(
        `${rng.chance(0.5) ? "-" : ""}9${rng.int(100000000, 999999999)}${rng.int(100000000, 999999999)}`,
      );
    case 4:
      return rng.float() * 2000 - 1000;
    case 5:
      return rng.pick([
        "r",
        "w",
        "append",
        "send",
        "poll",
        "Please echo 7",
        'quote " and \\ back',
        "tab\tnew\nline",
        "é ü 雪",
        "",
      ]);
    case 6:
    case 7:
      return Array.from({ length: rng.int(0, 4) }, () => randomValue(rng, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: rng.int(0, 3) }, (_, i) => [`k${i}-${rng.int(0, 9)}`, randomValue(rng, depth + 1)]),
      );
  }
}

function randomOp(rng: Rng, index: number): Op {
  const op: Op = {
    index,
    time: rng.int(0, 2 ** 40),
    type: rng.pick(["invoke", "ok", "fail", "info"] as const),
    process: rng.chance(0.1) ? "nemesis" : rng.int(0, 20),
    f: rng.pick(["broadcast", "read", "txn", "send", "start-partition"]),
    value: randomValue(rng, 0),
  };
  if (rng.chance(0.2)) op.error = rng.chance(0.5) ? "net-timeout" : ["key-does-not-exist", "no such key"];
  if (rng.chance(0.2)) op.final = true;
  if (rng.chance(0.1)) op.exception = "Malformed RPC response";
  return op;
}

/** Our history → EDN text → the reader → ops: the same ops, numbers exact. */
function roundTrip(ops: readonly Op[], rng: Rng): Op[] {
  return readEdnAll(ops.map((op) => opEdn(op, rng)).join("\n")).map((form, i) => opOf(form, i));
}

describe("maelstrom analyze", () => {
  test("re-checks a stored run: a real run stays valid, and a history broken on purpose turns invalid", async () => {
    const run = await runMaelstrom(
      [
        "test",
        "-w",
        "echo",
        "--bin",
        "01-echo/main.ts",
        "--node-count",
        "1",
        "--time-limit",
        "1",
        "--rate",
        "20",
        "--store",
        store,
        "--no-progress",
      ],
      { cwd: repo },
    );
    expect(run.exitCode).toBe(0);
    const runDir = run.runDir!;
    const before = readJson(join(runDir, "results.json"));

    const lines: string[] = [];
    expect(await analyzeRun(runDir, (line) => lines.push(line))).toBe(0);
    const again = readJson(join(runDir, "results.json"));
    expect(again["valid?"]).toBe(true);
    expect(again.stats).toEqual(before.stats);
    expect(again.net).toEqual(before.net);
    expect(again.runner).toEqual(before.runner);
    expect(lines[0]).toContain(`Analyzing ${runDir}`);

    // Differential: the real run's history printed as EDN reads back as the same ops.
    const historyPath = join(runDir, "history.jsonl");
    const ops = readFileSync(historyPath, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Op);
    expect(ops.length).toBeGreaterThan(10);
    expect(roundTrip(ops, new Rng(1))).toEqual(ops);

    const ok = ops.find((op) => op.type === "ok")!;
    ok.value = { ...(ok.value as object), echo: "tampered" };
    writeFileSync(historyPath, ops.map((op) => JSON.stringify(op)).join("\n") + "\n");
    expect(await analyzeRun(runDir, () => {})).toBe(1);
    const broken = readJson(join(runDir, "results.json"));
    expect(broken["valid?"]).toBe(false);
    expect(broken.workload["valid?"]).toBe(false);
    expect(JSON.stringify(broken.workload.errors)).toContain("tampered");
  });

  test("differential: random JSON-shaped ops printed as EDN read back the same, big integers exact", () => {
    const rng = new Rng(18);
    for (let round = 0; round < 50; round++) {
      const ops = Array.from({ length: 20 }, (_, i) => randomOp(rng, i));
      expect(JSON.stringify(roundTrip(ops, rng))).toBe(JSON.stringify(ops));
    }
  });

  test(
    "a run folder whose results.json or history.jsonl the runner did not write so: " + "one line and exit 254",
    async () => {
      const runDir = join(store, "bad-shapes", "20260101T000000.000Z");
      const options = { workload: "echo", bin: "/x", binArgs: [], nodeIds: ["n0"], concurrency: 1, seed: 1 };
      writeFileSync(join(mkdirp(runDir), "test.json"), JSON.stringify(options));
      writeFileSync(
        join(runDir, "history.jsonl"),
        '{"index":0,"time":0,"type":"invoke","process":0,"f":"echo","value":"x"}\n',
      );
      writeFileSync(join(runDir, "results.json"), JSON.stringify({ "valid?": "yes" }));
      const lines: string[] = [];
      expect(await analyzeRun(runDir, (line) => lines.push(line))).toBe(254);
      expect(lines).toEqual([`${join(runDir, "results.json")}: valid? is "yes", not true, false or "unknown"`]);
      const net = { all: {}, clients: {}, servers: {}, "valid?": true };
      writeFileSync(join(runDir, "results.json"), JSON.stringify({ "valid?": true, net }));
      writeFileSync(join(runDir, "history.jsonl"), '{"index":0,"time":0,"type":"invoke"}\n');
      lines.length = 0;
      expect(await analyzeRun(runDir, (line) => lines.push(line))).toBe(254);
      expect(lines).toEqual([
        `${join(runDir, "history.jsonl")} line 1 is not a history op: {"index":0,"time":0,"type":"invoke"}`,
      ]);
    },
  );

  test("a folder that is not a run is one line and exit 254", async () => {
    const lines: string[] = [];
    expect(await analyzeRun(join(store, "nothing-here"), (line) => lines.push(line))).toBe(254);
    expect(lines).toEqual([
      `${join(store, "nothing-here")} is not a run folder: it has no test.json (a run of ours) or history.edn (a ` +
        `run of real Maelstrom)`,
    ]);
  });

  test("the CLI analyzes store/latest of the caller's folder by default", async () => {
    const { code, stdout } = await cli(["analyze", "--store", store]);
    expect(code).toBe(1); // the run tampered with above is the latest
    expect(stdout).toContain("Analysis invalid!");
  });
});

describe("maelstrom analyze of a run of ours cut short", () => {
  test("a history.jsonl with fewer ops than results.json counted is refused with exit 254", async () => {
    const run = await runMaelstrom(
      [
        "test",
        "-w",
        "echo",
        "--bin",
        "01-echo/main.ts",
        "--node-count",
        "1",
        "--time-limit",
        "1",
        "--rate",
        "20",
        "--store",
        store,
        "--no-progress",
      ],
      { cwd: repo },
    );
    expect(run.exitCode).toBe(0);
    const historyPath = join(run.runDir!, "history.jsonl");
    const ops = readFileSync(historyPath, "utf8").trim().split("\n");
    writeFileSync(historyPath, `${ops.slice(0, -4).join("\n")}\n`);
    const lines: string[] = [];
    expect(await analyzeRun(run.runDir!, (line) => lines.push(line))).toBe(254);
    expect(lines.at(-1)).toMatch(
      /^history\.jsonl has \d+ completed client ops, but the run's results\.json counted \d+: the history is incomplete/,
    );
  });
});

describe("maelstrom analyze of a history.edn written by real Maelstrom", () => {
  test(
    "a valid broadcast run: options from jepsen.log, net from results.edn, the same stats and workload result " +
      "as Maelstrom's",
    async () => {
      const runDir = join(maelstromRuns(), "broadcast", "20260301T101500.000+0000");
      // This runner could not draw it again from Maelstrom's Fressian journal.
      writeFileSync(join(runDir, "messages.svg"), "<svg>Maelstrom's</svg>");
      const maelstromFiles = snapshot(runDir);
      const lines: string[] = [];
      expect(await analyzeRun(runDir, (line) => lines.push(line))).toBe(0);
      expect(lines[0]).toBe(`Analyzing ${runDir}: 22 ops of broadcast from real Maelstrom's history.edn`);
      expect(lines[1]).toBe(
        "Options: workload broadcast (jepsen.log), 3 nodes (jepsen.log), concurrency 3 (jepsen.log), availability " +
          "not required (default), consistency models strict-serializable (jepsen.log)",
      );
      expect(lines).toContain("Maelstrom's results.edn said valid? true, as this analysis does");
      expect(lines).toContain("Everything looks good! ヽ(‘ー`)ノ");

      // Ours beside Maelstrom's, in a folder of their own; every file of Maelstrom's byte for byte as it was.
      const ours = join(runDir, "reanalysis");
      expect(lines).toContain(
        `Wrote results.json and results.edn into ${ours}; Maelstrom's own files are as they were`,
      );
      expect(snapshot(runDir)).toEqual(maelstromFiles);
      expect(readFileSync(join(runDir, "reanalysis", "results.edn"), "utf8")).toStartWith("{:perf");
      const results = readJson(join(runDir, "reanalysis", "results.json"));
      const maelstrom = plainOf(readEdn(readFileSync(join(runDir, "results.edn"), "utf8"))) as Record<string, unknown>;
      expect(results["valid?"]).toBe(true);
      expect(results.stats).toEqual(maelstrom.stats);
      expect(results.workload).toEqual(maelstrom.workload);
      expect(results.net).toEqual(maelstrom.net);
      expect(results.availability["ok-fraction"]).toBeCloseTo(
        (maelstrom.availability as { "ok-fraction": number })["ok-fraction"],
        6,
      );
      // Grouped by class as Jepsen groups them; the malformed read's datafied exception is kept as its cause and class.
      const [group] = results.exceptions.exceptions;
      const [maelstromGroup] = (maelstrom.exceptions as { exceptions: { count: number; class: string; example: Op }[] })
        .exceptions;
      expect({ count: group.count, class: group.class, index: group.example.index }).toEqual({
        count: maelstromGroup!.count,
        class: maelstromGroup!.class,
        index: maelstromGroup!.example.index,
      });
      expect(group.class).toBe("clojure.lang.ExceptionInfo");
      expect(group.example.exception).toStartWith("Malformed RPC response. Maelstrom sent node n1");
      expect(existsSync(join(runDir, "index.html"))).toBe(false); // a Maelstrom folder gets no report of ours
    },
  );

  test(
    "a lost broadcast value: the workload is needed from the command line, " + "and the value is reported lost",
    async () => {
      const runDir = join(maelstromRuns(), "lost-broadcast");
      const lines: string[] = [];
      expect(await analyzeRun(runDir, (line) => lines.push(line))).toBe(254);
      expect(lines).toEqual([
        `${runDir}: no workload named (no test map in jepsen.log, and the folder is not store/<workload>/<time>); ` +
          `say which with -w NAME`,
      ]);

      const { code, stdout } = await cli(["analyze", runDir, "-w", "broadcast", "--node-count", "2"]);
      expect(code).toBe(1);
      expect(stdout).toContain(
        "Options: workload broadcast (command line), 2 nodes (command line), concurrency 2 (default),",
      );
      expect(stdout).toContain("Analysis invalid!");
      const workload = readJson(join(runDir, "reanalysis", "results.json")).workload;
      expect(workload["valid?"]).toBe(false);
      expect(workload.lost).toEqual([1]);
      expect(workload["stable-count"]).toBe(1);
    },
  );

  test(
    "options from jepsen.log's test map: a read-uncommitted run allows its G1b, and --availability total fails " +
      "on one info",
    async () => {
      const runDir = join(maelstromRuns(), "txn-read-uncommitted");
      const lines: string[] = [];
      expect(await analyzeRun(runDir, (line) => lines.push(line))).toBe(1);
      expect(lines[1]).toBe(
        "Options: workload txn-rw-register (jepsen.log), 1 node (jepsen.log), concurrency 2 (jepsen.log), " +
          "availability total (jepsen.log), consistency models read-uncommitted (jepsen.log)",
      );
      const results = readJson(join(runDir, "reanalysis", "results.json"));
      // Under the defaults (strict-serializable, no availability asked) it would be the other way round.
      expect(results.workload["valid?"]).toBe(true);
      expect(results.availability).toEqual({ "valid?": false, "ok-fraction": 0.75 });

      const { code, stdout } = await cli(["analyze", runDir, "--availability", "0.5"]);
      expect(code).toBe(0);
      expect(stdout).toContain("availability 0.5 (command line), consistency models read-uncommitted (jepsen.log)");
    },
  );

  test(
    "kafka's final polls: history.edn's stale [[:poll]] values are replaced by history.txt's, which Maelstrom's " +
      "checker saw",
    async () => {
      const runDir = join(maelstromRuns(), "kafka-final-polls");
      const lines: string[] = [];
      expect(await analyzeRun(runDir, (line) => lines.push(line))).toBe(0);
      expect(lines[2]).toBe(
        "Values from history.txt for 2 assign, 1 poll (Jepsen < 0.3.6 printed stale values into history.edn; " +
          "history.txt has what Maelstrom's checker saw)",
      );
      expect(readJson(join(runDir, "reanalysis", "results.json")).workload["valid?"]).toBe(true);

      // history.edn alone: the final poll returned nothing, so message 2 of key "5" is unseen.
      rmSync(join(runDir, "history.txt"));
      expect(await analyzeRun(runDir, () => {})).toBe(1);
      const alone = readJson(join(runDir, "reanalysis", "results.json")).workload;
      expect(alone["error-types"]).toEqual(["unseen"]);
      expect(alone.unseen.messages).toEqual({ 5: [2] });

      // A history.txt that is not this history's is said so, and history.edn's values stand.
      writeFileSync(
        join(runDir, "history.txt"),
        '0\t:invoke\t:send\t[[:send "5" 1]]\n3\t:ok\t:send\t[[:send "5" [0 1]]]\n',
      );
      const warned: string[] = [];
      expect(await analyzeRun(runDir, (line) => warned.push(line))).toBe(1);
      expect(warned[2]).toBe(
        "WARN history.txt does not match history.edn (op 1 is not where history.edn has it); " +
          "op values are history.edn's",
      );
    },
  );

  test(
    "lin-kv: each key's result nested under linearizable and timeline, op values bare, as Maelstrom's " +
      "results.edn has them",
    async () => {
      const runDir = join(maelstromRuns(), "lin-kv-stale-read");
      expect(await analyzeRun(runDir, () => {})).toBe(1);
      type Keyed = {
        results: Record<
          string,
          { linearizable: { "valid?": unknown; op?: Op; "previous-ok"?: Op }; timeline: unknown; "valid?": unknown }
        >;
        failures: unknown[];
      };
      const ours = readJson(join(runDir, "reanalysis", "results.json")).workload as Keyed;
      const maelstrom = (plainOf(readEdn(readFileSync(join(runDir, "results.edn"), "utf8"))) as { workload: Keyed })
        .workload;
      expect(ours.failures).toEqual(maelstrom.failures);
      for (const key of ["0", "1"]) {
        expect(ours.results[key]!["valid?"]).toBe(maelstrom.results[key]!["valid?"]);
        expect(ours.results[key]!.linearizable["valid?"]).toBe(maelstrom.results[key]!.linearizable["valid?"]);
        expect(ours.results[key]!.timeline).toEqual(maelstrom.results[key]!.timeline);
      }
      for (const field of ["op", "previous-ok"] as const) {
        const [a, b] = [ours.results["0"]!.linearizable[field]!, maelstrom.results["0"]!.linearizable[field]!];
        expect([a.index, a.f, a.value]).toEqual([b.index, b.f, b.value]);
      }
      expect(ours.results["0"]!.linearizable.op!.value).toBe(4);
    },
  );

  test("a txn G1b is invalid under read-committed and allowed under read-uncommitted", async () => {
    const runDir = join(maelstromRuns(), "txn-g1b");
    const flags = ["-w", "txn-rw-register", "--node-count", "1", "--concurrency", "2n"];
    const committed = await cli(["analyze", runDir, ...flags, "--consistency-models", "read-committed"]);
    expect(committed.code).toBe(1);
    const workload = readJson(join(runDir, "reanalysis", "results.json")).workload;
    expect(workload["anomaly-types"]).toEqual(["G1b"]);
    expect(workload.not).toContain("read-committed");
    const uncommitted = await cli(["analyze", runDir, ...flags, "--consistency-models", "read-uncommitted"]);
    expect(uncommitted.code).toBe(0);
    expect(readJson(join(runDir, "reanalysis", "results.json")).workload["valid?"]).toBe(true);
  });

  test(
    "where Maelstrom's checker crashed or gnuplot was missing, our verdict stands and one line names the " +
      "difference",
    async () => {
      const runDir = join(maelstromRuns(), "kafka-checker-crashed");
      const before = readFileSync(join(runDir, "results.edn"), "utf8");
      const lines: string[] = [];
      expect(await analyzeRun(runDir, (line) => lines.push(line))).toBe(0);
      expect(lines[2]).toBe(
        "Maelstrom's results.edn said valid? unknown; this analysis says true, and keeps its own verdict: " +
          "perf unknown there (java.lang.IllegalStateException: Error rendering plot, verify gnuplot is installed " +
          "and reachable), true here; " +
          "workload unknown there (java.util.concurrent.ExecutionException: java.lang.IndexOutOfBoundsException), " +
          "true here",
      );
      expect(readJson(join(runDir, "reanalysis", "results.json"))["valid?"]).toBe(true);
      // Maelstrom's own results.edn is its record of what it said: analyze leaves it as it was.
      expect(readFileSync(join(runDir, "results.edn"), "utf8")).toBe(before);
      expect(await analyzeRun(runDir, (line) => lines.push(line))).toBe(0);
      expect(lines.filter((line) => line.startsWith("Maelstrom's results.edn said valid? unknown;"))).toHaveLength(2);
    },
  );

  test("an echo that timed out is no echo error, as in Maelstrom's results.edn", async () => {
    const runDir = join(maelstromRuns(), "echo-timeout");
    const lines: string[] = [];
    expect(await analyzeRun(runDir, (line) => lines.push(line))).toBe(0);
    expect(lines[2]).toBe("Maelstrom's results.edn said valid? true, as this analysis does");
    const maelstrom = plainOf(readEdn(readFileSync(join(runDir, "results.edn"), "utf8"))) as Record<string, unknown>;
    expect(readJson(join(runDir, "reanalysis", "results.json")).workload).toEqual(maelstrom.workload);
  });

  test("a history that is not the workload's is refused with exit 254, naming the workloads it fits", async () => {
    const runDir = join(maelstromRuns(), "broadcast", "20260301T101500.000+0000");
    const { code, stdout } = await cli(["analyze", runDir, "-w", "lin-kv"]);
    expect(code).toBe(254);
    expect(stdout.trim().split("\n").at(-1)).toBe(
      "history.edn is not a lin-kv history: it has ops lin-kv never issues (broadcast ×6); its ops fit broadcast. " +
        "Say which workload with -w NAME",
    );
    expect(existsSync(join(runDir, "reanalysis", "results.json"))).toBe(false); // nothing was overwritten
    const txn = await cli(["analyze", join(maelstromRuns(), "txn-g1b"), "-w", "txn-list-append", "--node-count", "1"]);
    expect(txn.code).toBe(254);
    expect(txn.stdout).toContain(
      "it has ops txn-list-append never issues (txn [w] ×2, txn [r w] ×2); its ops fit txn-rw-register.",
    );
  });

  test("a history with fewer ops than the run's own results counted is refused, never passed", async () => {
    const runDir = join(maelstromRuns(), "broadcast", "20260301T101500.000+0000");
    const edn = readFileSync(join(runDir, "history.edn"), "utf8").trim().split("\n");
    // Cut short, as a copy interrupted midway
    writeFileSync(join(runDir, "history.edn"), `${edn.slice(0, 10).join("\n")}\n`);
    const lines: string[] = [];
    expect(await analyzeRun(runDir, (line) => lines.push(line))).toBe(254);
    expect(lines.at(-1)).toBe(
      "history.edn has 4 completed client ops, but the run's results.edn counted 9: the history is incomplete, and " +
        "what is missing could hold the failure, so it is not checked",
    );
    expect(existsSync(join(runDir, "reanalysis", "results.json"))).toBe(false);
  });

  test(
    "the explanation of a real Maelstrom folder points at its history.edn, " + "not a history.jsonl it does not have",
    async () => {
      const runDir = join(maelstromRuns(), "lost-broadcast");
      const { code, stdout } = await cli(["analyze", runDir, "-w", "broadcast", "--node-count", "2"]);
      expect(code).toBe(1);
      expect(stdout).toContain(
        "  - 1: acknowledged at 0.15 s; last returned by a read at 0.31 s; 3 reads after that missed it, the last at " +
          "10.51 s (a final read)",
      );
      expect(stdout).toMatch(
        /\nRun folder: \S*lost-broadcast \(history\.edn, jepsen\.log; this analysis in results\.json and results\.edn\)\n/,
      );
      expect(stdout).not.toContain("history.jsonl");
      expect(stdout).not.toContain("maelstrom serve");
    },
  );

  test("malformed EDN or a form that is no op is one line naming the file and place, and exit 254", async () => {
    const runDir = join(store, "broken-edn");
    mkdirSync(runDir, { recursive: true });
    writeFileSync(
      join(runDir, "history.edn"),
      '{:index 0, :time 1, :type :invoke, :process 0, :f :echo, :value "x"}\n{:index 1, :time 2, :type :ok\n',
    );
    const lines: string[] = [];
    expect(
      await analyzeRun(runDir, (line) => lines.push(line), { given: { workload: "echo" }, names: ["--workload"] }),
    ).toBe(254);
    expect(lines).toEqual([
      `${join(runDir, "history.edn")}: EDN error at line 2, column 1: "{" opened here is never closed`,
    ]);

    writeFileSync(join(runDir, "history.edn"), "{:index 0, :time 1, :type :maybe, :process 0, :f :echo}\n");
    const { code, stdout } = await cli(["analyze", runDir, "-w", "echo"]);
    expect(code).toBe(254);
    expect(stdout.trim()).toBe(
      `${join(runDir, "history.edn")}: op 0 has :type "maybe", not one of invoke, ok, fail, info`,
    );
  });
});

/** Makes a folder (and its parents) and returns it. */
function mkdirp(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}

describe("analyze never destroys what it cannot rebuild", async () => {
  const echo = ["-w", "echo", "--bin", "01-echo/main.ts", "--node-count", "1", "--time-limit", "1", "--rate", "20"];
  const run = await runMaelstrom(["test", ...echo, "--store", join(store, "intact"), "--no-progress"], { cwd: repo });
  /** A copy of the run, to break one file of. */
  const copyOfRun = (): string => {
    const runDir = mkdtempSync(join(store, "copy-"));
    cpSync(run.runDir!, runDir, { recursive: true });
    return runDir;
  };

  const fullDisk = existsSync("/dev/full");
  test.skipIf(!fullDisk)("a full disk while writing results.json leaves the old one whole: one line, 255", async () => {
    const runDir = copyOfRun();
    const before = readFileSync(join(runDir, "results.json"), "utf8");
    symlinkSync("/dev/full", join(runDir, `results.json.${process.pid}.partial`)); // where the new one is written first
    const lines: string[] = [];
    expect(await analyzeRun(runDir, (line) => lines.push(line))).toBe(255);
    const results = join(runDir, "results.json");
    expect(lines.at(-1)).toBe(`ERROR: cannot write ${results}: no space left on the disk (ENOSPC)`);
    expect(readFileSync(join(runDir, "results.json"), "utf8")).toBe(before);
    expect(readdirSync(runDir).filter((name) => name.endsWith(".partial"))).toEqual([]);
  });

  /** A file broken one way: what it then holds (given what it held), and how the one line starts. */
  const broken: { file: string; how: string; text: (old: string) => string; says: string }[] = [
    { file: "test.json", how: "not JSON", text: () => '{"workload": "echo",', says: "is not JSON: " },
    { file: "test.json", how: "not an object", text: () => "[]", says: "not an object" },
    { file: "results.json", how: "cut short", text: () => '{"valid?": tr', says: "is not JSON: " },
    { file: "history.jsonl", how: "a cut line", text: (old) => old.replace(/[^\n]*\n$/, '{"ty\n'), says: "line " },
    { file: "history.jsonl", how: "a line that is no op", text: () => "42\n", says: "line 1 is not a history op" },
  ];
  for (const { file, how, text, says } of broken) {
    test(`${file} ${how} is one line naming the file, exit 254`, async () => {
      const path = join(copyOfRun(), file);
      writeFileSync(path, text(readFileSync(path, "utf8")));
      const lines: string[] = [];
      expect(await analyzeRun(join(path, ".."), (line) => lines.push(line))).toBe(254);
      expect(lines.length).toBe(1);
      expect(lines[0]).toStartWith(path);
      expect(lines[0]).toContain(says);
    });
  }

  test("EDN nested 200,000 deep in a Maelstrom history is one line and 254 from the CLI, no stack trace", async () => {
    const runDir = mkdtempSync(join(store, "deep-edn-"));
    const deep = `${"[".repeat(200_000)}${"]".repeat(200_000)}`;
    writeFileSync(join(runDir, "history.edn"), `{:index 0, :time 1, :type :invoke, :process 0, :value ${deep}}\n`);
    const { code, stdout, stderr } = await cli(["analyze", runDir, "-w", "echo"]);
    expect(code).toBe(254);
    const history = join(runDir, "history.edn");
    expect(stdout).toBe(`${history}: EDN error at line 1, column 1054: forms nested more than 1000 deep\n`);
    expect(stderr).toBe("");
  });
});

describe("the console's table of nemesis events", () => {
  test("a run under kill, pause and partition lists the first ten events in order, then how many more", async () => {
    const bin = join(repo, "maelstrom-lib/harness/testdata/g-set-crdt.ts");
    const argv = ["test", "-w", "g-set", "--bin", bin, "--node-count", "3", "--time-limit", "3", "--rate", "20"];
    const faults = ["--nemesis", "kill,pause,partition", "--nemesis-interval", "0.3", "--seed", "1"];
    const run = await runMaelstrom([...argv, ...faults, "--sim", "--store", store, "--no-progress"]);
    const lines = readFileSync(join(run.runDir!, "history.jsonl"), "utf8").trim().split("\n");
    const nemesisOps = lines.map((line) => JSON.parse(line) as Op).filter((op) => op.process === "nemesis");
    const invocations = nemesisOps.filter((_, i) => i % 2 === 0);
    const heading = run.output.indexOf(`nemesis: ${invocations.length} events (seconds since the start):`);
    expect(heading).toBeGreaterThan(run.output.findIndex((line) => line.startsWith("msgs-per-op:")));
    const rows = run.output.slice(heading + 1, heading + 11);
    const seconds = (op: Op) => Number((op.time / 1e9).toFixed(2));
    expect(rows.map((row) => Number(/^ *([\d.]+) s /.exec(row)?.[1]))).toEqual(invocations.slice(0, 10).map(seconds));
    // Seed 1's first ops: n2 cut off, every node killed, then restarted.
    expect(rows.slice(0, 3).map((row) => row.replace(/^ *[\d.]+ s +/, ""))).toEqual([
      "partition  cut n2 off from n0 n1 (one)",
      "kill       killed n0 n1 n2 (all)",
      "kill       restarted n0 n1 n2",
    ]);
    expect(run.output[heading + 11]).toBe(`  … and ${invocations.length - 10} more on the report page`);
  });

  test("analyze prints the table of a folder real Maelstrom wrote", async () => {
    const runDir = join(maelstromRuns(), "broadcast", "20260301T101500.000+0000");
    const lines: string[] = [];
    expect(await analyzeRun(runDir, (line) => lines.push(line))).toBe(0);
    const heading = lines.indexOf("nemesis: 2 events (seconds since the start):");
    expect(lines.slice(heading, heading + 3)).toEqual([
      "nemesis: 2 events (seconds since the start):",
      "   0.29 s  partition  cut n2 off from n0 n1 (majority)",
      "  10.29 s  partition  healed the network",
    ]);
  });
});
