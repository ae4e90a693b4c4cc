import { describe, expect, test } from "bun:test";
import { CHALLENGES, findChallenge, formatTable, overrideFlags, runChallenge } from "./challenge.ts";
import { TEST_STORE } from "../maelstrom-lib/harness/testdata/test-runs.ts";

describe("challenge commands", () => {
  test("a challenge is found by folder, folder with slash, or number", () => {
    expect(findChallenge("3d-efficient-broadcast-part-1")?.folder).toBe("3d-efficient-broadcast-part-1");
    expect(findChallenge("4-grow-only-counter/")?.folder).toBe("4-grow-only-counter");
    expect(findChallenge("3d")?.folder).toBe("3d-efficient-broadcast-part-1");
    expect(findChallenge("01")?.folder).toBe("01-echo");
    expect(findChallenge("7")).toBeUndefined();
  });

  test("6c runs with a real --nemesis partition (the page's en-dash flag meant it)", () => {
    const [command] = findChallenge("6c")!.commands;
    expect(command!.flags.join(" ")).toContain(
      "--consistency-models read-committed --availability total --nemesis partition",
    );
    expect(command!.flags.join(" ")).not.toContain("–");
    expect(CHALLENGES.flatMap((challenge) => challenge.commands.map((command) => command.label))).toEqual([
      "1",
      "2",
      "3a",
      "3b",
      "3c",
      "3d",
      "3d +partition",
      "3e",
      "3e +partition",
      "4",
      "5a",
      "5b",
      "5c",
      "6a",
      "6b",
      "6b +partition",
      "6c",
    ]);
  });

  test("overrides replace a published flag's value or add a new flag", () => {
    const flags = ["-w", "broadcast", "--time-limit", "20", "--rate", "10"];
    expect(overrideFlags(flags, ["--time-limit", "5", "--seed", "7", "--log-stderr"])).toEqual([
      "-w",
      "broadcast",
      "--time-limit",
      "5",
      "--rate",
      "10",
      "--seed",
      "7",
      "--log-stderr",
    ]);
  });

  test("the table has one aligned row per command, marking stable latencies", () => {
    const table = formatTable([
      {
        label: "3d",
        exitCode: 0,
        verdict: "valid",
        msgsPerOp: 12.345,
        latencyMedianMs: 380,
        latencyMaxMs: 560,
        latencyKind: "stable",
        availability: 1,
        runDir: undefined,
        failureLines: [],
      },
      {
        label: "6c",
        exitCode: 255,
        verdict: "crashed",
        msgsPerOp: undefined,
        latencyMedianMs: undefined,
        latencyMaxMs: undefined,
        latencyKind: undefined,
        availability: undefined,
        runDir: undefined,
        failureLines: ["Node n3 crashed"],
      },
    ]);
    const lines = table.split("\n");
    expect(lines[0]).toMatch(/^challenge\s+verdict\s+msgs-per-op\s+latency median ms\s+latency max ms\s+availability$/);
    expect(lines[2]).toMatch(/^3d\s+valid\s+12\.35\s+380\.0 \(stable\)\s+560\.0 \(stable\)\s+1\.000$/);
    expect(lines[3]).toMatch(/^6c\s+crashed\s+—\s+—\s+—\s+—$/);
  });

  test("challenge 1 runs the echo solution with the published flags (time limit shortened)", async () => {
    const [row] = await runChallenge(findChallenge("1")!, ["--time-limit", "2", "--store", TEST_STORE]);
    expect(row!.exitCode).toBe(0);
    expect(row!.verdict).toBe("valid");
    expect(row!.msgsPerOp).toBe(0);
    expect(row!.availability).toBe(1);
    expect(row!.latencyKind).toBe("op");
    expect(row!.latencyMedianMs).toBeGreaterThan(0);
    expect(row!.latencyMaxMs!).toBeGreaterThanOrEqual(row!.latencyMedianMs!);
  });
});
