import { describe, expect, test } from "bun:test";
import { checkKafka } from "./index.ts";
import { KafkaHistoryBuilder, largeKafkaHistory } from "../testdata/kafka-histories.ts";

function errorTypes(h: KafkaHistoryBuilder): string[] {
  return checkKafka(h.ops)["error-types"];
}

/** Three acked sends to key "a" at offsets 0..2 by process 0. */
function threeSends(): KafkaHistoryBuilder {
  return new KafkaHistoryBuilder().send(0, "a", 1, 0).send(0, "a", 2, 1).send(0, "a", 3, 2);
}

describe("kafka checker", () => {
  test("a correct history is valid with no error types", () => {
    const h = threeSends()
      .assign(1, ["a"])
      .poll(1, {
        a: [
          [0, 1],
          [1, 2],
        ],
      })
      .poll(1, { a: [[2, 3]] })
      .poll(1, {});
    const result = checkKafka(h.ops);
    expect(result["valid?"]).toBe(true);
    expect(result["error-types"]).toEqual([]);
    expect(result["bad-error-types"]).toEqual([]);
  });

  test("inconsistent-offsets: two messages acknowledged at one offset", () => {
    const h = new KafkaHistoryBuilder()
      .send(0, "a", 1, 0)
      .send(1, "a", 2, 0)
      .poll(2, { a: [[0, 1]] });
    const result = checkKafka(h.ops);
    expect(result["valid?"]).toBe(false);
    expect(result["bad-error-types"]).toContain("inconsistent-offsets");
    expect(result["inconsistent-offsets"]).toMatchObject({ count: 1, errs: [{ key: "a", offset: 0, values: [1, 2] }] });
    // The same sends at distinct offsets are fine.
    expect(
      errorTypes(
        new KafkaHistoryBuilder()
          .send(0, "a", 1, 0)
          .send(1, "a", 2, 1)
          .poll(2, {
            a: [
              [0, 1],
              [1, 2],
            ],
          }),
      ),
    ).toEqual([]);
  });

  test("duplicate: one message at two offsets", () => {
    const h = new KafkaHistoryBuilder().send(0, "a", 7, 0).poll(1, {
      a: [
        [0, 7],
        [1, 7],
      ],
    });
    expect(errorTypes(h)).toContain("duplicate");
    expect(checkKafka(h.ops).duplicate).toMatchObject({ errs: [{ key: "a", value: 7, count: 2, offsets: [0, 1] }] });
    expect(errorTypes(new KafkaHistoryBuilder().send(0, "a", 7, 0).poll(1, { a: [[0, 7]] }))).toEqual([]);
  });

  test("a null list in a poll reads as an empty one, as jepsen.tests.kafka's op-reads makes nil []", () => {
    const withList = (list: [number, unknown][] | null) => (h: KafkaHistoryBuilder) =>
      h.poll(1, { a: list as [number, unknown][], b: list as [number, unknown][] });
    const valid = (list: [number, unknown][] | null) =>
      withList(list)(
        threeSends()
          .assign(1, ["a", "b"])
          .poll(1, {
            a: [
              [0, 1],
              [1, 2],
              [2, 3],
            ],
          }),
      );
    const lost = (list: [number, unknown][] | null) =>
      withList(list)(threeSends().poll(1, { a: [[0, 1]] })).poll(2, { a: [[2, 3]] });
    expect(checkKafka(valid(null).ops)).toEqual(checkKafka(valid([]).ops));
    expect(checkKafka(valid(null).ops)["valid?"]).toBe(true);
    expect(checkKafka(lost(null).ops)).toEqual(checkKafka(lost([]).ops));
    expect(checkKafka(lost(null).ops)["bad-error-types"]).toContain("lost-write");
  });

  test("lost-write: a poll reached past an acked message nobody ever read", () => {
    const h = threeSends()
      .poll(1, { a: [[0, 1]] })
      .poll(2, { a: [[2, 3]] });
    const result = checkKafka(h.ops);
    expect(result["bad-error-types"]).toContain("lost-write");
    expect(result["lost-write"]).toMatchObject({
      count: 1,
      errs: [{ key: "a", value: 2, index: 1, "max-read-index": 2 }],
    });
    // Once someone reads offset 1 the write is not lost.
    expect(
      errorTypes(
        threeSends()
          .poll(1, { a: [[0, 1]] })
          .poll(2, { a: [[2, 3]] })
          .poll(3, { a: [[1, 2]] }),
      ),
    ).toEqual([]);
  });

  test("unseen: an acked send never polled fails the test", () => {
    const h = threeSends().poll(1, {
      a: [
        [0, 1],
        [1, 2],
      ],
    });
    const result = checkKafka(h.ops);
    expect(result["valid?"]).toBe(false);
    expect(result["error-types"]).toEqual(["unseen"]);
    expect(result.unseen).toMatchObject({ unseen: { a: 1 }, messages: { a: [3] } });
    expect(
      errorTypes(
        threeSends().poll(1, {
          a: [
            [0, 1],
            [1, 2],
            [2, 3],
          ],
        }),
      ),
    ).toEqual([]);
  });

  test("G1a: a poll returned a message whose send definitely failed", () => {
    const h = new KafkaHistoryBuilder()
      .send(0, "a", 1, 0)
      .send(0, "a", 2, 0, "fail")
      .poll(1, {
        a: [
          [0, 1],
          [1, 2],
        ],
      });
    expect(errorTypes(h)).toContain("G1a");
    expect(checkKafka(h.ops).G1a).toMatchObject({ errs: [{ key: "a", value: 2 }] });
    // An indefinite (info) send may well have happened: reading it is fine.
    const info = new KafkaHistoryBuilder()
      .send(0, "a", 1, 0)
      .send(0, "a", 2, 0, "info")
      .poll(1, {
        a: [
          [0, 1],
          [1, 2],
        ],
      });
    expect(errorTypes(info)).toEqual([]);
  });

  test("poll-skip: one process's next poll starts past an offset that exists", () => {
    const h = threeSends()
      .poll(1, { a: [[0, 1]] })
      .poll(1, { a: [[2, 3]] })
      .poll(2, { a: [[1, 2]] });
    const result = checkKafka(h.ops);
    expect(result["bad-error-types"]).toEqual(["poll-skip"]);
    expect(result["poll-skip"]).toMatchObject({ errs: [{ key: "a", delta: 2, skipped: [2] }] });
    // An assign that drops the key in between resets the process's position.
    const reassigned = threeSends()
      .poll(1, { a: [[0, 1]] })
      .assign(1, ["b"])
      .assign(1, ["a"]);
    expect(errorTypes(reassigned.poll(1, { a: [[2, 3]] }).poll(2, { a: [[1, 2]] }))).toEqual([]);
  });

  test("nonmonotonic-poll: a process's next poll goes back", () => {
    const h = threeSends()
      .poll(1, {
        a: [
          [0, 1],
          [1, 2],
        ],
      })
      .poll(1, {
        a: [
          [1, 2],
          [2, 3],
        ],
      });
    expect(errorTypes(h)).toEqual(["nonmonotonic-poll"]);
    expect(checkKafka(h.ops)["nonmonotonic-poll"]).toMatchObject({ errs: [{ key: "a", values: [2, 2], delta: 0 }] });
    // Another process reading the same range is not this process going back.
    expect(
      errorTypes(
        threeSends()
          .poll(1, {
            a: [
              [0, 1],
              [1, 2],
            ],
          })
          .poll(2, {
            a: [
              [1, 2],
              [2, 3],
            ],
          }),
      ),
    ).toEqual([]);
  });

  test("int-poll-skip and int-nonmonotonic-poll: inside one poll", () => {
    const skip = threeSends()
      .poll(1, {
        a: [
          [0, 1],
          [2, 3],
        ],
      })
      .poll(2, { a: [[1, 2]] });
    expect(errorTypes(skip)).toEqual(["int-poll-skip"]);
    expect(checkKafka(skip.ops)["int-poll-skip"]).toMatchObject({
      errs: [{ key: "a", values: [1, 3], delta: 2, skipped: [2] }],
    });
    const backwards = threeSends().poll(1, {
      a: [
        [1, 2],
        [0, 1],
        [2, 3],
      ],
    });
    expect(errorTypes(backwards)).toContain("int-nonmonotonic-poll");
    expect(
      errorTypes(
        threeSends().poll(1, {
          a: [
            [0, 1],
            [1, 2],
            [2, 3],
          ],
        }),
      ),
    ).toEqual([]);
  });

  test("nonmonotonic-send: one process's sends to a key land out of order", () => {
    const h = new KafkaHistoryBuilder()
      .send(0, "a", 1, 5)
      .send(0, "a", 2, 3)
      .poll(1, {
        a: [
          [3, 2],
          [5, 1],
        ],
      });
    expect(errorTypes(h)).toEqual(["nonmonotonic-send"]);
    expect(checkKafka(h.ops)["nonmonotonic-send"]).toMatchObject({ errs: [{ key: "a", values: [1, 2], delta: -1 }] });
    const twoProcesses = new KafkaHistoryBuilder()
      .send(0, "a", 1, 5)
      .send(1, "a", 2, 3)
      .poll(1, {
        a: [
          [3, 2],
          [5, 1],
        ],
      });
    expect(errorTypes(twoProcesses)).toEqual([]);
  });

  test("G1c-realtime: a poll returned a message before its send was invoked", () => {
    const h = new KafkaHistoryBuilder().poll(1, { a: [[0, 1]] }).send(0, "a", 1, 0);
    expect(errorTypes(h)).toEqual(["G1c-realtime"]);
    expect(errorTypes(new KafkaHistoryBuilder().send(0, "a", 1, 0).poll(1, { a: [[0, 1]] }))).toEqual([]);
  });

  test("worst-realtime-lag: time since the polled offset stopped being the tail", () => {
    // Sends complete at 2 ms and 4 ms; process 1 polls offset 0 only, invoked at 5 ms.
    const h = new KafkaHistoryBuilder()
      .send(0, "a", 1, 0)
      .send(0, "a", 2, 1)
      .assign(1, ["a"])
      .poll(1, { a: [[0, 1]] });
    const lag = checkKafka(h.ops)["worst-realtime-lag"];
    expect(lag.key).toBe("a");
    expect(lag.process).toBe(1);
    expect(lag.lag).toBeCloseTo(0.007 - 0.004, 9);
    expect(
      checkKafka(
        threeSends().poll(1, {
          a: [
            [0, 1],
            [1, 2],
            [2, 3],
          ],
        }).ops,
      )["worst-realtime-lag"],
    ).toMatchObject({ lag: 0 });
  });

  test("huge offsets and a long generated history stay valid", () => {
    const result = checkKafka(largeKafkaHistory(2, 4, 2 ** 40));
    expect(result["error-types"]).toEqual([]);
    expect(result["valid?"]).toBe(true);
  });

  test("crash and failed polls do not move a process on", () => {
    const h = threeSends()
      .poll(1, { a: [[0, 1]] })
      .poll(1, {}, "info")
      .crash(1)
      .poll(5, {
        a: [
          [0, 1],
          [1, 2],
          [2, 3],
        ],
      });
    const result = checkKafka(h.ops);
    expect(result["error-types"]).toEqual([]);
    expect(result["info-txn-causes"]).toEqual(["net-timeout"]);
  });
});
