/**
 * Fidelity regressions found by reviewing the runner core against the
 * Maelstrom / Jepsen sources: each test asserts what real Maelstrom does where the runner once
 * differed (number semantics, direct exec of --bin, client churn, long lines), plus guards on
 * odd node output that already matched.
 */
import { describe, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClientIds } from "../world/client.ts";
import { FakeClock } from "../primitives/clock.ts";
import { checkAvailability } from "../checkers/core.ts";
import type { TestOptions } from "../contracts/options.ts";
import { Worker } from "./generator.ts";
import { History } from "../contracts/history.ts";
import { Network } from "../world/net.ts";
import type { WireMessage } from "../contracts/journal.ts";
import { Rng } from "../primitives/rng.ts";
import type { Op } from "../contracts/types.ts";
import echo from "../workloads/echo.ts";
import { runInTestStore } from "../testdata/test-runs.ts";

const repo = new URL("../../..", import.meta.url).pathname;
const testdata = "maelstrom-lib/harness/testdata";

function run(...args: string[]) {
  return runInTestStore(["test", ...args, "--no-progress"], { cwd: repo });
}

describe("review: number fidelity (JSON.parse loses the integer/float distinction and 64-bit integers)", () => {
  test("a reply whose in_reply_to is 1.0 never matches msg_id 1 (Clojure =), so echoes time out", async () => {
    // spec §1.6: in_reply_to compared with Clojure `=`: 1 matches 1 but not 1.0.
    const outcome = await run(
      "-w",
      "echo",
      "--bin",
      `${testdata}/review-float-reply.ts`,
      "--node-count",
      "1",
      "--time-limit",
      "1",
      "--rate",
      "1",
    );
    expect(outcome.exitCode).toBe(1);
    expect(outcome.results!.stats!["ok-count"]).toBe(0);
  }, 30_000);

  test("distinct 64-bit integer ids above 2^53 are not duplicates (Cheshire parses them exactly)", async () => {
    // spec §5.2: valid iff no value appears twice; Maelstrom compares the exact Longs.
    const outcome = await run(
      "-w",
      "unique-ids",
      "--bin",
      `${testdata}/review-bigint-ids.ts`,
      "--node-count",
      "3",
      "--time-limit",
      "2",
      "--rate",
      "50",
    );
    expect(outcome.results!.workload?.["duplicated-count"]).toBe(0);
    expect(outcome.exitCode).toBe(0);
  }, 30_000);

  test("availability is a 32-bit float in Maelstrom: 9 ok of 10 is below --availability 0.9", () => {
    // maelstrom checker.clj: ok-fraction = (float (/ ok invoke)); valid = (<= a ok-fraction).
    // (float 0.9) = 0.8999999761…, and (<= 0.9 0.8999999761…) is false.
    const history: Op[] = [];
    for (let i = 0; i < 10; i++) {
      history.push({ index: 2 * i, time: i, type: "invoke", process: 0, f: "generate", value: null });
      history.push({ index: 2 * i + 1, time: i, type: i < 9 ? "ok" : "info", process: 0, f: "generate", value: i });
    }
    const result = checkAvailability(history, 0.9);
    expect(result["ok-fraction"]).toBe(Math.fround(0.9));
    expect(result["valid?"]).toBe(false);
  });
});

describe("review: launching --bin as Maelstrom does (ProcessBuilder exec of the canonical path)", () => {
  test("a .ts node without a shebang cannot be exec'd: Maelstrom aborts the run", async () => {
    // spec §1.8: "It must be directly executable (shebang scripts are fine)"; exec gives ENOEXEC.
    const outcome = await run(
      "-w",
      "echo",
      "--bin",
      `${testdata}/review-no-shebang.ts`,
      "--node-count",
      "1",
      "--time-limit",
      "1",
    );
    expect(outcome.exitCode).toBe(254);
    expect(outcome.output.join("\n")).toContain("start it with #!/usr/bin/env bun");
  }, 30_000);

  test("a .ts node without the executable bit cannot be exec'd: Maelstrom aborts the run", async () => {
    const dir = mkdtempSync(join(tmpdir(), "review-noexec-"));
    const bin = join(dir, "node.ts");
    writeFileSync(bin, `#!/usr/bin/env bun\n${await Bun.file(join(repo, testdata, "review-no-shebang.ts")).text()}`);
    chmodSync(bin, 0o644);
    const outcome = await run("-w", "echo", "--bin", bin, "--node-count", "1", "--time-limit", "1");
    expect(outcome.exitCode).toBe(254);
    expect(outcome.output.join("\n")).toContain("not executable");
  }, 30_000);

  test("a binary that cannot be spawned gives exit 255, not an exception out of runMaelstrom", async () => {
    const dir = mkdtempSync(join(tmpdir(), "review-badinterp-"));
    const bin = join(dir, "node.sh");
    writeFileSync(bin, "#!/nonexistent/interpreter\n");
    chmodSync(bin, 0o755);
    let exitCode: number | undefined;
    let thrown: unknown;
    try {
      exitCode = (await run("-w", "echo", "--bin", bin, "--node-count", "2", "--time-limit", "1")).exitCode;
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeUndefined();
    expect(exitCode).toBe(255);
  }, 30_000);
});

describe("review: client churn after :info (jepsen generator/interpreter.clj ClientWorker)", () => {
  test("the crashed process's client stays registered until the worker's next invocation", async () => {
    // ClientWorker.invoke! closes the old client and opens a new one only when it is handed an op
    // with a new process; until then a late reply to the old client id is a valid send.
    const clock = new FakeClock();
    const rng = new Rng(1);
    const network = new Network({ clock, rng, latencyMs: 0, latencyDist: "constant" });
    const toNode: WireMessage[] = [];
    network.register("n0", (message) => toNode.push(message));
    const history = new History(clock);
    const worker = new Worker(0, "n0", {
      history,
      workload: echo,
      network,
      clock,
      clientIds: new ClientIds(),
      ctx: { opts: {} as TestOptions, rng },
      concurrency: 1,
    });
    const source = { next: () => undefined };
    const first = worker.perform({ f: "echo", value: "Please echo 1" }, 0, source);
    clock.advance(5_000);
    await first;
    expect(history.ops[1]!.type).toBe("info");
    const oldClient = toNode[0]!.src;
    expect(network.isRegistered(oldClient)).toBe(true);
    // A reply arriving in this window is fine under Maelstrom (it is queued and never read).
    expect(() =>
      network.send("n0", oldClient, { type: "echo_ok", echo: "Please echo 1", in_reply_to: 1 }),
    ).not.toThrow();
    // The next op closes it and opens a fresh client.
    const second = worker.perform({ f: "echo", value: "Please echo 2" }, 0, source);
    expect(network.isRegistered(oldClient)).toBe(false);
    expect(toNode[toNode.length - 1]!.src).not.toBe(oldClient);
    clock.advance(5_000);
    await second;
  });
});

describe("review: odd node output", () => {
  test("a 50 MB stdout line does not stall the node's later replies (Maelstrom reads lines in linear " +
    "time)", async () => {
    // process.ts readLines re-scans the whole buffered line for "\n" on every 64 KB chunk, so a
    // 50 MB line takes ~20 s to come through; the echo reply queued behind it times out.
    const outcome = await run(
      "-w",
      "echo",
      "--bin",
      `${testdata}/review-huge-line.ts`,
      "--node-count",
      "1",
      "--time-limit",
      "3",
    );
    expect(outcome.results!.stats!["info-count"]).toBe(0);
    expect(outcome.exitCode).toBe(0);
  }, 60_000);

  test("a non-UTF-8 line is delivered with replacement characters; a body that is an array silences the " +
    "node", async () => {
    const outcome = await run(
      "-w",
      "echo",
      "--bin",
      `${testdata}/review-odd-lines.ts`,
      "--node-count",
      "1",
      "--time-limit",
      "1",
      "--rate",
      "10",
    );
    // Echoes after the bad line time out (:info), which Maelstrom's echo checker skips: valid, as there.
    expect(outcome.exitCode).toBe(0);
    const journal = (await Bun.file(join(outcome.runDir!, "net-journal.jsonl")).text())
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { type: string; dest: string; body: { type?: string; s?: string } });
    const junk = journal.find((event) => event.type === "send" && event.dest === "lin-kv");
    expect(junk?.body.type).toBe("junk");
    expect(junk?.body.s).toContain("\uFFFD");
    expect(outcome.results!.stats!["ok-count"]).toBe(3);
    const violations = outcome.results!.errors!["protocol-violations"]!;
    expect(violations[0]!.reason).toContain("body must be a JSON object");
  }, 30_000);

  test("a node that exits while its init is pending aborts the run at once with 255", async () => {
    const startedMs = performance.now();
    const outcome = await run(
      "-w",
      "echo",
      "--bin",
      `${testdata}/review-exit-in-init.ts`,
      "--node-count",
      "2",
      "--time-limit",
      "3",
    );
    expect(outcome.exitCode).toBe(255);
    expect(outcome.output.join("\n")).toContain("crashed with exit status 2");
    expect(performance.now() - startedMs).toBeLessThan(8_000);
  }, 30_000);
});
