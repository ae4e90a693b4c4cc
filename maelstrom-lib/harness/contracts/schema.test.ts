import { expect, test } from "bun:test";
import { schemaViolation } from "./schema.ts";
import {
  defineRpc,
  describeSchema,
  isAny,
  isArrayOf,
  isEither,
  isEq,
  isInt,
  isObjectOf,
  isString,
  isTuple,
} from "../../protocol/schema.ts";

const READ = defineRpc({
  doc: "test",
  request: { type: "read", required: { key: isString } },
  reply: { type: "read_ok", required: { messages: isArrayOf(isInt) } },
});

test("a reply with exactly its keys, in_reply_to and an integer msg_id fits", () => {
  expect(schemaViolation({ type: "read_ok", messages: [1, 2], in_reply_to: 3, msg_id: 9 }, READ.reply)).toBeUndefined();
  expect(schemaViolation({ type: "read_ok", messages: [], in_reply_to: 3 }, READ.reply)).toBeUndefined();
});

test.each([
  [{ type: "read_ok", messages: [1], in_reply_to: 3, extra: true }, 'disallowed key "extra"'],
  [{ type: "read_ok", in_reply_to: 3 }, 'missing required key "messages"'],
  [{ type: "read_ok", messages: [1.5], in_reply_to: 3 }, 'bad value for "messages": [1.5] is not [Int]'],
  [{ type: "read_ok", messages: [] }, 'missing required key "in_reply_to"'],
  [{ type: "read_ok", messages: [], in_reply_to: "3" }, 'bad value for "in_reply_to": "3" is not Int'],
  [{ type: "read_ok", messages: [], in_reply_to: 3, msg_id: null }, 'bad value for "msg_id": null is not Int'],
  [{ type: "broadcast_ok", in_reply_to: 3 }, 'expected type "read_ok"'],
  [{ type: "read_ok", messages: [], in_reply_to: 3, constructor: 1 }, 'disallowed key "constructor"'],
])("closed reply schema rejects %p", (body, reason) => {
  expect(schemaViolation(body, READ.reply)).toContain(reason);
});

test("a request needs its integer msg_id and no in_reply_to (client.clj's send-schema)", () => {
  expect(schemaViolation({ type: "read", key: "a", msg_id: 1 }, READ.request)).toBeUndefined();
  expect(schemaViolation({ type: "read", key: "a" }, READ.request)).toBe('missing required key "msg_id"');
  expect(schemaViolation({ type: "read", key: "a", msg_id: 1, in_reply_to: 1 }, READ.request)).toBe(
    'disallowed key "in_reply_to"',
  );
  expect(schemaViolation({ type: "read", key: 1, msg_id: 1 }, READ.request)).toBe('bad value for "key": 1 is not Str');
});

test("an open schema (init_ok) accepts extra keys but still checks type, in_reply_to and msg_id", () => {
  const INIT = defineRpc({
    doc: "test",
    request: { type: "init", required: {} },
    reply: { type: "init_ok", required: {}, open: true },
  });
  expect(schemaViolation({ type: "init_ok", in_reply_to: 1, node: "n0" }, INIT.reply)).toBeUndefined();
  expect(schemaViolation({ type: "init_okay", in_reply_to: 1 }, INIT.reply)).toContain("expected type");
  expect(schemaViolation({ type: "init_ok", in_reply_to: 1, msg_id: "x" }, INIT.reply)).toContain('"msg_id"');
});

test("micro-op tuples: exact length, fixed first element, either form", () => {
  const mop = isEither(isTuple(isEq("r"), isAny, isEq(null)), isTuple(isEq("w"), isAny, isAny));
  expect(
    [
      ["r", 1, null],
      ["w", 1, 2],
    ].every(mop),
  ).toBe(true);
  expect(mop(["r", 1, 2])).toBe(false);
  expect(mop(["w", 1])).toBe(false);
  expect(mop(["w", 1, 2, 3])).toBe(false);
  expect(mop(["append", 1, 2])).toBe(false);
});

test("schemas print as Prismatic prints closed maps, envelope keys included", () => {
  const TXN = defineRpc({
    doc: "test",
    request: {
      type: "txn",
      required: { txn: isArrayOf(isEither(isTuple(isEq("r"), isAny, isEq(null)), isTuple(isEq("w"), isAny, isAny))) },
    },
    reply: { type: "txn_ok", required: {} },
  });
  expect(describeSchema(TXN.request)).toBe(
    '{"type": (eq "txn"),\n "txn": [(either [(eq "r") Any (eq nil)] [(eq "w") Any Any])],\n "msg_id": Int}',
  );
  expect(describeSchema(READ.reply)).toBe(
    '{"type": (eq "read_ok"),\n "messages": [Int],\n "in_reply_to": Int,\n (optional-key "msg_id"): Int}',
  );
});

test("null is a valid list at any depth and never a valid map or tuple (Prismatic's nil rules)", () => {
  // schema.core's sequence precondition is (or (nil? x) (sequential? x)); a map's is map?.
  expect(schemaViolation({ type: "read_ok", messages: null, in_reply_to: 3 }, READ.reply)).toBeUndefined();
  const nested = isObjectOf(isArrayOf(isTuple(isInt, isAny)));
  expect(nested({ a: null, b: [[0, "x"]] })).toBe(true);
  expect(nested(null)).toBe(false);
  expect(nested({ a: [null] })).toBe(false); // a required (s/one …) element is missing from nil
  expect(nested({ a: [[0]] })).toBe(false);
  const POLL = defineRpc({
    doc: "test",
    request: { type: "poll", required: {} },
    reply: { type: "poll_ok", required: { msgs: nested } },
  });
  expect(schemaViolation({ type: "poll_ok", msgs: null, in_reply_to: 1 }, POLL.reply)).toBe(
    'bad value for "msgs": null is not {Str [[Int Any]]}',
  );
  expect(schemaViolation({ type: "poll_ok", msgs: { a: null }, in_reply_to: 1 }, POLL.reply)).toBeUndefined();
});
