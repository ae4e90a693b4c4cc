import { expect, test } from "bun:test";
import { isArrayOf, isInt, isString, schemaViolation } from "./schema.ts";

const READ_OK = { type: "read_ok", required: { messages: isArrayOf(isInt) } };

test("a reply with exactly its keys, in_reply_to and an integer msg_id fits", () => {
  expect(schemaViolation({ type: "read_ok", messages: [1, 2], in_reply_to: 3, msg_id: 9 }, READ_OK)).toBeUndefined();
});

test.each([
  [{ type: "read_ok", messages: [1], in_reply_to: 3, extra: true }, 'disallowed key "extra"'],
  [{ type: "read_ok", in_reply_to: 3 }, 'missing required key "messages"'],
  [{ type: "read_ok", messages: [1.5], in_reply_to: 3 }, 'bad value for "messages"'],
  [{ type: "read_ok", messages: [], in_reply_to: "3" }, "in_reply_to must be an integer"],
  [{ type: "read_ok", messages: [], in_reply_to: 3, msg_id: null }, "msg_id must be an integer"],
  [{ type: "broadcast_ok", in_reply_to: 3 }, 'expected type "read_ok"'],
])("closed schema rejects %p", (body, reason) => {
  expect(schemaViolation(body, READ_OK)).toContain(reason);
});

test("an open schema (init_ok) accepts extra keys but still checks type and in_reply_to", () => {
  const INIT_OK = { type: "init_ok", required: {}, open: true };
  expect(schemaViolation({ type: "init_ok", in_reply_to: 1, node: "n0" }, INIT_OK)).toBeUndefined();
  expect(schemaViolation({ type: "init_okay", in_reply_to: 1 }, INIT_OK)).toContain("expected type");
  expect(isString("x") && !isString(1)).toBe(true);
});
