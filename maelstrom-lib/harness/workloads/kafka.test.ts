/**
 * The kafka client's local offsets, against a scripted connection that records requests and
 * hands back canned replies (the node side is exercised for real by the 5a–5c runs).
 */
import { describe, expect, test } from "bun:test";
import { schemaViolation } from "../contracts/schema.ts";
import { COMMIT_OFFSETS, LIST_COMMITTED_OFFSETS, POLL, SEND } from "../../protocol/kafka.ts";
import { KafkaClient } from "./kafka.ts";
import { inOrder, ScriptedConnection } from "./testdata/scripted-connection.ts";

const poll = { f: "poll", value: [["poll"]] };

describe("KafkaClient", () => {
  test("polls nothing before an assign, then resumes from the committed offset as-is", async () => {
    const connection = new ScriptedConnection(
      inOrder([
        { type: "poll_ok", msgs: {} },
        { type: "list_committed_offsets_ok", offsets: { a: 4 } },
        {
          type: "poll_ok",
          msgs: {
            a: [
              [4, 40],
              [5, 50],
            ],
          },
        },
        { type: "commit_offsets_ok" },
      ]),
    );
    const client = new KafkaClient(connection);
    expect(await client.invoke(poll)).toEqual({ type: "ok", value: [["poll", {}]] });
    expect(await client.invoke({ f: "assign", value: ["a", "b"] })).toEqual({ type: "ok", value: ["a", "b"] });
    expect(await client.invoke(poll)).toEqual({
      type: "ok",
      value: [
        [
          "poll",
          {
            a: [
              [4, 40],
              [5, 50],
            ],
          },
        ],
      ],
    });
    expect(connection.requests).toEqual([
      { type: "poll", offsets: {} },
      { type: "list_committed_offsets", keys: ["a", "b"] },
      // a resumes at its committed offset (re-reading it), b was never committed: 0.
      { type: "poll", offsets: { a: 4, b: 0 } },
      { type: "commit_offsets", offsets: { a: 5 } },
    ]);
  });

  test("an assign keeps tracked keys where they are; the final assign seeks to the beginning", async () => {
    const connection = new ScriptedConnection(
      inOrder([
        { type: "list_committed_offsets_ok", offsets: {} },
        { type: "poll_ok", msgs: { a: [[0, 1]] } },
        { type: "commit_offsets_ok" },
        { type: "list_committed_offsets_ok", offsets: { a: 0, c: 7 } },
        { type: "poll_ok", msgs: {} },
        { type: "poll_ok", msgs: {} },
      ]),
    );
    const client = new KafkaClient(connection);
    await client.invoke({ f: "assign", value: ["a"] });
    await client.invoke(poll);
    await client.invoke({ f: "assign", value: ["a", "c"] });
    await client.invoke(poll);
    await client.invoke({ f: "assign", value: ["a", "c"], final: true });
    await client.invoke(poll);
    expect(connection.requests.filter((body) => body.type === "poll").map((body) => body.offsets)).toEqual([
      { a: 0 },
      { a: 1, c: 7 },
      { a: 0, c: 0 },
    ]);
    // Seeking to the beginning asks the node nothing.
    expect(connection.requests.filter((body) => body.type === "list_committed_offsets")).toHaveLength(2);
  });

  test("a null list in a poll reads as empty, as kafka.clj's nil: the key is tracked, nothing committed", async () => {
    const connection = new ScriptedConnection(
      inOrder([
        { type: "list_committed_offsets_ok", offsets: { a: 2 } },
        { type: "poll_ok", msgs: { a: null, b: null, c: [[0, 7]] } },
        { type: "commit_offsets_ok" },
        { type: "poll_ok", msgs: {} },
      ]),
    );
    const client = new KafkaClient(connection);
    await client.invoke({ f: "assign", value: ["a"] });
    // The history keeps the nil, as Jepsen's does; the checker reads it as an empty list.
    expect(await client.invoke(poll)).toEqual({ type: "ok", value: [["poll", { a: null, b: null, c: [[0, 7]] }]] });
    await client.invoke(poll);
    expect(connection.requests.slice(2)).toEqual([
      { type: "commit_offsets", offsets: { c: 0 } },
      // a stays at its offset; b, unseen before, is tracked from 0 (merge-with max of an empty poll's 0).
      { type: "poll", offsets: { a: 2, b: 0, c: 1 } },
    ]);
  });

  test("sends record [offset, msg]; crash completes :info", async () => {
    const connection = new ScriptedConnection(inOrder([{ type: "send_ok", offset: 3 }]));
    const client = new KafkaClient(connection);
    expect(await client.invoke({ f: "send", value: [["send", "a", 9]] })).toEqual({
      type: "ok",
      value: [["send", "a", [3, 9]]],
    });
    expect(connection.requests).toEqual([{ type: "send", key: "a", msg: 9 }]);
    expect(await client.invoke({ f: "crash", value: null })).toEqual({ type: "info", value: null });
  });
});

describe("kafka reply schemas", () => {
  test("are closed: exactly the documented keys", () => {
    expect(schemaViolation({ type: "send_ok", offset: 1, in_reply_to: 1 }, SEND.reply)).toBeUndefined();
    expect(schemaViolation({ type: "send_ok", offset: 1, key: "a", in_reply_to: 1 }, SEND.reply)).toContain(
      "disallowed key",
    );
    expect(schemaViolation({ type: "send_ok", offset: 1.5, in_reply_to: 1 }, SEND.reply)).toContain("offset");
    expect(schemaViolation({ type: "poll_ok", msgs: { a: [[0, 5]] }, in_reply_to: 1 }, POLL.reply)).toBeUndefined();
    expect(schemaViolation({ type: "poll_ok", in_reply_to: 1 }, POLL.reply)).toContain("missing required key");
    expect(schemaViolation({ type: "poll_ok", msgs: { a: [[0]] }, in_reply_to: 1 }, POLL.reply)).toContain("msgs");
    // Prismatic's nil: a null list passes, a null map or a null [offset, msg] pair does not.
    expect(schemaViolation({ type: "poll_ok", msgs: { a: null }, in_reply_to: 1 }, POLL.reply)).toBeUndefined();
    expect(schemaViolation({ type: "poll_ok", msgs: { a: [null] }, in_reply_to: 1 }, POLL.reply)).toContain("msgs");
    expect(schemaViolation({ type: "poll_ok", msgs: null, in_reply_to: 1 }, POLL.reply)).toContain("msgs");
    expect(
      schemaViolation(
        { type: "list_committed_offsets_ok", offsets: null, in_reply_to: 1 },
        LIST_COMMITTED_OFFSETS.reply,
      ),
    ).toContain("offsets");
    expect(
      schemaViolation({ type: "list_committed_offsets_ok", in_reply_to: 1 }, LIST_COMMITTED_OFFSETS.reply),
    ).toContain("offsets");
  });
});

describe("kafka request schemas", () => {
  test("keys are strings and offsets integers, as kafka.clj's, and every request carries its msg_id", () => {
    expect(schemaViolation({ type: "send", key: "a", msg: 1, msg_id: 1 }, SEND.request)).toBeUndefined();
    // kafka.clj sends any msg; this runner states what it sends, integers (the node's type says so too).
    const listMsg = { type: "send", key: "a", msg: [1], msg_id: 1 };
    expect(schemaViolation(listMsg, SEND.request)).toBe('bad value for "msg": [1] is not Int');
    expect(schemaViolation({ type: "send", key: 1, msg: 1, msg_id: 1 }, SEND.request)).toBe(
      'bad value for "key": 1 is not Str',
    );
    expect(
      schemaViolation({ type: "commit_offsets", offsets: { a: 1.5 }, msg_id: 1 }, COMMIT_OFFSETS.request),
    ).toContain("is not {Str Int}");
    expect(schemaViolation({ type: "poll", offsets: { a: 0 } }, POLL.request)).toBe('missing required key "msg_id"');
    expect(
      schemaViolation({ type: "list_committed_offsets", keys: ["a", 2], msg_id: 1 }, LIST_COMMITTED_OFFSETS.request),
    ).toContain('"keys"');
  });
});
