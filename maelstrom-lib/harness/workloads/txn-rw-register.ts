/**
 * The txn-rw-register workload (Maelstrom's `workload/txn_rw_register.clj`):
 * clients send transactions of register reads and writes; the node answers `txn_ok` with the
 * executed transaction, reads filled in. An Elle-style checker judges the replies against
 * `--consistency-models`. Clients are reusable; no op is idempotent, so a timeout is :info and
 * a definite error (txn-conflict, 30) means the transaction aborted.
 */
import { explainElle } from "../checkers/elle/explain.ts";
import { checkRwRegister, type RwRegisterResult } from "../checkers/elle/rw-register.ts";
import { TXN } from "../../protocol/txn-rw-register.ts";
import { txnClient } from "./clients.ts";
import type { RunFiles, Workload } from "../contracts/types.ts";
import { TxnOps } from "./txn-generator.ts";

/**
 * Adds `elle/<anomaly>.txt` to the run folder's files, one explanation per line followed by the
 * txns involved (Maelstrom keeps Elle's cycle explanations there too).
 */
function addExplanations(files: RunFiles, result: RwRegisterResult): void {
  if ("error" in result) return;
  const groups = { ...result.anomalies, ...result["allowed-anomalies"] };
  for (const [type, cases] of Object.entries(groups)) {
    const text = cases
      .map(({ explanation, ...details }) => `${explanation}\n  ${JSON.stringify(details)}\n`)
      .join("\n");
    files.set(`elle/${type}.txt`, text);
  }
}

const txnRwRegister: Workload<RwRegisterResult> = {
  name: "txn-rw-register",
  fs: new Set(["txn"]),
  microOps: new Set(["r", "w"]),
  reusableClient: true,
  idempotent: new Set(),
  newClient: txnClient(TXN),
  generator: ({ rng, opts }) => new TxnOps(rng, opts),
  check: (history, { opts, files }) => {
    const result = checkRwRegister(history, { consistencyModels: opts.consistencyModels });
    if (files) addExplanations(files, result);
    return result;
  },
  explain: explainElle,
};

export default txnRwRegister;
