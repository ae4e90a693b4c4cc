/**
 * The protocol as data: one error table with Maelstrom's names and definite codes, RPC tables
 * keyed by their request types, and body types inferred from the schemas (the @ts-expect-error
 * lines are held to account by `tsc --noEmit`).
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ErrorCode, errorName, errorTable, isDefinite } from "./errors.ts";
import { PROTOCOL_SECTIONS } from "./index.ts";
import type { BroadcastProtocol, KafkaProtocol, KvServiceProtocol, TxnOp, TxnRwRegisterProtocol } from "./index.ts";
import { isArrayOf, isEither, isEq, isInt, isString, isTuple, type CheckedType } from "./schema.ts";

describe("the error table", () => {
  test("names are Maelstrom's, derived from the constant names", () => {
    expect(errorTable().map(({ code, name }) => `${code} ${name}`)).toEqual([
      "0 timeout",
      "1 node-not-found",
      "10 not-supported",
      "11 temporarily-unavailable",
      "12 malformed-request",
      "13 crash",
      "14 abort",
      "20 key-does-not-exist",
      "21 key-already-exists",
      "22 precondition-failed",
      "30 txn-conflict",
    ]);
    expect(ErrorCode.KeyDoesNotExist).toBe(20);
    expect(errorName(ErrorCode.TxnConflict)).toBe("txn-conflict");
  });

  test("only timeout and crash are indefinite; custom and unknown codes are indefinite", () => {
    const indefinite = errorTable()
      .filter((spec) => !isDefinite(spec.code))
      .map((spec) => spec.name);
    expect(indefinite).toEqual(["timeout", "crash"]);
    expect(isDefinite(1000)).toBe(false);
    expect(errorName(1000)).toBe("unknown");
  });

  test("every code has a description for the reference", () => {
    for (const spec of errorTable()) expect(spec.doc.length).toBeGreaterThan(10);
  });
});

describe("RPC tables", () => {
  test("each table is keyed by its RPCs' request types, and every RPC says what it is for", () => {
    for (const { title, rpcs } of PROTOCOL_SECTIONS) {
      expect(Object.keys(rpcs).length, title).toBeGreaterThan(0);
      for (const [type, rpc] of Object.entries(rpcs)) {
        expect(rpc.request.type).toBe(type);
        expect(rpc.doc.length, `${title} ${type}`).toBeGreaterThan(10);
      }
    }
  });

  test("defineRpc adds the envelope keys to the runtime schema", () => {
    const { rpcs } = PROTOCOL_SECTIONS.find((section) => section.title === "broadcast")!;
    expect(Object.keys(rpcs.broadcast!.request.required)).toEqual(["message", "msg_id"]);
    expect(Object.keys(rpcs.broadcast!.reply.required)).toEqual(["in_reply_to"]);
    expect(Object.keys(rpcs.broadcast!.reply.optional ?? {})).toEqual(["msg_id"]);
  });
});

describe("body types come from the schemas", () => {
  test("a workload's bodies, without the envelope", () => {
    const broadcast: BroadcastProtocol["broadcast"]["request"] = { type: "broadcast", message: 3 };
    // @ts-expect-error the runner sends integer messages
    const wrong: BroadcastProtocol["broadcast"]["request"] = { type: "broadcast", message: "3" };
    const read: BroadcastProtocol["read"]["reply"] = { type: "read_ok", messages: [1, "any JSON"] };
    // @ts-expect-error a body is a closed map: no key its schema does not list
    const extra: BroadcastProtocol["broadcast"]["request"] = { type: "broadcast", message: 3, extra: true };
    const cas: KvServiceProtocol["cas"]["request"] = { type: "cas", key: "k", from: 1, to: 2 };
    // @ts-expect-error poll_ok's msgs are [offset, msg] pairs per key
    const pairs: KafkaProtocol["poll"]["reply"] = { type: "poll_ok", msgs: { a: [[0]] } };
    const created: KvServiceProtocol["cas"]["request"] = { ...cas, create_if_not_exists: true };
    const types = [broadcast, wrong, extra, created, read, pairs].map((body) => body.type);
    expect(types).toEqual(["broadcast", "broadcast", "broadcast", "cas", "read_ok", "poll_ok"]);
  });

  test("micro-ops: the runner sends integer reads and writes; replies carry any value", () => {
    const request: TxnRwRegisterProtocol["txn"]["request"] = {
      type: "txn",
      txn: [
        ["r", 1, null],
        ["w", 1, 2],
      ],
    };
    // @ts-expect-error a read is sent with a null value
    const sentRead: TxnRwRegisterProtocol["txn"]["request"] = { type: "txn", txn: [["r", 1, 5]] };
    const executed: TxnOp[] = [
      ["r", 1, { any: "value" }],
      ["w", 1, 2],
    ];
    expect([request.txn.length, sentRead.txn.length, executed.length]).toEqual([2, 1, 2]);
  });

  test("checks carry the types of what they check", () => {
    const check = isArrayOf(isEither(isTuple(isEq("k"), isInt), isString));
    const value: CheckedType<typeof check> = [["k", 1], "s"];
    // @ts-expect-error the tuple's first element is exactly "k"
    const wrong: CheckedType<typeof check> = [["j", 1]];
    expect(check(value)).toBe(true);
    expect(check(wrong)).toBe(false);
  });
});

test("the protocol has no dependencies: its modules import only each other", () => {
  const modules = readdirSync(import.meta.dir).filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts"));
  expect(modules.length).toBeGreaterThan(10);
  for (const name of modules) {
    const source = readFileSync(join(import.meta.dir, name), "utf8");
    const statements = source.matchAll(/^(?:import|export)\b[^;"]*?\bfrom "([^"]+)"|^import "([^"]+)"/gm);
    const specifiers = [...statements].map((match) => match[1] ?? match[2]);
    expect(
      specifiers.filter((specifier) => !/^\.\/[a-z-]+\.ts$/.test(specifier!)),
      name,
    ).toEqual([]);
  }
});
