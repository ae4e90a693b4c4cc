/**
 * Builds hand-made txn-rw-register histories for checker tests: one invocation and one
 * completion per txn, in list order unless times are given.
 */
import type { Op } from "../../contracts/types.ts";
import type { Mop } from "../elle/txns.ts";

/** One txn of a hand-made history. Times default to a strictly sequential schedule. */
export interface TestTxn {
  mops: Mop[];
  type?: "ok" | "fail" | "info";
  process?: number;
  invokeNs?: number;
  completeNs?: number;
}

/** Shorthand for a read mop. */
export const r = (key: unknown, value: unknown): Mop => ["r", key, value];
/** Shorthand for a write mop. */
export const w = (key: unknown, value: unknown): Mop => ["w", key, value];

/** A Jepsen history (invoke + completion per txn) for the given txns. */
export function txnHistory(txns: TestTxn[]): Op[] {
  const events: { time: number; op: Omit<Op, "index"> }[] = [];
  txns.forEach((txn, i) => {
    const process = txn.process ?? i;
    const invokeNs = txn.invokeNs ?? i * 10;
    const completeNs = txn.completeNs ?? invokeNs + 5;
    const request = txn.mops.map(([f, key, value]) => [f, key, f === "r" ? null : value]);
    const type = txn.type ?? "ok";
    events.push({ time: invokeNs, op: { time: invokeNs, type: "invoke", process, f: "txn", value: request } });
    const completion: Omit<Op, "index"> = {
      time: completeNs,
      type,
      process,
      f: "txn",
      value: type === "ok" ? txn.mops : request,
    };
    if (type === "fail") completion.error = ["txn-conflict", "aborted"];
    events.push({ time: completeNs, op: completion });
  });
  // Stable sort keeps an invocation before its own completion when times tie.
  events.sort((a, b) => a.time - b.time);
  return events.map((event, index) => ({ ...event.op, index }));
}
