/**
 * Workload clients that several workloads share, as Maelstrom's workloads share theirs: the
 * add-and-read client of g-set, g-counter and pn-counter (each sends `add` with its own field),
 * and the one-RPC client of the two txn workloads.
 */
import type { Rpc } from "../../protocol/schema.ts";
import type { Workload } from "../contracts/types.ts";

/** `add` carries the op's value under `addField`; `read` answers with the state under `value`. */
export function addReadClient(workload: string, addField: string, add: Rpc, read: Rpc): Workload["newClient"] {
  return (connection) => ({
    async invoke(op) {
      if (op.f === "add") {
        await connection.call(add, { [addField]: op.value });
        return { type: "ok", value: op.value };
      }
      if (op.f === "read") {
        const reply = await connection.call(read, {});
        return { type: "ok", value: reply.value };
      }
      throw new Error(`${workload}: unknown op ${op.f}`);
    },
  });
}

/** One transaction out, the executed transaction back as the op's value. */
export function txnClient(txn: Rpc): Workload["newClient"] {
  return (connection) => ({
    async invoke(op) {
      const reply = await connection.call(txn, { txn: op.value });
      // A null txn passes the schema; the client's str->kw (mapv) turns it into [], no micro-ops.
      return { type: "ok", value: reply.txn ?? [] };
    },
  });
}
