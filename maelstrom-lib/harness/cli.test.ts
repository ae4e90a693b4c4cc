import { describe, expect, test } from "bun:test";
import { CliError, parseCommand, parseConcurrency, usage } from "./cli.ts";
import { TEST_FLAGS } from "./config.ts";
import { runMaelstrom } from "./index.ts";

const repo = new URL("../..", import.meta.url).pathname;
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
      const line = text.split("\n").find((row) => row.includes(`--${long}${"arg" in flag ? ` ${flag.arg}` : ""} `) || row.endsWith(`--${long}`));
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

  test("comma lists without spaces stay one model name, as in Maelstrom, with a warning", () => {
    const command = parseTest("-w", "echo", ...echoBin, "--consistency-models", "read-committed,serializable");
    expect(command.opts.consistencyModels).toEqual(["read-committed,serializable"]);
    expect(command.warnings.length).toBe(1);
    expect(parseTest("-w", "echo", ...echoBin, "--consistency-models", "a , b").opts.consistencyModels).toEqual(["a", "b"]);
  });

  test.each([
    [["--frobnicate"], "Unknown option: --frobnicate"],
    [["--rate", "fast"], "Invalid --rate"],
    [["--time-limit", "1.5"], "Invalid --time-limit"],
    [["--concurrency", "xn"], "Invalid --concurrency"],
    [["--latency-dist", "pareto"], "Invalid --latency-dist"],
    [["--nemesis", "kill"], "Invalid --nemesis"],
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

  test("runMaelstrom answers a bad flag with one line and exit 254", async () => {
    const run = await runMaelstrom(["test", "-w", "echo", ...echoBin, "--rate", "many"], { cwd: repo });
    expect(run.exitCode).toBe(254);
    expect(run.output).toEqual(['Invalid --rate "many": must be a number']);
  });

  test("the CLI process exits 254 on a bad flag", async () => {
    const proc = Bun.spawn([process.execPath, "maelstrom-lib/harness/main.ts", "test", "-w", "echo", ...echoBin, "--bogus"], {
      cwd: repo,
      stderr: "pipe",
      stdout: "pipe",
    });
    expect(await proc.exited).toBe(254);
    expect((await new Response(proc.stderr).text()).trim()).toBe("Unknown option: --bogus");
  });

  test("serve takes -p like Maelstrom", () => {
    const command = parseCommand(["serve", "-p", "9090"], repo);
    expect(command).toMatchObject({ kind: "serve", port: 9090, host: "0.0.0.0" });
  });
});
