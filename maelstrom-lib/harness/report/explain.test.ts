/**
 * The verdict explained: real checkers run on small histories broken in one known way, and
 * real runs of broken nodes (report/testdata/) for the aborted kinds; each explanation must
 * name the anomaly and its example.
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkCounter } from "../checkers/counter.ts";
import { analysisOf, checkRwRegister } from "../checkers/elle/rw-register.ts";
import { checkKafka } from "../checkers/kafka/index.ts";
import { checkLinearizable } from "../checkers/linearizable/index.ts";
import { checkSetFull } from "../checkers/set-full.ts";
import { checkEcho } from "../workloads/echo.ts";
import { explainRun, explanationLines, whyInBrief } from "./explain.ts";
import { runMaelstrom } from "../index.ts";
import type { RunResults } from "../contracts/results.ts";
import type { CheckResult, Op, Workload } from "../contracts/types.ts";
import { WORKLOADS } from "../workloads/index.ts";

const MS = 1_000_000;
type Step = [
  process: number,
  f: string,
  invoke: unknown,
  completion: unknown,
  type?: "ok" | "fail" | "info",
  final?: boolean,
];

/** A history of sequential ops, each 100 ms apart and taking 50 ms, on node n0. */
function historyOf(steps: Step[]): Op[] {
  const ops: Op[] = [];
  steps.forEach(([process, f, invoke, completion, type = "ok", final], i) => {
    const extra = final ? { final: true } : {};
    ops.push({
      index: ops.length,
      time: (100 * i + 100) * MS,
      type: "invoke",
      process,
      f,
      value: invoke,
      node: "n0",
      ...extra,
    });
    ops.push({
      index: ops.length,
      time: (100 * i + 150) * MS,
      type,
      process,
      f,
      value: completion,
      node: "n0",
      ...extra,
    });
  });
  return ops;
}

/** The registered workload of this name (its checker's explainer explains the result). */
function workloadNamed(name: string): Workload {
  const workload = WORKLOADS.get(name);
  if (!workload) throw new Error(`no workload ${name}`);
  return workload;
}

/** Writes history.jsonl into a fresh run folder and explains `{workload: result}` as `workloadName`'s. */
async function explainWorkload(history: Op[], result: CheckResult, workloadName: string) {
  const runDir = join(mkdtempSync(join(tmpdir(), "explain-test-")), "store", "w", "20260101T000000.000Z");
  await Bun.write(join(runDir, "history.jsonl"), history.map((op) => JSON.stringify(op)).join("\n") + "\n");
  const results = { workload: result, "valid?": result["valid?"] };
  const explanation = await explainRun(results, workloadNamed(workloadName), runDir);
  return { explanation, lines: explanationLines(explanation, runDir) };
}

/** The echo workload, whose checker explains the made-up results below. */
const ECHO = workloadNamed("echo");

describe("explaining an invalid workload", () => {
  test("lost broadcast: the count, the values, when the value was acknowledged and which reads missed it", async () => {
    const history = historyOf([
      [0, "broadcast", 0, 0],
      [1, "broadcast", 1, 1],
      [0, "read", null, [0, 1]],
      [1, "broadcast", 2, 2],
      [0, "read", null, [0]],
      [1, "read", null, [0], "ok", true],
    ]);
    const result = checkSetFull(history, { addF: "broadcast", readF: "read" });
    expect(result.lost).toEqual([1, 2]);
    const { explanation, lines } = await explainWorkload(history, result, "broadcast");
    expect(explanation.outcome).toBe("invalid");
    expect(explanation.headline).toBe("Invalid: workload found a problem.");
    expect(explanation.checkers[0]!.summary).toStartWith("lost 2 values, e.g. 1, 2");
    const [lostOne, lostTwo] = explanation.checkers[0]!.findings;
    expect(lostOne!.text).toBe(
      "1: acknowledged at 0.25 s on n0; last returned by a read on n0 at 0.35 s; 2 reads after that missed it, the " +
        "last on n0 at 0.65 s (a final read)",
    );
    expect(lostOne!.ops).toEqual([3, 5, 11]);
    expect(lostTwo!.text).toContain(
      "2: acknowledged at 0.45 s on n0; no read ever returned it; 2 reads after that missed it",
    );
    expect(lines).toContain(
      "workload invalid: lost 2 values, e.g. 1, 2: acknowledged, then missing from every read after some point",
    );
    expect(
      lines.some((line) => line.includes("bun run maelstrom serve") && line.includes("/w/20260101T000000.000Z/")),
    ).toBe(true);
  });

  test("G1b txn: the anomaly type with its count and Elle's explanation of the first case", async () => {
    const history = historyOf([
      [
        0,
        "txn",
        [
          ["w", 0, null],
          ["w", 0, null],
        ],
        [
          ["w", 0, 1],
          ["w", 0, 2],
        ],
      ],
      [1, "txn", [["r", 0, null]], [["r", 0, 1]]],
    ]);
    const result = checkRwRegister(history, { consistencyModels: ["read-committed"] });
    expect(analysisOf(result)["anomaly-types"]).toContain("G1b");
    const { explanation, lines } = await explainWorkload(history, result, "txn-rw-register");
    const workload = explanation.checkers[0]!;
    expect(workload.summary).toContain("G1b 1");
    const g1b = workload.findings.find((finding) => finding.text.startsWith("G1b: "))!;
    expect(g1b.text).toBe("G1b: T3 read key 0 = 1, an intermediate value that T1 overwrote within the same txn");
    expect(g1b.ops).toEqual([3, 1]);
    // The transactions it names, with their operations, right under it.
    const named = ['T3 = [["r",0,1]] (ok, process 1 on n0)', 'T1 = [["w",0,1],["w",0,2]] (ok, process 0 on n0)'];
    expect(g1b.details).toEqual(named);
    const at = lines.indexOf(`  - ${g1b.text}`);
    expect(lines.slice(at + 1, at + 3)).toEqual(named.map((line) => `      ${line}`));
    expect(g1b.file).toBeUndefined(); // no elle/ folder in this run

    // With the elle/ file the workload writes, the finding points to its other cases.
    const runDir = mkdtempSync(join(tmpdir(), "explain-elle-"));
    await Bun.write(join(runDir, "elle", "G1b.txt"), "T3 read key 0 = 1, …\n");
    const withFile = await explainRun({ workload: result, "valid?": false }, workloadNamed("txn-rw-register"), runDir);
    expect(withFile.checkers[0]!.findings[0]!.file).toBe("elle/G1b.txt");
    expect(explanationLines(withFile, runDir, runDir)).toContain("      more cases: elle/G1b.txt");
  });

  test(
    "lost broadcast with null reads: " + "a null read (a Go nil slice) counts as a read that missed the value",
    async () => {
      const history = historyOf([
        [0, "broadcast", 0, 0],
        [0, "read", null, [0]],
        [0, "read", null, null],
        [1, "read", null, null, "ok", true],
      ]);
      const result = checkSetFull(history, { addF: "broadcast", readF: "read" });
      expect(result.lost).toEqual([0]);
      const { explanation } = await explainWorkload(history, result, "broadcast");
      expect(explanation.checkers[0]!.findings[0]!.text).toContain(
        "2 reads after that missed it, the last on n0 at 0.45 s (a final read)",
      );
    },
  );

  test("kafka lost write: the key, the offset, the message and the poll that read past it", async () => {
    const send = (msg: number, offset: number): Step => [
      0,
      "send",
      [["send", "k", msg]],
      [["send", "k", [offset, msg]]],
    ];
    const history = historyOf([
      send(10, 0),
      send(11, 1),
      send(12, 2),
      [
        1,
        "poll",
        [["poll"]],
        [
          [
            "poll",
            {
              k: [
                [0, 10],
                [2, 12],
              ],
            },
          ],
        ],
      ],
    ]);
    const result = checkKafka(history);
    expect(result["bad-error-types"]).toContain("lost-write");
    const { explanation } = await explainWorkload(history, result, "kafka");
    const workload = explanation.checkers[0]!;
    expect(workload.summary).toContain("lost-write 1");
    const lost = workload.findings.find((finding) => finding.text.startsWith("lost-write: "))!;
    expect(lost.text).toBe(
      'lost-write: key "k" offset 1: message 11 was sent ok at 0.25 s, but no poll returned it, though a poll at ' +
        "0.45 s read past it (up to index 2 of the key's log)",
    );
    expect(lost.ops).toEqual([3, 7]);
  });

  test(
    "lin-kv: the keys not linearizable, each with its op explained, " + "read under results/<key>/linearizable",
    async () => {
      const history = historyOf([
        [0, "write", [7, 1], [7, 1]],
        [1, "write", [7, 2], [7, 2]],
        [0, "read", [7, null], [7, 1]],
        [1, "write", [8, 5], [8, 5]],
        [1, "read", [8, null], [8, 5]],
      ]);
      const result = checkLinearizable(history);
      const { explanation } = await explainWorkload(history, result, "lin-kv");
      const workload = explanation.checkers[0]!;
      expect(workload.summary).toBe("key 7 not linearizable");
      expect(workload.findings).toHaveLength(1);
      expect(workload.findings[0]!.text).toStartWith(
        "key 7: read 1 by process 0 at 0.300–0.350 s cannot be linearized",
      );
      expect(workload.findings[0]!.ops).toEqual([5]);
    },
  );

  test("counter: the wrong final read and the totals that were possible", async () => {
    const history = historyOf([
      [0, "add", 3, 3],
      [1, "add", 4, 4, "info"],
      [0, "read", null, 5, "ok", true],
    ]);
    const result = checkCounter(history);
    expect(result["valid?"]).toBe(false);
    const { explanation } = await explainWorkload(history, result, "g-counter");
    const workload = explanation.checkers[0]!;
    expect(workload.summary).toBe("1 of 1 final read returned an impossible total (possible: 3 or 7)");
    expect(workload.findings[0]!.text).toBe("final read on n0 at 0.35 s returned 5, but the adds sum to 3 or 7");
  });
});

describe("each checker explains its own result", () => {
  test(
    "lin-kv: the key that is not linearizable, in the analysis' words, with its op; a linearizable key says " +
      "nothing",
    async () => {
      const history = historyOf([
        [0, "write", [0, 1], [0, 1]],
        [1, "read", [0, null], [0, 2]],
        [0, "write", [1, 5], [1, 5]],
        [1, "read", [1, null], [1, 5]],
      ]);
      const result = checkLinearizable(history);
      expect(result.failures).toEqual([0]);
      const { explanation } = await explainWorkload(history, result, "lin-kv");
      const [workload] = explanation.checkers;
      expect(workload!.summary).toBe("key 0 not linearizable");
      expect(workload!.findings).toHaveLength(1);
      expect(workload!.findings[0]!.text).toStartWith("key 0: ");
      expect(workload!.findings[0]!.text).toContain("cannot be linearized");
      expect(workload!.findings[0]!.ops).toEqual([3]);
      const valid = historyOf([
        [0, "write", [1, 5], [1, 5]],
        [1, "read", [1, null], [1, 5]],
      ]);
      expect((await explainWorkload(valid, checkLinearizable(valid), "lin-kv")).explanation.checkers).toEqual([]);
    },
  );

  test(
    "a workload checker that threw: could not check, " + "with the first line of why, whatever the workload",
    async () => {
      const threw = { "valid?": "unknown" as const, error: "TypeError: boom\n    at checkSetFull (set-full.ts:1:1)" };
      const { explanation } = await explainWorkload([], threw, "broadcast");
      expect(explanation.outcome).toBe("unknown");
      expect(explanation.checkers).toEqual([
        { checker: "workload", valid: "unknown", summary: "could not check: TypeError: boom", findings: [] },
      ]);
    },
  );

  test("stats, availability and findings beyond Maelstrom under --strict explain themselves", async () => {
    const counts = { count: 4, "ok-count": 0, "fail-count": 3, "info-count": 1 };
    const results = {
      "valid?": false as const,
      stats: { ...counts, "valid?": false, "by-f": { read: { ...counts, "valid?": false } } },
      availability: { "valid?": false, "ok-fraction": 0.25 },
      "beyond-maelstrom": { "valid?": false, strict: true, findings: [{ check: "G0", description: "a write cycle" }] },
    };
    const explanation = await explainRun(results, undefined, undefined);
    expect(explanation.headline).toBe("Invalid: stats, availability, beyond-maelstrom found problems.");
    expect(
      explanation.checkers.map((checker) => [checker.summary, checker.findings.map((finding) => finding.text)]),
    ).toEqual([
      ["no read ever succeeded", ["read: 4 completed, 0 ok (3 fail, 1 info)"]],
      ["only 25.0% of operations succeeded, below what --availability asks", []],
      ["1 finding beyond Maelstrom's checks, which --strict counts", ["G0: a write cycle"]],
    ]);
  });
});

describe("explaining the rest", () => {
  test("echo: what was sent and what came back instead", async () => {
    const history = historyOf([
      [0, "echo", "Please echo 7", { echo: "Please echo 7" }],
      [1, "echo", "Please echo 8", { echo: "Please echo 9" }],
    ]);
    const { explanation } = await explainWorkload(history, checkEcho(history), "echo");
    expect(explanation.checkers[0]!.summary).toBe("1 echo did not come back as sent");
    expect(explanation.checkers[0]!.findings[0]!.text).toBe(
      'sent "Please echo 8", got echo_ok with "Please echo 9" at 0.25 s on n0',
    );
  });

  test("a protocol violation comes first: the node, the reason and the line", async () => {
    const violation = {
      node: "n0",
      type: "line-not-valid-json" as const,
      reason: "invalid JSON on stdout",
      line: "got an echo",
    };
    const results = { "valid?": true, errors: { "protocol-violations": [violation] } };
    const explanation = await explainRun(results, undefined, undefined);
    expect(explanation.violations).toEqual([{ node: "n0", reason: "invalid JSON on stdout", line: "got an echo" }]);
    expect(explanationLines(explanation, undefined)).toEqual([
      "Protocol: n0 broke the protocol (invalid JSON on stdout); Maelstrom ignores a node's output from its first " +
        "bad line on, " +
        "so its later replies never arrived. The line:",
      "    got an echo",
    ]);
  });

  test("an aborted setup is named as Maelstrom names it, and the node log stands in for missing tails", async () => {
    const runDir = mkdtempSync(join(tmpdir(), "explain-setup-"));
    await Bun.write(join(runDir, "node-logs", "n0.log"), "starting\ntopology looks odd\n");
    const reason =
      'Setup of node n0 failed: Malformed RPC response: disallowed key "extra": ' +
      '{"type":"topology_ok","extra":1,"in_reply_to":1}';
    const results = {
      "valid?": "unknown" as const,
      aborted: `malformed-rpc-response: ${reason}`,
      "abort-type": "malformed-rpc-response",
      errors: { crashes: [], "protocol-violations": [] },
    };
    const explanation = await explainRun(results, undefined, runDir);
    expect(explanation.abort).toEqual({
      kind: "malformed-rpc-response",
      reason,
      node: "n0",
      stdoutTail: [],
      stderrTail: ["starting", "topology looks odd"],
    });
  });
});

describe("why in brief (the runs list)", () => {
  const unmatched = (type: string) => ({
    count: 1,
    examples: [{ type, text: `n0 sent c0 an ${type} with no in_reply_to; the client cannot match it` }],
  });

  test("the cause first: a protocol violation or an unmatched reply before the checker it failed", () => {
    const violation = { node: "n2", reason: "non-protocol text on stdout. Stdout carries only JSON", line: "hi" };
    const echoFailed = { workload: { "valid?": false, errors: [{ expected: "a", received: null }] }, "valid?": false };
    expect(whyInBrief(echoFailed as RunResults, ECHO)).toBe("workload: 1 echo did not come back as sent");
    const violated = { ...echoFailed, errors: { "protocol-violations": [violation] } };
    expect(whyInBrief(violated as unknown as RunResults, ECHO)).toBe(
      "n2 broke the protocol: non-protocol text on stdout",
    );
    const unanswered = { ...echoFailed, errors: { "unmatched-replies": unmatched("echo_ok") } };
    expect(whyInBrief(unanswered as unknown as RunResults, ECHO)).toBe("n0 sent c0 an echo_ok with no in_reply_to");
    expect(whyInBrief({ ...echoFailed, "valid?": true } as RunResults, ECHO)).toBe("");
    expect(whyInBrief(undefined, ECHO)).toBe("no results.json: stopped before its analysis");
  });

  test("an abort gives its name and reason; an init that timed out on an unmatched init_ok names that instead", () => {
    const reason = "init-failed: Expected node n0 to respond to an init message, but node did not respond";
    const aborted = { "valid?": "unknown", aborted: reason, "abort-type": "init-failed" };
    expect(whyInBrief(aborted as RunResults, ECHO)).toBe(reason);
    const unmatchedInit = { ...aborted, errors: { "unmatched-replies": unmatched("init_ok") } };
    expect(whyInBrief(unmatchedInit as RunResults, ECHO)).toBe(
      "init-failed: n0 sent c0 an init_ok with no in_reply_to",
    );
  });
});

describe("explaining an aborted run (real broken nodes)", () => {
  const storeDir = join(mkdtempSync(join(tmpdir(), "explain-abort-")), "store");
  const run = (bin: string) =>
    runMaelstrom([
      "test",
      "-w",
      "echo",
      "--bin",
      join(import.meta.dir, "testdata", bin),
      "--node-count",
      "1",
      "--time-limit",
      "2",
      "--rate",
      "10",
      "--store",
      storeDir,
    ]);

  test("init-failed: the reason, the node's stderr, the node log", async () => {
    const outcome = await run("init-error.ts");
    expect(outcome.exitCode).toBe(255);
    const explanation = await explainRun(outcome.results, workloadNamed("echo"), outcome.runDir);
    expect(explanation.outcome).toBe("aborted");
    expect(explanation.abort).toMatchObject({
      kind: "init-failed",
      node: "n0",
      stderrTail: ["refusing to initialize"],
    });
    expect(explanation.headline).toBe(
      "Aborted (init-failed): Expected an init_ok message, but node n0 responded with error 13 (crash): cannot " +
        "open my database",
    );
    expect(outcome.output).toContain(
      "Why (init-failed): Expected an init_ok message, but node n0 responded with error 13 (crash): cannot open my " +
        "database",
    );
    expect(outcome.output.some((line) => line.startsWith("Node log: ") && line.endsWith("node-logs/n0.log"))).toBe(
      true,
    );
  }, 30_000);

  test("node-crashed: the exit status and the node's last lines", async () => {
    const outcome = await run("crashes-after-init.ts");
    expect(outcome.exitCode).toBe(255);
    const explanation = await explainRun(outcome.results, workloadNamed("echo"), outcome.runDir);
    expect(explanation.abort).toMatchObject({ kind: "node-crashed", node: "n0" });
    expect(explanation.abort!.stderrTail).toContain("echo budget exhausted: exiting with status 3");
    expect(explanation.abort!.stdoutTail.at(-1)).toContain('"type":"echo_ok"');
    expect(outcome.output.some((line) => /^Why \(node-crashed\): Node n0 crashed with exit status 3/.test(line))).toBe(
      true,
    );
  }, 30_000);
});
