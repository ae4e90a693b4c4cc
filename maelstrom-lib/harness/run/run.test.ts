/**
 * The runner judging nodes as Maelstrom would: broken nodes on purpose and protocol violations
 * under the simulation; and on real node processes, what only they show: crashes and their
 * last output, silent nodes, stdout framing, latency as the journal sees it, overload and
 * interruption.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, readlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readJsonl, repo, runAtRepoRoot, testdata } from "../testdata/test-runs.ts";
import { workloadResult } from "../contracts/results.ts";
import { checkUniqueIds } from "../workloads/unique-ids.ts";
import type { JournalEvent } from "../contracts/journal.ts";

const run = runAtRepoRoot;
/** The simulation, with a seed: for the verdicts that do not depend on how the nodes are hosted. */
const SIM = ["--sim", "--seed", "1"];

describe("runner verdicts on simulated nodes", () => {
  test("an echo reply with an extra key is malformed, so the run is invalid (exit 1)", async () => {
    const outcome = await run(
      "-w",
      "echo",
      "--bin",
      `${testdata}/echo-extra-key.ts`,
      "--node-count",
      "1",
      "--time-limit",
      "2",
      ...SIM,
    );
    expect(outcome.exitCode).toBe(1);
    const results = outcome.results!;
    // Every echo ends :info (malformed-rpc-response), which Maelstrom's echo checker skips; the
    // stats checker fails the run, as no echo completed ok.
    expect(results.workload?.["valid?"]).toBe(true);
    expect(results.stats?.["valid?"]).toBe(false);
    expect(JSON.stringify(results.exceptions)).toContain('disallowed key \\"note\\"');
    expect(results.exceptions?.exceptions?.map((group) => group.class)).toEqual(["clojure.lang.ExceptionInfo"]);
    // Maelstrom's name and its explanation: the request, the form expected, what came, and why.
    const history = readJsonl<{ type: string; error?: string; exception?: string }>(
      join(outcome.runDir!, "history.jsonl"),
    );
    const malformed = history.find((op) => op.error === "malformed-rpc-response")!;
    expect(malformed.type).toBe("info");
    expect(malformed.exception).toContain("Maelstrom sent node n0 the following request:");
    expect(malformed.exception).toMatch(/"type":"echo","echo":"[^"]+","msg_id":\d+/);
    expect(malformed.exception).toContain(
      'And expected a response of the form:\n\n{"type": (eq "echo_ok"),\n "echo": Any',
    );
    expect(malformed.exception).toContain("... but instead received\n\n{");
    expect(malformed.exception).toContain('This is malformed because:\n\ndisallowed key "note"');
    const text = outcome.output.join("\n");
    expect(text).toMatch(/WARN malformed-rpc-response: \d+ repl(y|ies) broke the reply schema/);
    expect(text).toContain("Maelstrom sent node n0 the following request:");
  });

  test("colliding unique ids are invalid, with the duplicates listed", async () => {
    const outcome = await run(
      "-w",
      "unique-ids",
      "--bin",
      `${testdata}/unique-ids-counter.ts`,
      "--node-count",
      "3",
      "--time-limit",
      "2",
      "--rate",
      "50",
      ...SIM,
    );
    expect(outcome.exitCode).toBe(1);
    const workload = workloadResult(outcome.results, checkUniqueIds);
    expect(workload["duplicated-count"]).toBeGreaterThan(0);
    expect(Object.keys(workload.duplicated)).toContain("0");
  });

  test("a reply to a client that has gone is a protocol violation, reported, and the node's later output is " +
    "dropped", async () => {
    const outcome = await run(
      "-w",
      "echo",
      "--bin",
      `${testdata}/late-reply.ts`,
      "--node-count",
      "1",
      "--time-limit",
      "8",
      "--rate",
      "2",
      ...SIM,
    );
    // Later echoes time out (:info); Maelstrom's echo checker does not count those, so the run is
    // valid there and here: the violation is reported apart.
    expect(outcome.exitCode).toBe(0);
    const violations = outcome.results!.errors!["protocol-violations"]!;
    expect(violations[0]!.node).toBe("n0");
    expect(violations[0]!.type).toBe("invalid-dest");
    expect(violations[0]!.reason).toContain("unknown dest");
    const said = /WARN protocol violation by n0 at [\d.]+ s \(invalid-dest\): its output is ignored from here on/;
    expect(outcome.output.join("\n")).toMatch(said);
  }, 30_000);

  test("results.json, history.jsonl and test.json are written with Maelstrom's key names", async () => {
    const outcome = await run(
      "-w",
      "echo",
      "--bin",
      "01-echo/main.ts",
      "--node-count",
      "1",
      "--time-limit",
      "2",
      "--seed",
      "42",
      "--sim",
    );
    expect(outcome.exitCode).toBe(0);
    const results = JSON.parse(readFileSync(join(outcome.runDir!, "results.json"), "utf8"));
    expect(results["valid?"]).toBe(true);
    expect(Object.keys(results)).toEqual(
      expect.arrayContaining(["perf", "timeline", "exceptions", "stats", "availability", "net", "workload", "runner"]),
    );
    expect(results.runner.seed).toBe(42);
    const history = readJsonl<{ type: string; process: number }>(join(outcome.runDir!, "history.jsonl"));
    expect(history.filter((op) => op.type === "invoke").length).toBe(results.stats.count);
    // init_ok + init counted: all msgs-per-op = (2 per op + 2) / ops
    expect(results.net.all["msg-count"]).toBe(2 * results.stats.count + 2);
  });
});

describe("runner verdicts on real node processes: exits, init, stdout, timing", () => {
  // The first four mostly wait on their nodes, so they run at once; the latency test runs alone.
  test.concurrent("a node that exits ends the run with 255, naming the node, its status and last output", async () => {
    const outcome = await run(
      "-w",
      "echo",
      "--bin",
      `${testdata}/exits-early.ts`,
      "--node-count",
      "1",
      "--time-limit",
      "10",
      "--rate",
      "20",
    );
    expect(outcome.exitCode).toBe(255);
    const text = outcome.output.join("\n");
    expect(text).toContain("ERROR: node-crashed: Node n0 crashed with exit status 3");
    expect(text).toContain("giving up after three echoes");
    const results = outcome.results!;
    expect(results["abort-type"]).toBe("node-crashed");
    expect(results.aborted).toBe("node-crashed: Node n0 crashed with exit status 3");
    expect(results.errors!.crashes![0]).toMatchObject({ type: "node-crashed", node: "n0" });
  });

  test.concurrent("a node that never answers init ends the run with 255 after about 10 s", async () => {
    const startedMs = performance.now();
    const outcome = await run(
      "-w",
      "echo",
      "--bin",
      `${testdata}/never-inits.ts`,
      "--node-count",
      "2",
      "--time-limit",
      "5",
    );
    const elapsedMs = performance.now() - startedMs;
    expect(outcome.exitCode).toBe(255);
    expect(outcome.output.join("\n")).toMatch(
      /ERROR: init-failed: Expected node n[01] to respond to an init message, but node did not respond \(no init_ok within 10 s\)/,
    );
    expect(outcome.output.join("\n")).toContain("listening, but not answering");
    expect(outcome.results!["abort-type"]).toBe("init-failed");
    expect(elapsedMs).toBeGreaterThan(9_000);
    expect(elapsedMs).toBeLessThan(20_000);
  }, 30_000);

  test.concurrent("a log line on stdout before init fails init at once, quoting the line and saying to log to " +
    "stderr", async () => {
    const startedMs = performance.now();
    const outcome = await run(
      "-w",
      "echo",
      "--bin",
      `${testdata}/stdout-before-init.ts`,
      "--node-count",
      "2",
      "--time-limit",
      "5",
    );
    expect(performance.now() - startedMs).toBeLessThan(8_000); // not the 10 s init timeout
    expect(outcome.exitCode).toBe(255);
    expect(outcome.results!["abort-type"]).toBe("init-failed");
    const text = outcome.output.join("\n");
    expect(text).toMatch(/ERROR: init-failed: Node n[01] broke the protocol before answering init/);
    expect(text).toContain("non-protocol text on stdout");
    expect(text).toContain("line: starting echo node");
    expect(text).toContain("log to stderr instead (node.log(...) in maelstrom-lib, console.error(...)");
    expect(text).toContain("print(..., file=sys.stderr) in Python");
  }, 30_000);

  test.concurrent("a debug line on stdout later is named as the reason for the missing ops, not the " +
    "machine", async () => {
    const outcome = await run(
      "-w",
      "echo",
      "--bin",
      `${testdata}/stdout-debug-line.ts`,
      "--node-count",
      "1",
      "--time-limit",
      "4",
      "--rate",
      "10",
    );
    const violations = outcome.results!.errors!["protocol-violations"];
    expect(violations).toEqual([expect.objectContaining({ type: "line-not-valid-json", line: "got echo 3" })]);
    // The violation explains the missing ops; no runner warning blames the machine or --concurrency.
    expect(outcome.results!.runner!.warnings).toEqual([]);
    const text = outcome.output.join("\n");
    expect(text.match(/got echo 3/g)).toHaveLength(1); // the line is quoted once, at the end
  }, 30_000);

  test("a reply without in_reply_to is named as why it timed out: console, results, page, diagram", async () => {
    const bin = `${testdata}/unmatched-reply.ts`;
    const outcome = await run("-w", "echo", "--bin", bin, "--node-count", "1", "--time-limit", "2", "--rate", "5");
    expect(outcome.exitCode).toBe(1);
    const results = outcome.results!;
    const history = readJsonl<{ index: number; type: string; error?: string }>(join(outcome.runDir!, "history.jsonl"));
    const timedOut = history.find((op) => op.type === "info")!;
    expect(timedOut.error).toBe("net-timeout"); // Maelstrom's verdict; only the words change
    const unmatched = results.errors!["unmatched-replies"]!;
    const first = unmatched.examples[0]!;
    expect(first).toMatchObject({ node: "n0", type: "echo_ok", op: timedOut.index, "awaited-msg-id": 1 });
    expect(first.text).toMatch(
      /^n0 sent c\d+ an echo_ok with no in_reply_to; the client cannot match it to its request/,
    );
    const text = outcome.output.join("\n");
    expect(text).toContain(`WARN ${first.text}`);
    expect(text).toContain(`  - op ${timedOut.index}: ${first.text}`);
    expect(text).not.toContain("--concurrency"); // the nodes did answer: no worker or rate advice
    expect(results.runner!.warnings).toEqual([]);
    const page = readFileSync(join(outcome.runDir!, "index.html"), "utf8");
    expect(page).toContain(`<b>unmatched replies</b>`);
    expect(page).toContain(`href="messages.svg#m${first.message}"`);
    const svg = readFileSync(join(outcome.runDir!, "messages.svg"), "utf8");
    expect(svg).toMatch(new RegExp(`<g class="msg" id="m${first.message}"[^]*?echo_ok ⚠ no in_reply_to`));
  }, 30_000);

  test("an init_ok without in_reply_to is named above the init failure and in its explanation", async () => {
    const bin = `${testdata}/unmatched-reply.ts`;
    const outcome = await run("-w", "echo", "--bin", bin, "--node-count", "1", "--time-limit", "2", "init");
    expect(outcome.exitCode).toBe(255);
    const said = "n0 sent c0 an init_ok with no in_reply_to; the client cannot match it to its request";
    const warnAt = outcome.output.findIndex((line) => line.startsWith(`WARN ${said}`));
    const errorAt = outcome.output.findIndex((line) => line.startsWith("ERROR: init-failed"));
    expect(warnAt).toBeGreaterThanOrEqual(0);
    expect(warnAt).toBeLessThan(errorAt);
    const whyAt = outcome.output.findIndex((line) => line.startsWith("Why (init-failed)"));
    expect(outcome.output[whyAt + 1]).toStartWith("Unmatched replies: 1 reply reached a client that could not match");
    expect(outcome.output[whyAt + 2]).toStartWith(`  - ${said}`);
  }, 30_000);

  test("constant latency is honoured within a few milliseconds on node↔service links", async () => {
    const outcome = await run(
      "-w",
      "echo",
      "--bin",
      `${testdata}/tso-echo.ts`,
      "--node-count",
      "2",
      "--time-limit",
      "3",
      "--rate",
      "20",
      "--latency",
      "50",
    );
    expect(outcome.exitCode).toBe(0);
    const journal = readJsonl<JournalEvent>(join(outcome.runDir!, "net-journal.jsonl"));
    const sentAt = new Map<number, number>();
    const delays: number[] = [];
    for (const event of journal) {
      if (event.type === "send") sentAt.set(event.id, event.time);
      else if (!event.src.startsWith("c") && !event.dest.startsWith("c"))
        delays.push((event.time - sentAt.get(event.id)!) / 1e6);
    }
    expect(delays.length).toBeGreaterThan(20);
    for (const delayMs of delays) expect(delayMs).toBeGreaterThanOrEqual(50); // never early
    // Within a few ms as a rule; a loaded shared machine may stall the odd delivery, so the
    // median is judged, not the maximum (the runner section reports the stalls).
    const sorted = [...delays].sort((a, b) => a - b);
    expect(sorted[Math.floor(sorted.length / 2)]!).toBeLessThan(50 + 5);
    expect(outcome.results!.net!.servers["msg-count"]).toBe(delays.length); // nothing dropped without a nemesis
  });
});

describe("runner health", () => {
  test("a node that floods the runner makes deliveries late, and the verdict warns of overload", async () => {
    const outcome = await run(
      "-w",
      "echo",
      "--bin",
      `${testdata}/flood-peer.ts`,
      "--node-count",
      "2",
      "--time-limit",
      "3",
      "--rate",
      "3",
      "--latency",
      "5",
    );
    const runner = outcome.results!.runner!;
    expect(runner["lateness-ms"].p99).toBeGreaterThan(10);
    expect(runner.warnings.join("\n")).toContain("machine was overloaded");
    expect(outcome.output.join("\n")).toContain("WARN runner: deliveries ran late");
  }, 60_000);

  test("a normal run carries no overload warning", async () => {
    const outcome = await run(
      "-w",
      "echo",
      "--bin",
      "01-echo/main.ts",
      "--node-count",
      "2",
      "--time-limit",
      "3",
      "--rate",
      "100",
    );
    expect(outcome.exitCode).toBe(0);
    expect(outcome.results!.runner!.warnings).toEqual([]);
    expect(outcome.output.join("\n")).not.toContain("WARN runner");
  });
});

/** True while a process with this id exists (kill with signal 0 only checks). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("interruptions (a real runner process)", () => {
  test("SIGINT stops the run, kills every node, and store/latest moves only once results exist", async () => {
    const dir = mkdtempSync(join(tmpdir(), "interrupt-"));
    const pidFile = join(dir, "pids");
    const storeDir = join(dir, "store");
    const runner = Bun.spawn(
      [
        "bun",
        "maelstrom-lib/harness/cli/main.ts",
        "test",
        "-w",
        "echo",
        "--bin",
        `${testdata}/pid-echo.ts`,
        "--node-count",
        "3",
        "--time-limit",
        "60",
        "--rate",
        "5",
        "--store",
        storeDir,
        "--no-progress",
        pidFile,
      ],
      { cwd: repo, stdout: "pipe", stderr: "pipe" },
    );
    const pids = () =>
      existsSync(pidFile) ? readFileSync(pidFile, "utf8").trim().split("\n").filter(Boolean).map(Number) : [];
    const deadline = performance.now() + 15_000;
    while (pids().length < 3 && performance.now() < deadline) await Bun.sleep(50);
    expect(pids().length).toBe(3);
    await Bun.sleep(500); // into the main phase
    expect(existsSync(join(storeDir, "current"))).toBe(true);
    expect(existsSync(join(storeDir, "latest"))).toBe(false); // no results yet
    runner.kill("SIGINT");
    const exitCode = await runner.exited;
    const stdout = await new Response(runner.stdout).text();
    expect(exitCode).toBe(130);
    expect(stdout).toContain("SIGINT: interrupted; stopping the run and killing every node");
    expect(stdout).toContain("ERROR: interrupted: Interrupted by SIGINT");
    for (let i = 0; i < 40 && pids().some(isAlive); i++) await Bun.sleep(50);
    expect(pids().filter(isAlive)).toEqual([]);
    const runDir = join(storeDir, "echo", readlinkSync(join(storeDir, "echo", "latest")));
    const results = JSON.parse(readFileSync(join(runDir, "results.json"), "utf8"));
    expect(results["abort-type"]).toBe("interrupted");
    expect(readlinkSync(join(storeDir, "latest"))).toBe(readlinkSync(join(storeDir, "current")));
  }, 40_000);
});

/** Runs `body` with PYTHONUNBUFFERED as given (undefined: unset), which the nodes inherit, then restores it. */
async function withPythonUnbuffered<T>(value: string | undefined, body: () => Promise<T>): Promise<T> {
  const saved = process.env.PYTHONUNBUFFERED;
  if (value === undefined) delete process.env.PYTHONUNBUFFERED;
  else process.env.PYTHONUNBUFFERED = value;
  try {
    return await body();
  } finally {
    if (saved === undefined) delete process.env.PYTHONUNBUFFERED;
    else process.env.PYTHONUNBUFFERED = saved;
  }
}

describe("a node that never answers is told what it was not answering", () => {
  test("a Python print without flush: init fails with nothing on stdout, and the hint says how to flush", async () => {
    const outcome = await withPythonUnbuffered(undefined, () =>
      run("-w", "echo", "--bin", `${testdata}/unflushed-echo.py`, "--node-count", "1", "--time-limit", "2"),
    );
    expect(outcome.exitCode).toBe(255);
    expect(outcome.results!["abort-type"]).toBe("init-failed");
    const text = outcome.output.join("\n");
    expect(text).toContain("to respond to an init message, but node did not respond (no init_ok within 10 s)");
    expect(text).toContain("Nothing at all came on its stdout. If it did write a reply, the reply may be sitting");
    expect(text).toContain("Python: print(..., flush=True)");
    for (const language of ["Go:", "Rust:", "Ruby:", "JS:"]) expect(text).toContain(language);
    expect(text).toContain("last stdout lines:\n    (nothing)");
  }, 30_000);

  test("the same Python node with its output unbuffered passes: the buffer was the only fault", async () => {
    const outcome = await withPythonUnbuffered("1", () =>
      run("-w", "echo", "--bin", `${testdata}/unflushed-echo.py`, "--node-count", "1", "--time-limit", "2"),
    );
    expect(outcome.exitCode).toBe(0);
    expect(outcome.output.join("\n")).not.toContain("Nothing at all came on its stdout");
  }, 30_000);

  test("a node that never answers topology is told the request and the reply expected", async () => {
    const bin = `${testdata}/ignores-topology.ts`;
    const outcome = await run("-w", "broadcast", "--bin", bin, "--node-count", "2", "--time-limit", "2");
    expect(outcome.exitCode).toBe(255);
    expect(outcome.results!["abort-type"]).toBe("timeout");
    const text = outcome.output.join("\n");
    expect(text).toMatch(/Setup of node n[01] failed: expected it to answer a topology message with topology_ok, /);
    expect(text).toContain("but it did not respond (no topology_ok within 5 s).");
  }, 30_000);

  test("a node with no topology handler is told the error it answered instead of topology_ok", async () => {
    const outcome = await run("-w", "broadcast", "--bin", "01-echo/main.ts", "--node-count", "1", "--time-limit", "2");
    expect(outcome.exitCode).toBe(255);
    expect(outcome.results!["abort-type"]).toBe("rpc-error");
    const text = outcome.output.join("\n");
    expect(text).toContain("Setup of node n0 failed: expected a topology_ok to its topology message, ");
    expect(text).toContain("but it responded with error 10 (not-supported): no handler for topology");
  }, 30_000);
});
