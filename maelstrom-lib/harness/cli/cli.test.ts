import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { CliError, parseCommand, parseConcurrency, usage } from "./cli.ts";
import { TEST_FLAGS } from "./config.ts";
import { runMaelstrom } from "../index.ts";
import { callerDir } from "./main.ts";
import { workloadNames } from "../workloads/index.ts";
import packageJson from "../../package.json" with { type: "json" };

const repo = new URL("../../..", import.meta.url).pathname;
const echoBin = ["--bin", "01-echo/main.ts"];

function parseTest(...args: string[]) {
  const command = parseCommand(["test", ...args], repo);
  if (command.kind !== "test") throw new Error(`expected a test command, got ${command.kind}`);
  return command;
}

describe("maelstrom test flags", () => {
  test("Maelstrom's defaults", () => {
    const { opts } = parseTest("-w", "echo", ...echoBin);
    expect(opts.nodeIds).toEqual(["n1", "n2", "n3", "n4", "n5"]);
    expect(opts.timeLimitSec).toBe(60);
    expect(opts.rate).toBe(5);
    expect(opts.concurrency).toBe(5);
    expect(opts.latencyMs).toBe(0);
    expect(opts.latencyDist).toBe("constant");
    expect(opts.nemesis).toEqual([]);
    expect(opts.nemesisIntervalSec).toBe(10);
    expect(opts.availability).toBeUndefined();
    expect(opts.consistencyModels).toEqual(["strict-serializable"]);
    expect(opts.topology).toBe("grid");
    expect([opts.keyCount, opts.maxTxnLength, opts.maxWritesPerKey]).toEqual([10, 4, 16]);
  });

  test("the defaults are the flag table's: changing a row's default changes the parsed option", () => {
    const { opts } = parseTest("-w", "echo", ...echoBin);
    expect(String(opts.timeLimitSec)).toBe(TEST_FLAGS["time-limit"].default);
    expect(String(opts.rate)).toBe(TEST_FLAGS.rate.default);
    expect(opts.nodeIds).toEqual([...TEST_FLAGS.node.default]);
    expect(opts.consistencyModels).toEqual([TEST_FLAGS["consistency-models"].default]);
  });

  test("--help lists every flag of the table, with its default", () => {
    const text = usage();
    for (const [long, flag] of Object.entries(TEST_FLAGS)) {
      const line = text
        .split("\n")
        .find((row) => row.includes(`--${long}${"arg" in flag ? ` ${flag.arg}` : ""} `) || row.endsWith(`--${long}`));
      expect(line, long).toBeDefined();
      if ("default" in flag) expect(line!, long).toContain([flag.default].flat().join(" "));
      expect(line!, long).toContain(flag.help);
    }
  });

  test("a repeated flag: the last one wins (tools.cli assoc), but -n collects", () => {
    expect(parseTest("-w", "echo", ...echoBin, "--rate", "1", "--rate", "7").opts.rate).toBe(7);
    expect(parseTest("-w", "echo", ...echoBin, "--rate", "7").opts.rate).toBe(7);
    expect(parseTest("-w", "echo", ...echoBin, "-n", "x", "-n", "y").opts.nodeIds).toEqual(["x", "y"]);
  });

  test("--node-count names nodes n0…, Kn multiplies by the node count", () => {
    const { opts } = parseTest("-w", "echo", ...echoBin, "--node-count", "3", "--concurrency", "2n");
    expect(opts.nodeIds).toEqual(["n0", "n1", "n2"]);
    expect(opts.concurrency).toBe(6);
    expect(parseConcurrency("4", 3)).toBe(4);
  });

  test("--nodes and repeated -n give explicit ids", () => {
    expect(parseTest("-w", "echo", ...echoBin, "--nodes", "a,b").opts.nodeIds).toEqual(["a", "b"]);
    expect(parseTest("-w", "echo", ...echoBin, "-n", "x", "-n", "y").opts.nodeIds).toEqual(["x", "y"]);
  });

  test("non-option tokens go to the node as argv", () => {
    expect(parseTest("-w", "echo", ...echoBin, "--rate", "10", "verbose", "7").opts.binArgs).toEqual(["verbose", "7"]);
  });

  test("the published 6c en-dash typo is applied, with a warning", () => {
    const command = parseTest("-w", "echo", ...echoBin, "\u2013-nemesis", "partition");
    expect(command.opts.nemesis).toEqual(["partition"]);
    expect(command.opts.binArgs).toEqual([]);
    expect(command.warnings.join("\n")).toContain("real Maelstrom would pass it to your node");
  });

  test('--consistency-models is checked before the run; Maelstrom splits only on " , "', () => {
    expect(
      parseTest("-w", "echo", ...echoBin, "--consistency-models", "read-committed , serializable").opts
        .consistencyModels,
    ).toEqual(["read-committed", "serializable"]);
    expect(() => parseTest("-w", "echo", ...echoBin, "--consistency-models", "bogus")).toThrow('unknown model "bogus"');
    // The list is Elle 0.1.6's (elle/consistency_model.clj), friendly and canonical names alike.
    const models = ["strong-session-snapshot-isolation", "PL-2", "cursor-stability", "update-serializable"];
    expect(
      parseTest("-w", "txn-list-append", ...echoBin, "--consistency-models", models.join(" , ")).opts.consistencyModels,
    ).toEqual(models);
    expect(TEST_FLAGS["consistency-models"].choices).toContain("monotonic-atomic-view");
    expect(TEST_FLAGS["consistency-models"].choices).not.toContain("bogus");
    expect(() => parseTest("-w", "echo", ...echoBin, "--consistency-models", "read-committed,serializable")).toThrow(
      'only on " , "',
    );
    // Elle 0.1.6's list, which Maelstrom 0.2.3 runs: a name only Elle 0.2 knows is refused, with that reason.
    const later = () => parseTest("-w", "echo", ...echoBin, "--consistency-models", "strong-read-committed");
    expect(later).toThrow("only Elle 0.2 knows it; Maelstrom 0.2.3 runs Elle 0.1.6");
  });

  test("-- ends the options: what follows goes to the node, and -- itself does not", () => {
    const after = parseTest("-w", "echo", ...echoBin, "--", "--rate", "3", "-v");
    expect(after.opts.binArgs).toEqual(["--rate", "3", "-v"]);
    expect(after.opts.rate).toBe(5);
    const before = parseTest("-w", "echo", ...echoBin, "--rate", "3", "--");
    expect(before.opts.rate).toBe(3);
    expect(before.opts.binArgs).toEqual([]);
  });

  test("short options clump as in tools.cli: -wecho is -w echo, a switch may lead a clump", () => {
    expect(parseTest("-wecho", ...echoBin).opts.workload).toBe("echo");
    expect(parseTest("-wecho", ...echoBin, "-nx").opts.nodeIds).toEqual(["x"]);
    expect(parseCommand(["test", "-hwecho"], repo).kind).toBe("help");
    expect(() => parseTest("-wecho", ...echoBin, "-q")).toThrow("Unknown option: -q");
    expect(() => parseTest("-wecho", ...echoBin, "-5")).toThrow("Unknown option: -5");
  });

  test("Jepsen's cluster flags are accepted, with a one-line note each, and their values are not the node's", () => {
    const command = parseTest(
      "-w",
      "echo",
      ...echoBin,
      "--no-ssh",
      "--username",
      "admin",
      "--password=x",
      "--ssh-private-key",
      "k",
      "--strict-host-key-checking",
      "--leave-db-running",
      "--logging-json",
    );
    expect(command.opts.binArgs).toEqual([]);
    expect(command.notes.length).toBe(7);
    expect(command.notes[0]).toBe(
      "NOTE --no-ssh is a Jepsen cluster flag; nodes run locally here, as in Maelstrom, so it is ignored.",
    );
    expect(parseTest("-w", "echo", ...echoBin).notes).toEqual([]);
  });

  test("--strict is ours and off by default", () => {
    expect(parseTest("-w", "echo", ...echoBin).opts.strict).toBe(false);
    expect(parseTest("-w", "echo", ...echoBin, "--strict").opts.strict).toBe(true);
    expect(() => parseTest("-w", "echo", ...echoBin, "--strict=yes")).toThrow("--strict takes no value");
  });

  test("--help lists the cluster flags, --strict, -- and the default nodes", () => {
    const text = usage();
    for (const flag of [
      "--no-ssh",
      "--username USER",
      "--password PASS",
      "--ssh-private-key FILE",
      "--strict-host-key-checking",
      "--nodes-file FILENAME",
      "--leave-db-running",
      "--logging-json",
      "--strict ",
    ]) {
      expect(text).toContain(flag);
    }
    expect(text).toMatch(/-n, --node HOSTNAME\s+n1 n2 n3 n4 n5/);
    expect(text).toContain("everything after --");
  });

  test("nodes as Jepsen joins them: --nodes-file and --nodes drop -n's default, --node-count replaces --nodes", () => {
    const dir = mkdtempSync(join(tmpdir(), "nodes-file-"));
    writeFileSync(join(dir, "nodes"), "a\nb\n");
    expect(parseTest("-w", "echo", ...echoBin, "--nodes-file", join(dir, "nodes")).opts.nodeIds).toEqual(["a", "b"]);
    expect(
      parseTest("-w", "echo", ...echoBin, "--nodes-file", join(dir, "nodes"), "--nodes", "x,y", "-n", "z").opts.nodeIds,
    ).toEqual(["a", "b", "x", "y", "z"]);
    expect(parseTest("-w", "echo", ...echoBin, "--nodes", "x,y", "--node-count", "2").opts.nodeIds).toEqual([
      "n0",
      "n1",
    ]);
    expect(parseTest("-w", "echo", ...echoBin, "--node-count", "2", "-n", "z").opts.nodeIds).toEqual(["n0", "n1", "z"]);
    expect(() => parseTest("-w", "echo", ...echoBin, "--nodes-file", join(dir, "missing"))).toThrow("--nodes-file");
  });

  test("--nemesis splits on commas with optional spaces, as Maelstrom's parse-fn, into a set", () => {
    const nemesis = (text: string) => parseTest("-w", "echo", ...echoBin, "--nemesis", text).opts.nemesis;
    expect(nemesis("pause , partition,kill,")).toEqual(["partition", "kill", "pause"]);
    expect(nemesis("kill,kill")).toEqual(["kill"]);
    expect(() => nemesis("kill,,pause")).toThrow('Invalid --nemesis ""');
  });

  test.each([
    [["--frobnicate"], "Unknown option: --frobnicate"],
    [["--rate", "fast"], "Invalid --rate"],
    [["--time-limit", "1.5"], "Invalid --time-limit"],
    [["--concurrency", "xn"], "Invalid --concurrency"],
    [["--latency-dist", "pareto"], "Invalid --latency-dist"],
    [["--nemesis", "crash"], "Invalid --nemesis"],
    [["--nemesis", ",kill"], "Invalid --nemesis"],
    [["--nemesis-interval", "0"], "Invalid --nemesis-interval 0: must be positive"],
    [["--availability", "2"], "Invalid --availability"],
    [["--topology", "ring"], "Invalid --topology"],
    [["--rate"], "Missing value for --rate"],
  ])("bad flag %p is a CliError", (args, message) => {
    expect(() => parseTest("-w", "echo", ...echoBin, ...args)).toThrow(message);
  });

  test("missing --bin, missing file and unknown workload are CliErrors", () => {
    expect(() => parseTest("-w", "echo")).toThrow(CliError);
    expect(() => parseTest("-w", "echo", "--bin", "no/such/file")).toThrow("no such file");
    expect(() => parseTest("-w", "lin-kv-nope", ...echoBin)).toThrow("Unknown workload");
  });

  test("runMaelstrom answers a bad consistency model with one line and exit 254, before any run", async () => {
    const run = await runMaelstrom(
      ["test", "-w", "echo", ...echoBin, "--consistency-models", "bogus", "--store", "/nonexistent/store"],
      { cwd: repo },
    );
    expect(run.exitCode).toBe(254);
    expect(run.runDir).toBeUndefined();
    expect(run.output.length).toBe(1);
  });

  test("runMaelstrom answers a bad flag with one line and exit 254", async () => {
    const run = await runMaelstrom(["test", "-w", "echo", ...echoBin, "--rate", "many"], { cwd: repo });
    expect(run.exitCode).toBe(254);
    expect(run.output).toEqual(['Invalid --rate "many": must be a number']);
  });

  test("lin-kv's concurrency is checked up front, as Jepsen's independent generator asserts it", () => {
    expect(() => parseTest("-w", "lin-kv", ...echoBin, "--node-count", "3", "--concurrency", "9")).toThrow(
      new CliError(
        "lin-kv works each key with 2 threads per node, so --concurrency must be a multiple of 6 (2n for 3 nodes), " +
          "as Jepsen's independent generator asserts; it is 9: try --concurrency 2n",
      ),
    );
    const threeNodes = ["-w", "lin-kv", ...echoBin, "--node-count", "3"];
    expect(() => parseTest(...threeNodes, "--concurrency", "3")).toThrow("multiple of 6");
    expect(parseTest("-w", "lin-kv", ...echoBin, "--node-count", "3", "--concurrency", "12").opts.concurrency).toBe(12);
    expect(parseTest("-w", "echo", ...echoBin, "--node-count", "3", "--concurrency", "9").opts.concurrency).toBe(9);
  });

  test("forgetting -w: one line saying lin-kv is the default, exit 254, and no run folder", async () => {
    const store = mkdtempSync(join(tmpdir(), "no-w-"));
    // Before: a run folder, every node started, then a stack trace from the generator and exit 255.
    const argv = ["test", ...echoBin, "--time-limit", "2", "--store", store];
    const proc = Bun.spawn([process.execPath, "maelstrom-lib/harness/cli/main.ts", ...argv], {
      cwd: repo,
      stderr: "pipe",
      stdout: "pipe",
    });
    expect(await proc.exited).toBe(254);
    expect((await new Response(proc.stdout).text()).trim()).toBe("");
    expect((await new Response(proc.stderr).text()).trim().split("\n")).toEqual([
      "No -w given, so the workload is lin-kv, Maelstrom's default, and lin-kv works each key " +
        "with 2 threads per node, so --concurrency must be a multiple of 10 (2n for 5 nodes), " +
        "as Jepsen's independent generator asserts; it is 5. " +
        "Name your workload with -w (e.g. -w echo), or give lin-kv --concurrency 2n",
    ]);
    expect(readdirSync(store)).toEqual([]);
  });

  test("the CLI process exits 254 on a bad flag", async () => {
    const proc = Bun.spawn(
      [process.execPath, "maelstrom-lib/harness/cli/main.ts", "test", "-w", "echo", ...echoBin, "--bogus"],
      {
        cwd: repo,
        stderr: "pipe",
        stdout: "pipe",
      },
    );
    expect(await proc.exited).toBe(254);
    expect((await new Response(proc.stderr).text()).trim()).toBe("Unknown option: --bogus");
  });

  test("serve takes -p and -b like Maelstrom, and binds this machine only unless -b says otherwise", () => {
    expect(parseCommand(["serve", "-p", "9090"], repo)).toMatchObject({ kind: "serve", port: 9090, host: "127.0.0.1" });
    const shared = parseCommand(["serve", "-b", "0.0.0.0"], repo);
    expect(shared).toMatchObject({ kind: "serve", port: 8080, host: "0.0.0.0" });
  });

  test("without -w the workload is Maelstrom's default, lin-kv; an unknown one lists the ten there are", () => {
    expect(parseTest(...echoBin, "--concurrency", "2n").opts.workload).toBe("lin-kv");
    expect(() => parseTest("-w", "lin-kv-nope", ...echoBin)).toThrow('Unknown workload "lin-kv-nope"');
    expect(workloadNames()).toHaveLength(10);
  });

  test("--version prints the package's version", async () => {
    expect(parseCommand(["--version"], repo)).toEqual({ kind: "version" });
    const proc = Bun.spawn([process.execPath, "maelstrom-lib/harness/cli/main.ts", "--version"], {
      cwd: repo,
      stdout: "pipe",
    });
    expect(await proc.exited).toBe(0);
    expect((await new Response(proc.stdout).text()).trim()).toBe(packageJson.version);
  });

  test("analyze takes a run folder relative to the caller, by default the store's latest run", () => {
    const none = { given: {}, names: [] };
    expect(parseCommand(["analyze"], "/work/x")).toEqual({
      kind: "analyze",
      runDir: "/work/x/store/latest",
      flags: none,
    });
    expect(parseCommand(["analyze", "store/echo/latest"], "/work/x")).toEqual({
      kind: "analyze",
      runDir: "/work/x/store/echo/latest",
      flags: none,
    });
    expect(parseCommand(["analyze", "--store", "/s"], "/work/x")).toEqual({
      kind: "analyze",
      runDir: "/s/latest",
      flags: none,
    });
    expect(() => parseCommand(["analyze", "a", "b"], "/work/x")).toThrow("one run folder");
  });

  test(
    "analyze takes test's options for the checks: only those typed, with Kn concurrency left to the run's node " +
      "count",
    () => {
      const command = parseCommand(
        [
          "analyze",
          "run",
          "-w",
          "broadcast",
          "--node-count",
          "25",
          "--availability",
          "total",
          "--consistency-models",
          "read-committed",
          "--concurrency",
          "2n",
          "--strict",
        ],
        "/work/x",
      );
      expect(command).toEqual({
        kind: "analyze",
        runDir: "/work/x/run",
        flags: {
          given: {
            workload: "broadcast",
            availability: "total",
            consistencyModels: ["read-committed"],
            strict: true,
            nodeIds: Array.from({ length: 25 }, (_, i) => `n${i}`),
          },
          concurrency: "2n",
          names: ["--workload", "--node-count", "--availability", "--consistency-models", "--concurrency", "--strict"],
        },
      });
      expect(() => parseCommand(["analyze", "-w", "nope"], "/work/x")).toThrow('Unknown workload "nope"');
      expect(() => parseCommand(["analyze", "--concurrency", "x"], "/work/x")).toThrow("Invalid --concurrency");
      expect(() => parseCommand(["analyze", "--bin", "a.ts"], "/work/x")).toThrow("Unknown option: --bin");
    },
  );

  test("the caller's folder comes from the package manager only when it started the maelstrom script", () => {
    const bun = {
      npm_lifecycle_event: "maelstrom",
      npm_config_user_agent: "bun/1.4.5 npm/? node/v26",
      npm_config_local_prefix: "/repo/01-echo",
      INIT_CWD: "/stale",
    };
    expect(callerDir(bun, "/repo")).toBe("/repo/01-echo");
    const npm = {
      npm_lifecycle_event: "maelstrom",
      npm_config_user_agent: "npm/10 node/v22",
      npm_config_local_prefix: "/repo",
      INIT_CWD: "/repo/01-echo",
    };
    expect(callerDir(npm, "/repo")).toBe("/repo/01-echo");
    expect(callerDir({ ...bun, npm_lifecycle_event: "test" }, "/repo")).toBe("/repo");
    expect(callerDir({}, "/here")).toBe("/here");
  });

  test("bun run maelstrom from a challenge folder: --bin and --store are relative to that folder", async () => {
    const store = mkdtempSync(join(tmpdir(), "caller-store-"));
    const folder = join(repo, "01-echo");
    try {
      const argv = [
        "run",
        "maelstrom",
        "test",
        "-w",
        "echo",
        "--bin",
        "main.ts",
        "--node-count",
        "1",
        "--time-limit",
        "1",
        "--no-progress",
      ];
      const proc = Bun.spawn([process.execPath, ...argv, "--store", relative(folder, store)], {
        cwd: folder,
        stdout: "pipe",
        stderr: "pipe",
      });
      const exitCode = await proc.exited;
      expect(exitCode, await new Response(proc.stderr).text()).toBe(0);
      expect(readdirSync(join(store, "echo")).length).toBeGreaterThan(0);
      expect(existsSync(join(store, "latest", "results.json"))).toBe(true);
    } finally {
      rmSync(store, { recursive: true, force: true });
    }
  });
});
