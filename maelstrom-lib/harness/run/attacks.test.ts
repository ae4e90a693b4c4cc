/**
 * Attacks on the runner (issue 23): hostile nodes (testdata/hostile-*.ts), hostile requests to
 * `serve` and hostile flags. Each node attack is a short real run of the runner as a process of
 * its own, so that its peak memory (VmHWM) and its console bytes can be read: the runner must
 * finish on time, stay within a memory bound, write a complete run folder and leave no process
 * behind.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { CliError, parseCommand } from "../cli/cli.ts";
import { RealClock } from "../primitives/clock.ts";
import { prettyJson } from "../primitives/json-exact.ts";
import { Network } from "../world/net.ts";
import { RUNNER_LIMITS } from "../contracts/options.ts";
import { NodeProcess } from "../world/node-process.ts";
import { Rng } from "../primitives/rng.ts";
import { handleStoreRequest, renderRunList } from "../report/serve.ts";
import { writeSyntheticRun } from "../report/testdata/synthetic-run.ts";
import { repo, testdata } from "../testdata/test-runs.ts";

const scratch = mkdtempSync(join(tmpdir(), "attacks-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** One entry of results.json's errors.protocol-violations. */
interface Violation {
  node: string;
  type: string;
  reason: string;
}

/** What one attack run did. */
interface Attack {
  exitCode: number;
  console: string;
  elapsedMs: number;
  peakRssMb: number;
  runDir: string;
  results: { errors?: { "protocol-violations"?: Violation[] } } & Record<string, unknown>;
}

/** `maelstrom test ARGS` as a process of its own, its peak resident memory sampled from /proc. */
async function attack(...args: string[]): Promise<Attack> {
  const storeDir = mkdtempSync(join(scratch, "store-"));
  const startedMs = performance.now();
  const argv = ["bun", "maelstrom-lib/harness/cli/main.ts", "test", ...args, "--store", storeDir, "--no-progress"];
  const runner = Bun.spawn(argv, { cwd: repo, stdout: "pipe", stderr: "pipe" });
  let peakKb = 0;
  const sampler = setInterval(() => (peakKb = Math.max(peakKb, peakResidentKb(runner.pid))), 20);
  const [stdout, stderr] = await Promise.all([new Response(runner.stdout).text(), new Response(runner.stderr).text()]);
  const exitCode = await runner.exited;
  clearInterval(sampler);
  const runDir = /Run folder: (.*)/.exec(stdout)?.[1] ?? "";
  const resultsPath = join(runDir, "results.json");
  const results = existsSync(resultsPath) ? JSON.parse(readFileSync(resultsPath, "utf8")) : {};
  const elapsedMs = performance.now() - startedMs;
  return { exitCode, console: stdout + stderr, elapsedMs, peakRssMb: peakKb / 1024, runDir, results };
}

/** VmHWM, the process's peak resident set so far, in kB (0 once it is gone). */
function peakResidentKb(pid: number): number {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** A process that still runs (a zombie waiting for its reaper is gone for good). */
function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** Live processes whose command line holds `text` (a hostile script's path). */
function processesRunning(text: string): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(text) && isAlive(pid);
      } catch {
        return false;
      }
    });
}

const hostile = (name: string) => `${testdata}/hostile-${name}.ts`;

/** An echo run of `nodeCount` hostile nodes `name` for `timeLimitSec`, with further flags and the node's arguments. */
function echoAttack(name: string, nodeCount: number, timeLimitSec: number, ...rest: string[]): Promise<Attack> {
  const sizing = ["--node-count", String(nodeCount), "--time-limit", String(timeLimitSec)];
  return attack("-w", "echo", "--bin", hostile(name), ...sizing, ...rest);
}
/** A run's main phase plus init, teardown, analysis and report, with room for a loaded machine. */
const ON_TIME_MS = 15_000;

describe("attack 1: JSON nested absurdly deep", () => {
  test("a message to a peer nested 100,000 deep is a protocol violation; the run goes on to its verdict", async () => {
    // Before: JSON.stringify overflowed delivering it; exit 255 and a folder with only node-logs/.
    const run = await echoAttack("deep", 2, 2, "peer", "100000");
    expect(run.exitCode).toBe(1);
    expect(run.console).not.toContain("RangeError");
    const violations = run.results.errors?.["protocol-violations"] ?? [];
    expect(violations.map((violation) => violation.type)).toEqual(["line-not-valid-json", "line-not-valid-json"]);
    expect(violations[0]!.reason).toContain("nested more than 1000 levels deep");
    expect(existsSync(join(run.runDir, "history.jsonl"))).toBe(true);
    expect(run.elapsedMs).toBeLessThan(ON_TIME_MS);
    expect(processesRunning(hostile("deep"))).toEqual([]);
  }, 30_000);

  test("results stay within a bound of the node's bytes: deep values are written compactly past 16 levels", () => {
    // Before: indenting every level made a 2 KB reply 2 MB of results.json (5,000 deep: 651 MB).
    const deepValue = JSON.parse(`${"[".repeat(998)}${"]".repeat(998)}`);
    const errors = Array.from({ length: 10 }, () => ({ received: { value: { echo: deepValue } } }));
    const results = { "valid?": false, workload: { errors } };
    const compactChars = JSON.stringify(results).length;
    const written = prettyJson(results);
    expect(written.length).toBeLessThan(compactChars * 34);
    expect(JSON.stringify(results, null, 2).length).toBeGreaterThan(compactChars * 900);
    expect(JSON.parse(written)).toEqual(results);
    const big = JSON.rawJSON("123456789012345678901");
    const shallow = { "valid?": true, stats: { count: 3, "by-f": { echo: { "ok-count": 3 } } }, big };
    expect(prettyJson(shallow)).toBe(JSON.stringify(shallow, null, 2));
  });

  // The runs from here to attack 10 wait on their nodes and leave no hostile-deep process
  // for the test above to find, so they run at once.
  test.concurrent("Jackson's limit exactly: a document 1000 deep is delivered, 1001 deep is refused", async () => {
    // The envelope and the body are two levels, so an echo value nested 998 deep makes 1000.
    const atLimit = await echoAttack("deep", 1, 1, "reply", "998");
    expect(atLimit.results.errors?.["protocol-violations"]).toBeUndefined();
    expect(readFileSync(join(atLimit.runDir, "history.jsonl"), "utf8")).toContain("[".repeat(998));
    const beyond = await echoAttack("deep", 1, 1, "reply", "999");
    expect(beyond.results.errors?.["protocol-violations"]?.[0]?.reason).toContain("nested more than 1000 levels deep");
  }, 30_000);
});

describe("attack 9: terminal control in node output", () => {
  test.concurrent("a screen clear, a clipboard write, a CSI and a carriage return reach the console " +
    "escaped", async () => {
    // Before: 18 control characters reached the terminal, and "\rEverything looks good!" overwrote a line.
    const run = await echoAttack("terminal", 1, 1, "--log-stderr");
    expect(run.exitCode).toBe(1);
    expect(run.console).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    expect(run.console).toContain("[n0] \\x1b[2J\\x1b[H\\x1b]52;c;ZXZpbA==\\x07\\x9b31m\\rEverything looks good!");
    expect(run.console).toContain("The line:\n    \\x1b[2J"); // the violating line, quoted once at the end, escaped
    expect(run.console.split("\n").some((line) => line.startsWith("Everything looks good!"))).toBe(false);
  }, 30_000);
});

describe("attack 10: a node sending as someone else", () => {
  test.concurrent("sending as another node or a live client is delivered, as in Maelstrom, and warned of by " +
    "name", async () => {
    // Before: both were delivered without a word.
    const run = await echoAttack("impersonate", 2, 2);
    expect(run.exitCode).toBe(0);
    expect(run.console).toContain('WARN n0 sent a message as another node, "n1"');
    expect(run.console).toMatch(/WARN n0 sent a message as a live client, "c\d+"/);
    expect(run.console.match(/sent a message as/g)).toHaveLength(2);
  }, 30_000);
});

describe("attack 2: lines without end", () => {
  test("512 MB of stderr with no newline goes to the node log, not into the runner's memory", async () => {
    // Before: 1 GB took the runner to 3.3 GB and the run's ops starved; at 2.2 GB it died.
    const run = await echoAttack("long-line", 1, 3, "stderr", "512");
    expect(run.exitCode).toBe(0);
    expect(statSync(join(run.runDir, "node-logs", "n0.log")).size).toBe(512 * 1024 * 1024 + 1);
    expect(run.peakRssMb).toBeLessThan(200);
    expect(run.elapsedMs).toBeLessThan(ON_TIME_MS);
    rmSync(run.runDir, { recursive: true, force: true });
  }, 60_000);

  test("with --log-stderr the runner copies it to the log as it comes and echoes only the line's start", async () => {
    const run = await echoAttack("long-line", 1, 2, "--log-stderr", "stderr", "128");
    expect(run.exitCode).toBe(0);
    expect(statSync(join(run.runDir, "node-logs", "n0.log")).size).toBe(128 * 1024 * 1024 + 1);
    expect(run.console).toMatch(/\[n0\] x{300}… \(a line of over \d+ characters, whole in .*n0\.log\)/);
    expect(run.console.length).toBeLessThan(1024 * 1024);
    expect(run.peakRssMb).toBeLessThan(250);
    rmSync(run.runDir, { recursive: true, force: true });
  }, 60_000);

  test("a 400 MB stdout line is a line-too-long violation naming its size; the rest is left unread", async () => {
    // Before: the whole line was buffered (300 MB took the runner to 1 GB), then called a log line.
    const run = await echoAttack("long-line", 1, 2, "stdout", "400");
    expect(run.exitCode).toBe(1); // the node is silenced, so its echoes time out
    const violation = run.results.errors?.["protocol-violations"]?.[0];
    expect(violation?.type).toBe("line-too-long");
    expect(violation?.reason).toMatch(/^a stdout line of more than [\d,]+ characters; /);
    expect(violation?.reason).toContain("the runner reads lines of at most 67,108,864 (");
    expect(run.peakRssMb).toBeLessThan(400);
    expect(run.elapsedMs).toBeLessThan(ON_TIME_MS);
    expect(processesRunning(hostile("long-line"))).toEqual([]);
  }, 60_000);
});

describe("attack 8: processes that outlive the run", () => {
  const startForkRun = (pidFile: string, timeLimitSec: number) =>
    Bun.spawn(
      [
        "bun",
        "maelstrom-lib/harness/cli/main.ts",
        "test",
        "-w",
        "echo",
        "--bin",
        hostile("fork"),
        "--node-count",
        "2",
        "--time-limit",
        String(timeLimitSec),
        "--store",
        join(scratch, "fork-store"),
        "--no-progress",
        pidFile,
      ],
      { cwd: repo, stdout: "ignore", stderr: "ignore" },
    );
  const pidsIn = (pidFile: string) =>
    existsSync(pidFile) ? readFileSync(pidFile, "utf8").trim().split("\n").map(Number) : [];

  test("what a node forks dies with it at teardown", async () => {
    // Before: both forked children were still running after the runner had exited.
    const pidFile = join(scratch, "fork-pids");
    expect(await startForkRun(pidFile, 1).exited).toBe(0);
    expect(pidsIn(pidFile)).toHaveLength(4); // two nodes, one child each
    for (let i = 0; i < 20 && pidsIn(pidFile).some(isAlive); i++) await Bun.sleep(50);
    expect(pidsIn(pidFile).filter(isAlive)).toEqual([]);
  }, 30_000);

  test("a SIGKILLed runner leaves neither its nodes (which ignore stdin's end) nor their children behind", async () => {
    // Before: nothing killed them; the watchdog now does, from its own session.
    const pidFile = join(scratch, "fork-pids-killed");
    const runner = startForkRun(pidFile, 30);
    for (let i = 0; i < 200 && pidsIn(pidFile).length < 4; i++) await Bun.sleep(50);
    expect(pidsIn(pidFile)).toHaveLength(4);
    runner.kill("SIGKILL");
    await runner.exited;
    for (let i = 0; i < 40 && pidsIn(pidFile).some(isAlive); i++) await Bun.sleep(50);
    expect(pidsIn(pidFile).filter(isAlive)).toEqual([]);
  }, 30_000);
});

describe("a node's stdin and deliveries (NodeProcess alone)", () => {
  const network = () => new Network({ clock: new RealClock(), rng: new Rng(1), latencyMs: 0, latencyDist: "constant" });
  const start = (warnings: string[]) =>
    new NodeProcess({
      id: "n1",
      bin: join(repo, hostile("deaf")),
      args: ["0"],
      logDir: join(scratch, "deaf-logs"),
      network: network(),
      logStderr: false,
      onViolation: () => {},
      onExit: () => {},
      onWarning: (line) => warnings.push(line),
    });
  const init = { id: 0, src: "c0", dest: "n1", body: { type: "init", node_id: "n1", node_ids: ["n1"], msg_id: 1 } };

  test("a node that stops reading gets at most the backlog cap; the rest is dropped with one warning", async () => {
    // Before: Bun buffered everything written to a stopped node's stdin in the runner (200 MB → 238 MB RSS).
    const warnings: string[] = [];
    const node = start(warnings);
    node.deliver(init); // n1 answers, then stops itself (SIGSTOP)
    await Bun.sleep(500);
    const filler = "x".repeat(1024 * 1024);
    const megabytes = Math.ceil(RUNNER_LIMITS.stdinBacklogChars / filler.length) + 20;
    for (let i = 0; i < megabytes; i++) {
      node.deliver({ id: i + 1, src: "n0", dest: "n1", body: { type: "flood", s: filler } });
      await Bun.sleep(0);
    }
    expect(warnings.filter((line) => line.includes("has not read"))).toHaveLength(1);
    node.resume(); // SIGCONT: it reads the backlog, and deliveries go through again
    await Bun.sleep(1000);
    node.deliver({ id: 9999, src: "n0", dest: "n1", body: { type: "flood", s: "" } });
    await Bun.sleep(0);
    expect(warnings.at(-1)).toMatch(/n1 reads its stdin again; \d+ message\(s\) to it were dropped meanwhile/);
    node.kill();
    await node.exitedPromise;
  }, 30_000);

  test("a message that cannot be written as JSON is dropped with a warning, never thrown into the runner", async () => {
    const warnings: string[] = [];
    const node = start(warnings);
    expect(() => node.deliver({ id: 1, src: "n0", dest: "n1", body: { type: "odd", n: 1n } })).not.toThrow();
    expect(warnings[0]).toContain("dropped a message from n0 to n1: not writable as JSON");
    node.kill();
    await node.exitedPromise;
  });
});

describe("attack 7: hostile requests to serve", async () => {
  const run = await writeSyntheticRun();
  const storeDir = dirname(dirname(run.runDir));
  const runPath = `/broadcast/${run.runDir.split("/").at(-1)}`;
  // A folder outside the store that looks like a run without its report.
  const victim = join(mkdtempSync(join(scratch, "outside-")), "victim");
  cpSync(run.runDir, victim, { recursive: true });
  for (const file of ["index.html", "messages.svg", "timeline.html"]) rmSync(join(victim, file), { force: true });
  const ask = (path: string) => handleStoreRequest(storeDir, new Request(`http://localhost${path}`));
  const upToRoot = "..%2f".repeat(storeDir.split("/").length);

  test("%2f-encoded .. to a folder outside gets a 404 and writes nothing there", async () => {
    // Before: 403, after writing index.html, messages.svg and timeline.html into the victim folder.
    const response = await ask(`/${upToRoot}${victim.slice(1).split("/").join("%2f")}%2f`);
    expect(response.status).toBe(404);
    expect(readdirSync(victim).filter((file) => /index|messages|timeline/.test(file))).toEqual([]);
  });

  test("existing and missing files outside the store answer alike", async () => {
    // Before: 403 for /etc/passwd, 404 for a missing file.
    const existing = await ask(`/${upToRoot}etc%2fpasswd`);
    const missing = await ask(`/${upToRoot}etc%2fno-such-file`);
    const throughLink = join(run.runDir, "outside-link");
    symlinkSync("/etc", throughLink);
    const linked = await ask(`${runPath}/outside-link/passwd`);
    for (const response of [existing, missing, linked]) {
      expect([response.status, await response.text()]).toEqual([404, "not found"]);
    }
    rmSync(throughLink);
  });

  test("//evil.example/..%2fbroadcast redirects nowhere; a redirect is built from the checked path", async () => {
    // Before: 302 to //evil.example/..%2fbroadcast/.
    expect((await ask("//evil.example/..%2fbroadcast")).status).toBe(404);
    const redirect = await ask("//broadcast");
    expect([redirect.status, redirect.headers.get("location")]).toEqual([302, "/broadcast/"]);
  });

  test("a broken symlink neither fails the folder listing nor shows an absolute path", async () => {
    // Before: the listing threw, and the 500 said "ENOENT ... stat '/tmp/…/broken'".
    symlinkSync("/nonexistent/target", join(run.runDir, "broken"));
    const listing = await ask(`${runPath}/?files`);
    expect(listing.status).toBe(200);
    expect(await listing.text()).toContain('href="broken"');
    const broken = await ask(`${runPath}/broken`);
    expect([broken.status, await broken.text()]).toEqual([404, "not found"]);
  });

  test("serve binds 127.0.0.1 unless -b says otherwise", () => {
    expect(parseCommand(["serve"], repo)).toMatchObject({ host: "127.0.0.1" });
  });

  test("the runs list parses a results.json once, until its size or mtime changes", async () => {
    const resultsPath = join(run.runDir, "results.json");
    const mtime = new Date("2026-01-01T00:00:00Z");
    utimesSync(resultsPath, mtime, mtime);
    expect(await renderRunList(storeDir)).toContain("verdict-invalid");
    const original = readFileSync(resultsPath, "utf8");
    const valid = JSON.stringify({ ...JSON.parse(original), "valid?": true });
    // Same size and mtime, another verdict: the cached summary still shows the old one.
    writeFileSync(resultsPath, valid.padEnd(original.length));
    utimesSync(resultsPath, mtime, mtime);
    expect(await renderRunList(storeDir)).toContain("verdict-invalid");
    writeFileSync(resultsPath, valid); // another size: read again
    expect(await renderRunList(storeDir)).toContain("verdict-valid");
  });
});

describe("attack 10: hostile flags are refused up front", () => {
  const echoBin = ["--bin", "01-echo/main.ts"];
  const refusal = (...args: string[]) => {
    try {
      parseCommand(["test", ...args], repo);
    } catch (error) {
      if (error instanceof CliError) return error.message;
      throw error;
    }
    return "accepted";
  };

  test.each([
    [["--min-txn-length", "5", "--max-txn-length", "2"], "Invalid --min-txn-length 5: above --max-txn-length 2"],
    [["--seed", "100000000000000000000"], "Invalid --seed 100000000000000000000: beyond 2^53"],
    [["--concurrency", "100000000000000000000"], 'Invalid --concurrency "100000000000000000000": beyond 2^53'],
    [["--node-count", "1152921504606846976"], "Invalid --node-count 1152921504606846976: beyond 2^53"],
    [["--nemesis", "partition", "--nemesis-interval", "1e-6"], "Invalid --nemesis-interval 0.000001: at least 0.1 s"],
    [["-w", "txn-list-append", "--max-txn-length", "1000000000"], "Invalid --max-txn-length 1000000000: at most 10000"],
    [["-w", "txn-list-append", "--key-count", "10000000000"], "Invalid --key-count 10000000000: at most 1000000"],
    [["--nodes", "n1,../../evil"], 'Node id "../../evil" cannot name a file'],
  ])("%p is refused", (args, message) => {
    expect(refusal("-w", "echo", ...echoBin, ...args)).toStartWith(message);
  });

  test("the largest exact integers and the edge values still pass", () => {
    expect(refusal("-w", "echo", ...echoBin, "--seed", String(Number.MAX_SAFE_INTEGER))).toBe("accepted");
    const equalLengths = ["--min-txn-length", "3", "--max-txn-length", "3"];
    expect(refusal("-w", "txn-list-append", ...echoBin, ...equalLengths)).toBe("accepted");
    expect(refusal("-w", "echo", ...echoBin, "--nemesis", "partition", "--nemesis-interval", "0.1")).toBe("accepted");
  });

  test("from the shell: one line and exit 254, before any node starts", async () => {
    const lengths = ["--min-txn-length", "5", "--max-txn-length", "2"];
    // Before: the node started, then a stack trace from the txn generator.
    const runner = Bun.spawn(
      ["bun", "maelstrom-lib/harness/cli/main.ts", "test", "-w", "txn-list-append", ...echoBin, ...lengths],
      { cwd: repo, stdout: "pipe", stderr: "pipe" },
    );
    expect(await runner.exited).toBe(254);
    const lines = (await new Response(runner.stderr).text()).trim().split("\n");
    expect(lines).toEqual(["Invalid --min-txn-length 5: above --max-txn-length 2"]);
  });
});
