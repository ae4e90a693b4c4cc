/**
 * The kill and pause nemesis, under the simulation, where a seed fixes the whole run, and on
 * real node processes, where SIGKILL, SIGSTOP and SIGCONT do the work. The nemesis draws from
 * its own stream of the seed, so each seed below fixes its schedule and targets (named at each
 * test) in both worlds; on real processes the timing of everything else still varies, and the
 * assertions allow for that. The runs are independent, so they run at once.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readJsonl, runAtRepoRoot, testdata } from "../testdata/test-runs.ts";
import { workloadResult } from "../contracts/results.ts";
import { checkSetFull } from "../checkers/set-full.ts";
import { checkEcho } from "../workloads/echo.ts";
import { faultBands } from "../report/fault-bands.ts";
import type { JournalEvent } from "../contracts/journal.ts";
import type { Op } from "../contracts/types.ts";

const run = runAtRepoRoot;
/** The simulation: the node programs run in-process on virtual time. */
const SIM = "--sim";

/** The completions of the nemesis's `f` ops: one op at a time, so each invocation is followed by its completion. */
function nemesisCompletions(history: Op[], f: string): Op[] {
  return history.filter((op) => op.process === "nemesis" && op.f === f).filter((_, i) => i % 2 === 1);
}

/** g-set on one node, killed and restarted: seed 3 kills nothing at 0 s, kills n0 at 0.96 s, restarts it at 1.90 s. */
const G_SET_UNDER_KILL = [
  "-w",
  "g-set",
  "--node-count",
  "1",
  "--time-limit",
  "4",
  "--rate",
  "20",
  "--concurrency",
  "5",
  "--nemesis",
  "kill",
  "--nemesis-interval",
  "0.5",
  "--seed",
  "3",
  SIM,
];

describe("the kill nemesis (simulated)", () => {
  test.concurrent("a set kept only in node memory loses the adds acknowledged before a kill (listed); the same set " +
    "in lin-kv loses none", async () => {
    const [memory, linKv] = await Promise.all([
      run(...G_SET_UNDER_KILL, "--bin", `${testdata}/g-set-crdt.ts`),
      run(...G_SET_UNDER_KILL, "--bin", `${testdata}/g-set-lin-kv.ts`),
    ]);
    for (const outcome of [memory, linKv]) {
      const history = readJsonl<Op>(join(outcome.runDir!, "history.jsonl"));
      const kills = nemesisCompletions(history, "kill");
      expect(kills.some((op) => (op.value as Record<string, string>).n0 === "killed")).toBe(true);
      // The report's bands say what each kill hit; every one is closed by a start.
      const bands = faultBands(history);
      expect(bands.length).toBe(kills.length);
      expect(bands.some((band) => /^killed n0 \(/.test(band.label) && band.end !== undefined)).toBe(true);
      // The final phase starts every killed node again before its reads.
      const starts = nemesisCompletions(history, "start");
      expect(starts.at(-1)!.value).toEqual({ n0: expect.stringMatching(/^(started|already-running)$/) });
      const log = readFileSync(join(outcome.runDir!, "node-logs", "n0.log"), "utf8");
      expect(log).toMatch(/--- restarted by the nemesis at \d+\.\d s \(killed at \d+\.\d s\) ---/);
      expect(outcome.results!["abort-type"]).toBeUndefined(); // a kill is no crash
    }
    expect(memory.exitCode).toBe(1);
    const lost = workloadResult(memory.results, checkSetFull);
    expect(lost["lost-count"]).toBeGreaterThan(0);
    expect(lost.lost.length).toBe(lost["lost-count"]);
    // Every lost element was acknowledged before the kill of n0.
    const history = readJsonl<Op>(join(memory.runDir!, "history.jsonl"));
    const firstKillNs = nemesisCompletions(history, "kill").find(
      (op) => (op.value as Record<string, string>).n0 === "killed",
    )!.time;
    for (const element of lost.lost) {
      const ack = history.find((op) => op.f === "add" && op.type === "ok" && op.value === element)!;
      expect(ack.time).toBeLessThan(firstKillNs);
    }
    expect(linKv.exitCode).toBe(0);
    expect(workloadResult(linKv.results, checkSetFull)["lost-count"]).toBe(0);
  }, 90_000);

  test.concurrent("a kill that lands while a restarted node is still in its init is handled: started again, run " +
    "not aborted", async () => {
    // Seed 4: nothing killed at 0 s, kill n0 at 1.78 s, start it at 2.04 s, kill it at 2.11 s (within the
    // 600 ms its init takes), start at 2.77 s, kill at 2.83 s (in init again), start at 2.88 s.
    const outcome = await run(
      "-w",
      "g-set",
      "--bin",
      `${testdata}/g-set-lin-kv.ts`,
      "--node-count",
      "1",
      "--time-limit",
      "4",
      "--rate",
      "20",
      "--concurrency",
      "10",
      "--nemesis",
      "kill",
      "--nemesis-interval",
      "0.5",
      "--seed",
      "4",
      SIM,
      "slow-start",
    );
    expect(outcome.results!["abort-type"]).toBeUndefined();
    expect(outcome.exitCode).toBe(0);
    const history = readJsonl<Op>(join(outcome.runDir!, "history.jsonl"));
    const journal = readJsonl<JournalEvent>(join(outcome.runDir!, "net-journal.jsonl"));
    const initsSent = journal
      .filter((e) => e.type === "send" && e.dest === "n0" && e.body.type === "init")
      .map((e) => e.time);
    const initOks = journal
      .filter((e) => e.type === "send" && e.src === "n0" && e.body.type === "init_ok")
      .map((e) => e.time);
    const killsInInit = nemesisCompletions(history, "kill").filter((kill) => {
      if ((kill.value as Record<string, string>).n0 !== "killed") return false;
      const lastInit = Math.max(...initsSent.filter((t) => t < kill.time));
      return !initOks.some((t) => t > lastInit && t < kill.time);
    });
    expect(killsInInit.length).toBeGreaterThan(0);
    // Started again after it: a later init was answered.
    expect(initOks.some((t) => t > killsInInit[0]!.time)).toBe(true);
    // Every process's stderr is in the one log: the first's, then each restart's after its marker
    // (a process killed within milliseconds of its start may not have written anything).
    const log = readFileSync(join(outcome.runDir!, "node-logs", "n0.log"), "utf8")
      .trim()
      .split("\n");
    const starts = nemesisCompletions(history, "start").filter(
      (op) => (op.value as Record<string, string>).n0 === "started",
    );
    expect(log.filter((line) => line.startsWith("--- restarted by the nemesis")).length).toBe(starts.length);
    expect(log[0]).toMatch(/^g-set-lin-kv starting/);
    const lastMarker = log.findLastIndex((line) => line.startsWith("--- restarted"));
    expect(log[lastMarker + 1]).toMatch(/^g-set-lin-kv starting/); // the final start is never killed
    // The first instance, and two or more restarts, each its own.
    expect(log.filter((line) => line.startsWith("g-set-lin-kv starting")).length).toBe(starts.length + 1);
    expect(starts.length).toBeGreaterThanOrEqual(2);
  }, 60_000);
});

/**
 * The crash and pause tests run in both worlds: the simulation, and real processes that SIGKILL, SIGSTOP and SIGCONT
 * act on.
 */
const WORLDS = [
  { world: "simulated", flags: [SIM] },
  { world: "real processes", flags: [] },
] as const;

for (const { world, flags } of WORLDS) {
  describe(`a crash beside a kill (${world})`, () => {
    test.concurrent("a node that exits by itself still ends the run with 255, while the one the nemesis killed is " +
      "no crash", async () => {
      // Seed 11: the one kill, at 0 s, hits n1 only; the next op would come after the time limit.
      const outcome = await run(
        "-w",
        "echo",
        "--bin",
        `${testdata}/exits-early.ts`,
        "--node-count",
        "2",
        "--time-limit",
        "10",
        "--rate",
        "20",
        "--nemesis",
        "kill",
        "--nemesis-interval",
        "100",
        "--seed",
        "11",
        ...flags,
      );
      expect(outcome.exitCode).toBe(255);
      expect(outcome.results!["abort-type"]).toBe("node-crashed");
      expect(outcome.results!.aborted).toBe("node-crashed: Node n0 crashed with exit status 3");
      expect(outcome.results!.errors!.crashes!.map((crash) => crash.node)).toEqual(["n0"]);
      const history = readJsonl<Op>(join(outcome.runDir!, "history.jsonl"));
      expect(nemesisCompletions(history, "kill").map((op) => op.value)).toEqual([{ n1: "killed" }]);
    }, 30_000);
  });

  describe(`the pause nemesis (${world})`, () => {
    test.concurrent("ops time out while the node is paused and succeed again once it resumes; its late replies " +
      "break nothing", async () => {
      // Maelstrom's echo checker passes over echoes that timed out (Knossos' pairs leave an :info
      // unpaired), so the run is valid, timeouts and all.
      // Seed 8: pause n0 at 0 s, resume it at 6.28 s, nothing more before the 8 s limit.
      const outcome = await run(
        "-w",
        "echo",
        "--bin",
        "01-echo/main.ts",
        "--node-count",
        "1",
        "--time-limit",
        "8",
        "--rate",
        "10",
        "--nemesis",
        "pause",
        "--nemesis-interval",
        "4",
        "--seed",
        "8",
        ...flags,
      );
      expect(outcome.exitCode).toBe(0);
      expect(outcome.results!.errors?.["protocol-violations"] ?? []).toEqual([]);
      expect(workloadResult(outcome.results, checkEcho).errors).toEqual([]);
      const history = readJsonl<Op>(join(outcome.runDir!, "history.jsonl"));
      const pause = nemesisCompletions(history, "pause")[0]!;
      const resume = nemesisCompletions(history, "resume")[0]!;
      expect(pause.value).toEqual({ n0: "paused" });
      expect(resume.value).toEqual({ n0: "resumed" });
      const echoes = history.filter((op) => op.process !== "nemesis");
      const completionOf = (invoke: Op) =>
        echoes.find((op) => op.type !== "invoke" && op.process === invoke.process && op.index! > invoke.index!)!;
      const invokes = echoes.filter((op) => op.type === "invoke");
      // Invoked more than the 5 s client timeout before the resume and not answered before the pause: timed out,
      // indeterminate.
      const duringPause = invokes.filter((op) => op.time < resume.time - 5.2e9 && completionOf(op).time > pause.time);
      expect(duringPause.length).toBeGreaterThan(0);
      for (const invoke of duringPause)
        expect(completionOf(invoke)).toMatchObject({ type: "info", error: "net-timeout" });
      // Invoked after the resume: answered.
      const afterResume = invokes.filter((op) => op.time > resume.time + 0.1e9 && completionOf(op));
      expect(afterResume.length).toBeGreaterThan(3);
      for (const invoke of afterResume) expect(completionOf(invoke).type).toBe("ok");
      // The echo it answered late went to a client that had gone: dropped, not a protocol violation.
      expect(outcome.output.join("\n")).toMatch(
        /INFO \d+ late repl(y|ies) to clients that had timed out while their node was paused: dropped/,
      );
    }, 40_000);
  });
}

describe("the kill nemesis on real processes", () => {
  test.concurrent("a kill that lands while a restarted process is still in its init is handled: started again, run " +
    "not aborted", async () => {
    // Seed 4, as above: kill n0 at 1.78 s, start it at 2.04 s, kill it at 2.11 s (within the 600 ms its
    // init takes), start at 2.77 s, kill at 2.83 s (in init again), start at 2.88 s.
    const outcome = await run(
      "-w",
      "echo",
      "--bin",
      `${testdata}/slow-start-echo.ts`,
      "--node-count",
      "1",
      "--time-limit",
      "4",
      "--rate",
      "20",
      "--nemesis",
      "kill",
      "--nemesis-interval",
      "0.5",
      "--seed",
      "4",
    );
    expect(outcome.results!["abort-type"]).toBeUndefined();
    const history = readJsonl<Op>(join(outcome.runDir!, "history.jsonl"));
    const journal = readJsonl<JournalEvent>(join(outcome.runDir!, "net-journal.jsonl"));
    const initOks = journal
      .filter((e) => e.type === "send" && e.src === "n0" && e.body.type === "init_ok")
      .map((e) => e.time);
    const kills = nemesisCompletions(history, "kill").filter(
      (kill) => (kill.value as Record<string, string>).n0 === "killed",
    );
    const starts = nemesisCompletions(history, "start").filter(
      (op) => (op.value as Record<string, string>).n0 === "started",
    );
    // A kill with no init_ok since the start before it landed in that process's init.
    const killsInInit = kills.filter((kill) => {
      const lastStart = Math.max(...starts.map((op) => op.time).filter((t) => t < kill.time));
      return !initOks.some((t) => t > lastStart && t < kill.time);
    });
    expect(killsInInit.length).toBeGreaterThan(0);
    expect(initOks.some((t) => t > killsInInit[0]!.time)).toBe(true);
    // Each restart is a new process, with its own pid, its stderr after its marker in the one log.
    const log = readFileSync(join(outcome.runDir!, "node-logs", "n0.log"), "utf8")
      .trim()
      .split("\n");
    expect(log.filter((line) => line.startsWith("--- restarted by the nemesis")).length).toBe(starts.length);
    const pids = new Set(log.filter((line) => line.startsWith("slow-start-echo starting")));
    expect(pids.size).toBeGreaterThanOrEqual(3); // the first process, and two or more restarts
  }, 30_000);
});
