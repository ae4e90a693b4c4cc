/**
 * A `txn_ok` whose `txn` is null (what a Go node's nil slice marshals to): Prismatic's sequence
 * schema lets nil through, and Maelstrom's txn clients turn it into [] with str->kw's mapv, so
 * the op completes :ok as a txn of no micro-ops, which Elle judges like any other.
 */
import { describe, expect, test } from "bun:test";
import { checkRwRegister } from "../checkers/elle/rw-register.ts";
import { checkListAppend } from "../checkers/elle/list-append.ts";
import { r, txnHistory, w } from "../checkers/testdata/txn-histories.ts";
import type { Mop } from "../checkers/elle/txns.ts";
import { schemaViolation } from "../contracts/schema.ts";
import type { Op, WorkerInfo, Workload } from "../contracts/types.ts";
import { inOrder, ScriptedConnection } from "./testdata/scripted-connection.ts";
import { TXN as APPEND_TXN } from "../../protocol/txn-list-append.ts";
import { TXN as RW_TXN } from "../../protocol/txn-rw-register.ts";
import txnListAppend from "./txn-list-append.ts";
import txnRwRegister from "./txn-rw-register.ts";

const worker: WorkerInfo = { thread: 0, process: 0, node: "n0", phaseElapsedMs: 0 };
const append = (key: number, element: number) => ["append", key, element] as unknown as Mop;

/** The history of `txns`, with the completion of txn `emptied` recorded as the client records a null txn. */
function withEmptiedCompletion(history: Op[], emptied: number): Op[] {
  const completions = history.filter((op) => op.type !== "invoke");
  const target = completions[emptied]!;
  return history.map((op) => (op === target ? { ...op, value: [] } : op));
}

describe.each([
  ["txn-list-append", txnListAppend, APPEND_TXN],
  ["txn-rw-register", txnRwRegister, RW_TXN],
] as [string, Workload, typeof RW_TXN][])("%s: a null txn in txn_ok", (_name, workload, TXN) => {
  test("passes the reply schema (a null micro-op does not) and completes :ok with no micro-ops", async () => {
    expect(schemaViolation({ type: "txn_ok", txn: null, in_reply_to: 1 }, TXN.reply)).toBeUndefined();
    expect(schemaViolation({ type: "txn_ok", txn: [null], in_reply_to: 1 }, TXN.reply)).toContain('"txn"');
    const connection = new ScriptedConnection(inOrder([{ type: "txn_ok", txn: null }]));
    const client = workload.newClient(connection, {} as never);
    expect(await client.invoke({ f: "txn", value: [["r", 1, null]] }, worker)).toEqual({ type: "ok", value: [] });
  });
});

describe("Elle reads an :ok txn of no micro-ops as a txn that did nothing", () => {
  test("list-append: still valid, and a real anomaly elsewhere is still found", () => {
    const base = txnHistory([{ mops: [append(1, 1)] }, { mops: [r(1, null)] }, { mops: [r(1, [1])] }]);
    const valid = checkListAppend(withEmptiedCompletion(base, 1), { consistencyModels: ["strict-serializable"] });
    expect(valid["valid?"]).toBe(true);
    const stale = txnHistory([{ mops: [append(1, 1)] }, { mops: [r(1, null)] }, { mops: [r(1, null)] }]);
    const invalid = checkListAppend(withEmptiedCompletion(stale, 1), { consistencyModels: ["strict-serializable"] });
    expect(invalid["valid?"]).toBe(false);
  });

  test("rw-register: still valid, and a real anomaly elsewhere is still found", () => {
    const base = txnHistory([{ mops: [w(1, 1)] }, { mops: [r(1, null)] }, { mops: [r(1, 1)] }]);
    expect(
      checkRwRegister(withEmptiedCompletion(base, 1), { consistencyModels: ["strict-serializable"] })["valid?"],
    ).toBe(true);
    // Reading its own write back wrong is an internal anomaly, null txn or not.
    const internal = txnHistory([{ mops: [w(1, 1), r(1, 2)] }, { mops: [r(1, null)] }]);
    expect(
      checkRwRegister(withEmptiedCompletion(internal, 1), { consistencyModels: ["strict-serializable"] })["valid?"],
    ).toBe(false);
  });
});
