/**
 * results.edn, history.edn, history.txt and jepsen.log: what Maelstrom's files hold, laid out so that the
 * scripts in public Gossip Glomers repos work on them, and read back by Clojure's own EDN reader
 * (when `clojure` is installed) to the same values as our JSON files.
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestOptions } from "../contracts/options.ts";
import { historyTxtLine, opToEdn, resultsToEdn } from "./edn-files.ts";
import { saveBeforeAnalysis, saveResults } from "./store.ts";
import type { RunResults } from "../contracts/results.ts";
import { pprintEdn, printEdn } from "../primitives/edn.ts";
import { runMaelstrom } from "../index.ts";
import type { CheckResult, Op } from "../contracts/types.ts";
import { readEdn } from "../primitives/edn-read.ts";
import { plainOf } from "./jepsen-store.ts";
import { resultsJsonText } from "../contracts/results.ts";

const repo = new URL("../../..", import.meta.url).pathname;

/** Ops of every shape the workloads record: txn micro-ops, kafka polls, errors, the nemesis, big ids. */
const sampleHistory: Op[] = [
  {
    index: 0,
    time: 1_000_000,
    type: "invoke",
    process: 0,
    f: "txn",
    value: [
      ["r", 0, null],
      ["w", 2, 1],
    ],
    node: "n0",
  },
  {
    index: 1,
    time: 2_500_000,
    type: "ok",
    process: 0,
    f: "txn",
    value: [
      ["r", 0, 3],
      ["w", 2, 1],
    ],
    node: "n0",
  },
  { index: 2, time: 3_000_000, type: "invoke", process: 1, f: "poll", value: [["poll"]], node: "n1" },
  {
    index: 3,
    time: 3_500_000,
    type: "ok",
    process: 1,
    f: "poll",
    value: [
      [
        "poll",
        {
          "3": [
            [7, 5],
            [8, 6],
          ],
          "12": [],
        },
      ],
    ],
    node: "n1",
  },
  { index: 4, time: 4_000_000, type: "invoke", process: 2, f: "echo", value: 'quote " and\nnewline ü', node: "n0" },
  {
    index: 5,
    time: 9_000_000,
    type: "info",
    process: 2,
    f: "echo",
    value: 'quote " and\nnewline ü',
    error: "net-timeout",
    node: "n0",
  },
  {
    index: 6,
    time: 9_100_000,
    type: "fail",
    process: 1,
    f: "send",
    value: [["send", "3", 9]],
    error: ["key-does-not-exist", "no such key"],
    node: "n1",
  },
  {
    index: 7,
    time: 9_200_000,
    type: "info",
    process: "nemesis",
    f: "start-partition",
    value: ["isolated", { n0: ["n1"], n1: ["n0", "n2"] }],
  },
  { index: 8, time: 9_300_000, type: "invoke", process: 3, f: "generate", value: null, final: true, node: "n0" },
  {
    index: 9,
    time: 9_400_000,
    type: "ok",
    process: 3,
    f: "generate",
    value: JSON.rawJSON("18446744073709551615"),
    final: true,
    node: "n0",
  },
];

const sampleResults: CheckResult = {
  availability: { "valid?": true, "ok-fraction": 0.9 },
  net: { servers: { "msg-count": 126, "msgs-per-op": 3.0731706619262695 }, "valid?": true },
  workload: {
    "valid?": false,
    "stable-latencies": { "0": 0, "0.5": 182, "0.95": 190, "0.99": 200, "1": 204 },
    lost: [3, 7],
    "anomaly-types": ["G1b"],
    "allowed-anomaly-types": ["G2-item"],
    anomalies: {
      G1b: [
        { op: { index: 1, process: 0, type: "ok", value: [["r", 0, 3]] }, mop: ["r", 0, 3], explanation: "T1 read 3" },
      ],
    },
    not: ["read-committed"],
    "also-not": ["serializable", "repeatable-read"],
  },
  kafka: { "valid?": "unknown", "worst-realtime-lag": { time: 22.010139204, key: "2" } },
  exceptions: {
    "valid?": true,
    exceptions: [{ count: 1, class: "clojure.lang.ExceptionInfo", example: sampleHistory[5]! }],
  },
  "valid?": false,
};

const options = { concurrency: 2 } as TestOptions;

describe("what the EDN holds", () => {
  test("results: keyword names, numeric quantile keys in order, seqs, sets and Floats as Maelstrom prints them", () => {
    const text = pprintEdn(resultsToEdn(sampleResults));
    const flat = text.replace(/\n +/g, " ");
    const expected = [
      ":stable-latencies {0 0, 0.5 182, 0.95 190, 0.99 200, 1 204}",
      ":lost (3 7)",
      ":anomaly-types [:G1b]",
      ":allowed-anomaly-types [:G2-item]",
      ":not #{:read-committed}",
      ":also-not #{:serializable :repeatable-read}",
      ":mop [:r 0 3]",
      "{:index 1, :type :ok, :process 0, :value [[:r 0 3]]}",
      ":msgs-per-op 3.0731707",
      ":ok-fraction 0.9",
      ":valid? :unknown",
      ':key "2"',
      ':exceptions ({:count 1, :class "clojure.lang.ExceptionInfo", :example {:index 5,',
    ];
    for (const fragment of expected) expect(flat).toContain(fragment);
    expect(text.startsWith("{:availability {:valid? true, :ok-fraction 0.9},\n :net ")).toBe(true);
    expect(text.endsWith("\n :valid? false}\n")).toBe(true);
  });

  test("history: one op per line in Jepsen's key order, payloads as the node sent them", () => {
    const lines = sampleHistory.map((op) => printEdn(opToEdn(op)));
    expect(lines[0]).toBe(
      '{:index 0, :time 1000000, :type :invoke, :process 0, :f :txn, :value [[:r 0 nil] [:w 2 1]], :node "n0"}',
    );
    expect(lines[3]).toContain(":value [[:poll {3 [[7 5] [8 6]], 12 []}]]");
    expect(lines[5]).toContain(':value "quote \\" and\\nnewline ü", :error :net-timeout');
    expect(lines[6]).toContain(':error [:key-does-not-exist "no such key"]');
    expect(lines[7]).toBe(
      '{:index 7, :time 9200000, :type :info, :process :nemesis, :f :start-partition, :value [:isolated {"n0" ' +
        '#{"n1"}, "n1" #{"n0" "n2"}}]}',
    );
    expect(lines[9]).toContain(":value 18446744073709551615, :final? true");
    for (const line of lines) expect(line).not.toContain("\n");
  });

  test("history.txt: jepsen.util's prn-op, tab-separated, the error print'ed with its strings bare", () => {
    // Lines of this shape, from history.txt files real Maelstrom 0.2.3 wrote:
    //   0	:info	:txn	[[:r 7 nil] [:r 9 nil] [:w 7 1]]	:net-timeout
    //   :nemesis	:info	:start-partition	[:isolated {"n2" #{"n1" "n0"}, "n1" #{"n2"}, "n0" #{"n2"}}]
    expect(sampleHistory.map(historyTxtLine)).toEqual([
      "0\t:invoke\t:txn\t[[:r 0 nil] [:w 2 1]]",
      "0\t:ok\t:txn\t[[:r 0 3] [:w 2 1]]",
      "1\t:invoke\t:poll\t[[:poll]]",
      "1\t:ok\t:poll\t[[:poll {3 [[7 5] [8 6]], 12 []}]]",
      '2\t:invoke\t:echo\t"quote \\" and\\nnewline ü"',
      '2\t:info\t:echo\t"quote \\" and\\nnewline ü"\t:net-timeout',
      '1\t:fail\t:send\t[[:send "3" 9]]\t[:key-does-not-exist no such key]',
      ':nemesis\t:info\t:start-partition\t[:isolated {"n0" #{"n1"}, "n1" #{"n0" "n2"}}]',
      "3\t:invoke\t:generate\tnil",
      "3\t:ok\t:generate\t18446744073709551615",
    ]);
  });
});

const clojure = Bun.which("clojure");

/** Reads EDN with clojure.edn and prints it back as JSON (keywords as names, sets sorted). */
const READ_BACK_CLJ = String.raw`
(require '[clojure.edn :as edn] '[clojure.string :as str] '[clojure.java.io :as io])
(defn json-str [s]
  (str "\"" (str/escape s (fn [c] (cond (= c \") "\\\"" (= c \\) "\\\\" (< (int c) 32) (format "\\u%04x" (int c))))) "\""))
(defn key-str [k] (cond (keyword? k) (name k) (string? k) k :else (str k)))
(defn j [x]
  (cond (nil? x) "null"
        (boolean? x) (str x)
        (string? x) (json-str x)
        (keyword? x) (json-str (name x))
        (integer? x) (str x)
        (number? x) (str (double x))
        (map? x) (str "{" (str/join "," (for [[k v] x] (str (json-str (key-str k)) ":" (j v)))) "}")
        (set? x) (str "[" (str/join "," (sort (map j x))) "]")
        (sequential? x) (str "[" (str/join "," (map j x)) "]")
        :else (throw (ex-info "unexpected EDN value" {:x x}))))
(let [[results history] *command-line-args*]
  (println (j (edn/read-string (slurp results))))
  (with-open [r (io/reader history)]
    (doseq [line (line-seq r)] (println (j (edn/read-string line))))))
`;

const FLOATS = new Set(["msgs-per-op", "ok-fraction"]);
const SETS = new Set(["not", "also-not"]);

/** What both sides should agree on: Floats compared as Floats, sets in order, `final` as `final?`. */
function comparable(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) {
    const items = value.map((item) => comparable(item));
    return key !== undefined && SETS.has(key)
      ? items
          .map((item) => JSON.stringify(item))
          .sort()
          .map((item) => JSON.parse(item))
      : items;
  }
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k === "final" ? "final?" : k, comparable(v, k)]));
  }
  if (typeof value === "number" && key !== undefined && FLOATS.has(key)) return Math.fround(value);
  return value;
}

function readBack(runDir: string): { results: unknown; history: unknown[] } {
  const script = join(runDir, "read-back.clj");
  writeFileSync(script, READ_BACK_CLJ);
  const proc = Bun.spawnSync([clojure!, script, join(runDir, "results.edn"), join(runDir, "history.edn")]);
  if (proc.exitCode !== 0) throw new Error(`clojure failed: ${proc.stderr.toString()}`);
  const [results, ...history] = proc.stdout
    .toString()
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
  return { results, history };
}

function readJsonl(path: string): unknown[] {
  return readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
}

/** Every key path of a JSON-shaped value ("workload/errors/0/final?"), array positions as "#". */
function keyPaths(value: unknown, prefix = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => keyPaths(item, `${prefix}#/`));
  if (typeof value !== "object" || value === null || JSON.isRawJSON(value)) return [];
  return Object.entries(value).flatMap(([key, inner]) => [`${prefix}${key}`, ...keyPaths(inner, `${prefix}${key}/`)]);
}

describe("results.json and results.edn", () => {
  test("name every key alike: an op inside the results says final?, as Jepsen's op does", () => {
    const finalRead = { ...sampleHistory[9]!, f: "read", value: 7 };
    const results = {
      ...sampleResults,
      workload: { "valid?": false, errors: [finalRead], "final-reads": [7] },
      "valid?": false,
    };
    const json = JSON.parse(resultsJsonText(results));
    expect(json.workload.errors[0]["final?"]).toBe(true);
    expect(json.workload.errors[0].final).toBeUndefined();
    expect(results.workload.errors[0]!.final).toBe(true); // the run's own op is left as it was
    const edn = plainOf(readEdn(pprintEdn(resultsToEdn(results))));
    expect(keyPaths(json).sort()).toEqual(keyPaths(edn).sort());
    // A key named final that is not on an op keeps its name.
    expect(JSON.parse(resultsJsonText({ final: true, "valid?": true }))).toEqual({ final: true, "valid?": true });
  });
});

describe("the files, read back", () => {
  test.skipIf(!clojure)(
    "Clojure's EDN reader reads every shape of op and result back to the same values",
    async () => {
      const runDir = mkdtempSync(join(tmpdir(), "edn-"));
      await saveBeforeAnalysis(runDir, options, sampleHistory);
      await saveResults(runDir, options, sampleHistory, sampleResults as RunResults, []);
      const back = readBack(runDir);
      expect(comparable(back.results)).toEqual(comparable(sampleResults));
      expect(back.history.map((op) => comparable(op))).toEqual(
        sampleHistory.map((op) => comparable(JSON.parse(JSON.stringify(op)))),
      );
    },
    60_000,
  );

  if (!clojure)
    test.skip(
      "clojure is not on PATH (apt-get install clojure): " + "the EDN files were not read back by Clojure",
      () => {},
    );

  test("a broadcast run writes the four files; scripts' grep lines find what they look for", async () => {
    const store = mkdtempSync(join(tmpdir(), "edn-run-"));
    const run = await runMaelstrom(
      [
        "test",
        "-w",
        "broadcast",
        "--bin",
        "3b-multi-node-broadcast/main.ts",
        "--node-count",
        "3",
        "--time-limit",
        "1",
        "--rate",
        "10",
        "--store",
        store,
        "--no-progress",
        "--sim",
        "--seed",
        "1",
      ],
      { cwd: repo },
    );
    expect(run.exitCode).toBe(0);
    const edn = readFileSync(join(run.runDir!, "results.edn"), "utf8");
    const grep = (...args: string[]) => Bun.spawnSync(["grep", ...args, join(run.runDir!, "results.edn")]);
    const latencies = grep("-A", "4", ":stable-latencies").stdout.toString();
    expect(latencies).toMatch(/^ +:stable-latencies \{0 \d+, 0\.5 \d+, 0\.95 \d+, 0\.99 \d+, 1 \d+\},/);
    expect(grep("-q", "^ :valid? true").exitCode).toBe(0);
    expect(grep("-q", "^ :valid? false").exitCode).toBe(1);
    expect(edn).toMatch(/\n :net \{:all \{/);
    expect(edn).toMatch(
      / {7}:servers \{:send-count \d+,\n {17}:recv-count \d+,\n {17}:msg-count \d+,\n {17}:msgs-per-op [\d.]+\},/,
    );

    const history = readJsonl(join(run.runDir!, "history.jsonl"));
    const historyEdn = readFileSync(join(run.runDir!, "history.edn"), "utf8").trim().split("\n");
    expect(historyEdn.length).toBe(history.length);
    expect(historyEdn[0]).toMatch(/^\{:index 0, :time \d+, :type :invoke, :process \d+, :f :(broadcast|read), :value /);

    const historyTxt = readFileSync(join(run.runDir!, "history.txt"), "utf8").trim().split("\n");
    expect(historyTxt.length).toBe(history.length);
    expect(historyTxt[0]).toMatch(/^\d+\t:invoke\t:(broadcast|read)\t/);

    const log = readFileSync(join(run.runDir!, "jepsen.log"), "utf8");
    expect(log.match(/ - jepsen\.util \d+\t:(invoke|ok)\t:(broadcast|read)\t/g)?.length).toBe(history.length);
    expect(log).toContain(` - jepsen.core ${edn}`);

    if (clojure) {
      const back = readBack(run.runDir!);
      expect(comparable(back.results)).toEqual(
        comparable(JSON.parse(readFileSync(join(run.runDir!, "results.json"), "utf8"))),
      );
      expect(back.history.map((op) => comparable(op))).toEqual(history.map((op) => comparable(op)));
    }
  }, 60_000);
});
