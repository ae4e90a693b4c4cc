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

/** A test-local EDN printer of our JSON-shaped values, as Jepsen's `prn` would print them: strings that could be keywords sometimes are. */
function ednOf(value: unknown, rng: Rng): string {
  if (value === null || value === undefined) return "nil";
  if (typeof value === "boolean" || typeof value === "number") return String(value);
  if (JSON.isRawJSON(value)) return value.rawJSON;
  if (typeof value === "string") return /^[a-z][a-z0-9-]*$/.test(value) && rng.chance(0.5) ? `:${value}` : JSON.stringify(value);
  if (Array.isArray(value)) return rng.chance(0.2) ? `(${value.map((v) => ednOf(v, rng)).join(" ")})` : `[${value.map((v) => ednOf(v, rng)).join(" ")}]`;
  return `{${Object.entries(value as object).map(([k, v]) => `${JSON.stringify(k)} ${ednOf(v, rng)}`).join(", ")}}`;
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
      return JSON.rawJSON(`${rng.chance(0.5) ? "-" : ""}9${rng.int(100000000, 999999999)}${rng.int(100000000, 999999999)}`);
    case 4:
      return rng.float() * 2000 - 1000;
    case 5:
      return rng.pick(["r", "w", "append", "send", "poll", "Please echo 7", 'quote " and \\ back', "tab\tnew\nline", "é ü 雪", ""]);
    case 6:
    case 7:
      return Array.from({ length: rng.int(0, 4) }, () => randomValue(rng, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: rng.int(0, 3) }, (_, i) => [`k${i}-${rng.int(0, 9)}`, randomValue(rng, depth + 1)]));
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
      ["test", "-w", "echo", "--bin", "01-echo/main.ts", "--node-count", "1", "--time-limit", "1", "--rate", "20", "--store", store, "--no-progress"],
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
    const ops = readFileSync(historyPath, "utf8").trim().split("\n").map((line) => JSON.parse(line) as Op);
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

  test("a folder that is not a run is one line and exit 254", async () => {
    const lines: string[] = [];
    expect(await analyzeRun(join(store, "nothing-here"), (line) => lines.push(line))).toBe(254);
    expect(lines).toEqual([`${join(store, "nothing-here")} is not a run folder: it has no test.json (a run of ours) or history.edn (a run of real Maelstrom)`]);
  });

  test("the CLI analyzes store/latest of the caller's folder by default", async () => {
    const { code, stdout } = await cli(["analyze", "--store", store]);
    expect(code).toBe(1); // the run tampered with above is the latest
    expect(stdout).toContain("Analysis invalid!");
  });
});

describe("maelstrom analyze of a history.edn written by real Maelstrom", () => {
  test("a valid broadcast run: options from jepsen.log, net from results.edn, the same stats and workload result as Maelstrom's", async () => {
    const runDir = join(maelstromRuns(), "broadcast", "20260301T101500.000+0000");
    // This runner could not draw it again from Maelstrom's Fressian journal.
    writeFileSync(join(runDir, "messages.svg"), "<svg>Maelstrom's</svg>");
    const maelstromFiles = snapshot(runDir);
    const lines: string[] = [];
    expect(await analyzeRun(runDir, (line) => lines.push(line))).toBe(0);
    expect(lines[0]).toBe(`Analyzing ${runDir}: 22 ops of broadcast from real Maelstrom's history.edn`);
    expect(lines[1]).toBe("Options: workload broadcast, 3 nodes, concurrency 3, availability not required, consistency models strict-serializable; from jepsen.log, Maelstrom's defaults");
    expect(lines).toContain("Maelstrom's results.edn said valid? true");
    expect(lines).toContain("Everything looks good! ヽ(‘ー`)ノ");

    // Ours beside Maelstrom's, in a folder of their own; every file of Maelstrom's byte for byte as it was.
    const ours = join(runDir, "reanalysis");
    expect(lines).toContain(`Wrote results.json and results.edn into ${ours}; Maelstrom's own files are as they were`);
    expect(snapshot(runDir)).toEqual(maelstromFiles);
    expect(readFileSync(join(runDir, "reanalysis", "results.edn"), "utf8")).toStartWith("{:perf");
    const results = readJson(join(runDir, "reanalysis", "results.json"));
    const maelstrom = plainOf(readEdn(readFileSync(join(runDir, "results.edn"), "utf8"))) as Record<string, unknown>;
    expect(results["valid?"]).toBe(true);
    expect(results.stats).toEqual(maelstrom.stats);
    expect(results.workload).toEqual(maelstrom.workload);
    expect(results.net).toEqual(maelstrom.net);
    expect(results.availability["ok-fraction"]).toBeCloseTo((maelstrom.availability as { "ok-fraction": number })["ok-fraction"], 6);
    // The malformed read's datafied exception is kept as its cause.
    expect(results.exceptions.count).toBe(1);
    expect(results.exceptions.exceptions[0].exception).toStartWith("Malformed RPC response. Maelstrom sent node n1");
    expect(existsSync(join(runDir, "index.html"))).toBe(false); // a Maelstrom folder gets no report of ours
  });

  test("a lost broadcast value: the workload is needed from the command line, and the value is reported lost", async () => {
    const runDir = join(maelstromRuns(), "lost-broadcast");
    const lines: string[] = [];
    expect(await analyzeRun(runDir, (line) => lines.push(line))).toBe(254);
    expect(lines).toEqual([`${runDir}: no workload named (no jepsen.log, and the folder is not store/<workload>/<time>); say which with -w NAME`]);

    const { code, stdout } = await cli(["analyze", runDir, "-w", "broadcast", "--node-count", "2"]);
    expect(code).toBe(1);
    expect(stdout).toContain("Options: workload broadcast, 2 nodes, concurrency 2,");
    expect(stdout).toContain("from the command line (--workload --node-count), Maelstrom's defaults");
    expect(stdout).toContain("Analysis invalid!");
    const workload = readJson(join(runDir, "reanalysis", "results.json")).workload;
    expect(workload["valid?"]).toBe(false);
    expect(workload.lost).toEqual([1]);
    expect(workload["stable-count"]).toBe(1);
  });

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

  test("malformed EDN or a form that is no op is one line naming the file and place, and exit 254", async () => {
    const runDir = join(store, "broken-edn");
    mkdirSync(runDir, { recursive: true });
    writeFileSync(join(runDir, "history.edn"), '{:index 0, :time 1, :type :invoke, :process 0, :f :echo, :value "x"}\n{:index 1, :time 2, :type :ok\n');
    const lines: string[] = [];
    expect(await analyzeRun(runDir, (line) => lines.push(line), { given: { workload: "echo" }, names: ["--workload"] })).toBe(254);
    expect(lines).toEqual([`${join(runDir, "history.edn")}: EDN error at line 2, column 1: "{" opened here is never closed`]);

    writeFileSync(join(runDir, "history.edn"), "{:index 0, :time 1, :type :maybe, :process 0, :f :echo}\n");
    const { code, stdout } = await cli(["analyze", runDir, "-w", "echo"]);
    expect(code).toBe(254);
    expect(stdout.trim()).toBe(`${join(runDir, "history.edn")}: op 0 has :type "maybe", not one of invoke, ok, fail, info`);
  });
});

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
    { file: "test.json", how: "not JSON", text: () => '{"workload": "echo",', says: "is not valid JSON: " },
    { file: "test.json", how: "not an object", text: () => "[]", says: "holds no JSON object" },
    { file: "results.json", how: "cut short", text: () => '{"valid?": tr', says: "is not valid JSON: " },
    { file: "history.jsonl", how: "a cut line", text: (old) => old.replace(/[^\n]*\n$/, '{"ty\n'), says: "line " },
    { file: "history.jsonl", how: "a line that is no op", text: () => "42\n", says: "line 1 is not an op" },
  ];
  for (const { file, how, text, says } of broken) {
    test(`${file} ${how} is one line naming the file, exit 254`, async () => {
      const path = join(copyOfRun(), file);
      writeFileSync(path, text(readFileSync(path, "utf8")));
      const lines: string[] = [];
      expect(await analyzeRun(join(path, ".."), (line) => lines.push(line))).toBe(254);
      expect(lines.length).toBe(1);
      expect(lines[0]).toStartWith(`${path} ${says}`);
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
