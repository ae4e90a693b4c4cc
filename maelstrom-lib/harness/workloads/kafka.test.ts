/**
 * The kafka client's local offsets, against a scripted connection that records requests and
 * hands back canned replies (the node side is exercised for real by the 5a–5c runs).
 */
import { describe, expect, test } from "bun:test";
import { schemaViolation } from "../schema.ts";
import type { ClientConnection, ReplySchema } from "../types.ts";
import { KafkaClient, LIST_COMMITTED_OFFSETS_OK, POLL_OK, SEND_OK } from "./kafka.ts";

/** Replies in order to whatever is asked, keeping the requests. */
class ScriptedConnection implements ClientConnection {
  readonly clientId = "c1";
  readonly node = "n0";
  readonly requests: Record<string, unknown>[] = [];

  constructor(private readonly replies: Record<string, unknown>[]) {}

  async call(body: Record<string, unknown>, schema: ReplySchema): Promise<Record<string, unknown>> {
    this.requests.push(body);
    const reply = this.replies.shift();
    if (!reply || reply.type !== schema.type) throw new Error(`unexpected request ${JSON.stringify(body)}`);
    return reply;
  }
}

const poll = { f: "poll", value: [["poll"]] };

describe("KafkaClient", () => {
  test("polls nothing before an assign, then resumes from the committed offset as-is", async () => {
    const connection = new ScriptedConnection([
      { type: "poll_ok", msgs: {} },
      { type: "list_committed_offsets_ok", offsets: { a: 4 } },
      { type: "poll_ok", msgs: { a: [[4, 40], [5, 50]] } },
      { type: "commit_offsets_ok" },
    ]);
    const client = new KafkaClient(connection);
    expect(await client.invoke(poll)).toEqual({ type: "ok", value: [["poll", {}]] });
    expect(await client.invoke({ f: "assign", value: ["a", "b"] })).toEqual({ type: "ok", value: ["a", "b"] });
    expect(await client.invoke(poll)).toEqual({ type: "ok", value: [["poll", { a: [[4, 40], [5, 50]] }]] });
    expect(connection.requests).toEqual([
      { type: "poll", offsets: {} },
      { type: "list_committed_offsets", keys: ["a", "b"] },
      // a resumes at its committed offset (re-reading it), b was never committed: 0.
      { type: "poll", offsets: { a: 4, b: 0 } },
      { type: "commit_offsets", offsets: { a: 5 } },
    ]);
  });

  test("an assign keeps tracked keys where they are; the final assign seeks to the beginning", async () => {
    const connection = new ScriptedConnection([
      { type: "list_committed_offsets_ok", offsets: {} },
      { type: "poll_ok", msgs: { a: [[0, 1]] } },
      { type: "commit_offsets_ok" },
      { type: "list_committed_offsets_ok", offsets: { a: 0, c: 7 } },
      { type: "poll_ok", msgs: {} },
      { type: "poll_ok", msgs: {} },
    ]);
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

  test("sends record [offset, msg]; crash completes :info", async () => {
    const connection = new ScriptedConnection([{ type: "send_ok", offset: 3 }]);
    const client = new KafkaClient(connection);
    expect(await client.invoke({ f: "send", value: [["send", "a", 9]] })).toEqual({ type: "ok", value: [["send", "a", [3, 9]]] });
    expect(connection.requests).toEqual([{ type: "send", key: "a", msg: 9 }]);
    expect(await client.invoke({ f: "crash", value: null })).toEqual({ type: "info", value: null });
  });
});

describe("kafka reply schemas", () => {
  test("are closed: exactly the documented keys", () => {
    expect(schemaViolation({ type: "send_ok", offset: 1, in_reply_to: 1 }, SEND_OK)).toBeUndefined();
    expect(schemaViolation({ type: "send_ok", offset: 1, key: "a", in_reply_to: 1 }, SEND_OK)).toContain("disallowed key");
    expect(schemaViolation({ type: "send_ok", offset: 1.5, in_reply_to: 1 }, SEND_OK)).toContain("offset");
    expect(schemaViolation({ type: "poll_ok", msgs: { a: [[0, 5]] }, in_reply_to: 1 }, POLL_OK)).toBeUndefined();
    expect(schemaViolation({ type: "poll_ok", in_reply_to: 1 }, POLL_OK)).toContain("missing required key");
    expect(schemaViolation({ type: "poll_ok", msgs: { a: [[0]] }, in_reply_to: 1 }, POLL_OK)).toContain("msgs");
    expect(schemaViolation({ type: "list_committed_offsets_ok", in_reply_to: 1 }, LIST_COMMITTED_OFFSETS_OK)).toContain("offsets");
  });
});
