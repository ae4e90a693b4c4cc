/**
 * The txn-list-append workload (Maelstrom's `workload/txn_list_append.clj`, with Jepsen's
 * jepsen.tests.cycle.append and Elle's list-append): clients send transactions of reads
 * `["r", k, null]` and appends `["append", k, element]`; the node answers `txn_ok` with the
 * executed transaction, each read filled in with the key's whole list (null for a key never
 * appended to). Elle's list-append analysis judges the replies against
 * `--consistency-models` (default strict-serializable). Clients are reusable; no op is
 * idempotent, so a timeout is :info and a definite error (txn-conflict, 30) an abort.
 */
import { explainElle, type ElleResult } from "../checkers/elle/explain.ts";
import { checkListAppend } from "../checkers/elle/list-append.ts";
import { TXN } from "../../protocol/txn-list-append.ts";
import { txnClient } from "./clients.ts";
import type { OpSource, Workload, WorkloadContext } from "../contracts/types.ts";
import { TxnOps } from "./txn-generator.ts";

/**
 * Elle's append-txns: its read/write generator with every write turned into an append, so
 * elements are 1, 2, … per key (unique) and a key retires after --max-writes-per-key appends.
 * `--min-txn-length` (ours: Maelstrom's workload reads the option but its CLI has no flag) sets the shortest txn.
 */
export function appendTxns({ rng, opts }: WorkloadContext): OpSource {
  const txns = new TxnOps(rng, {
    keyCount: opts.keyCount,
    maxTxnLength: opts.maxTxnLength,
    maxWritesPerKey: opts.maxWritesPerKey,
    minTxnLength: opts.minTxnLength,
  });
  return {
    next: () => {
      const op = txns.next() as { f: string; value: unknown[][] };
      return { f: op.f, value: op.value.map(([f, key, value]) => [f === "w" ? "append" : f, key, value]) };
    },
  };
}

const txnListAppend: Workload<ElleResult> = {
  name: "txn-list-append",
  fs: new Set(["txn"]),
  microOps: new Set(["r", "append"]),
  reusableClient: true,
  idempotent: new Set(),
  newClient: txnClient(TXN),
  generator: appendTxns,
  check: (history, { opts, files }) => checkListAppend(history, { consistencyModels: opts.consistencyModels, files }),
  explain: explainElle,
};

export default txnListAppend;
