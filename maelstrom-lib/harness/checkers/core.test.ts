import { describe, expect, test } from "bun:test";
import type { Op, OpType, ProcessId } from "../contracts/types.ts";
import { checkStats } from "./core.ts";
import { checkExceptions } from "./core.ts";

const KAFKA_IGNORED = new Set(["crash", "debug-topic-partitions"]);

/** A history of invoke/completion pairs, one process per pair, plus any nemesis ops. */
function historyOf(...pairs: [f: string, completion: Exclude<OpType, "invoke">, process?: ProcessId][]): Op[] {
  const ops: Op[] = [];
  pairs.forEach(([f, completion, process = ops.length], i) => {
    const type: OpType = process === "nemesis" ? "info" : "invoke";
    ops.push({ index: ops.length, time: i * 10, type, process, f, value: null });
    ops.push({ index: ops.length, time: i * 10 + 5, type: completion, process, f, value: null });
  });
  return ops;
}

describe("stats (Jepsen's stats checker)", () => {
  test("counts client completions overall and by f; every f needs an ok", () => {
    const result = checkStats(
      historyOf(["read", "ok"], ["read", "fail"], ["add", "info"], ["start-partition", "info", "nemesis"]),
    );
    expect(result).toEqual({
      "valid?": false,
      count: 3,
      "ok-count": 1,
      "fail-count": 1,
      "info-count": 1,
      "by-f": {
        add: { "valid?": false, count: 1, "ok-count": 0, "fail-count": 0, "info-count": 1 },
        read: { "valid?": true, count: 2, "ok-count": 1, "fail-count": 1, "info-count": 0 },
      },
    });
  });

  test("kafka's crash ops are counted as :info under by-f crash, and only their validity is ignored", () => {
    const result = checkStats(
      historyOf(["send", "ok"], ["crash", "info"], ["poll", "ok"], ["crash", "info"]),
      KAFKA_IGNORED,
    );
    expect(result["valid?"]).toBe(true);
    expect(result["info-count"]).toBe(2);
    expect(result.count).toBe(4);
    expect(result["by-f"].crash).toEqual({
      "valid?": false,
      count: 2,
      "ok-count": 0,
      "fail-count": 0,
      "info-count": 2,
    });
  });

  test("under kafka's rule an f other than crash without an ok still makes stats invalid", () => {
    const result = checkStats(historyOf(["send", "ok"], ["crash", "info"], ["poll", "fail"]), KAFKA_IGNORED);
    expect(result["valid?"]).toBe(false);
    expect(result["by-f"].poll!["valid?"]).toBe(false);
  });

  test("without the kafka rule, crash ops that never succeed make stats invalid", () => {
    expect(checkStats(historyOf(["send", "ok"], ["crash", "info"]))["valid?"]).toBe(false);
  });
});

describe("exceptions (Jepsen's unhandled-exceptions checker)", () => {
  const info = (index: number, exceptionClass: string | undefined, f = "read"): Op => ({
    index,
    time: index * 10,
    type: "info",
    process: index,
    f,
    value: null,
    exception: `failure ${index}`,
    ...(exceptionClass ? { "exception-class": exceptionClass } : {}),
  });

  test("groups :info ops with an exception by class, the most frequent first, each with its count and first op", () => {
    const history = [
      info(0, "java.net.SocketException"),
      info(1, "clojure.lang.ExceptionInfo"),
      info(2, "clojure.lang.ExceptionInfo", "add"),
    ];
    // Not an :info: not an unhandled exception
    history.push({ ...info(3, "clojure.lang.ExceptionInfo"), type: "fail" });
    expect(checkExceptions(history)).toEqual({
      "valid?": true,
      exceptions: [
        { count: 2, class: "clojure.lang.ExceptionInfo", example: history[1]! },
        { count: 1, class: "java.net.SocketException", example: history[0]! },
      ],
    });
  });

  test("a history without exceptions has no exceptions key, as Jepsen's", () => {
    expect(checkExceptions(historyOf(["read", "info"], ["read", "ok"]))).toEqual({ "valid?": true });
  });
});
