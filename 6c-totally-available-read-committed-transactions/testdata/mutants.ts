/**
 * 6c broken on purpose, each as main.ts with a few lines changed (writeMutant writes it out),
 * so the broken nodes follow the solution as it is.
 */
import type { Mutant } from "../../maelstrom-lib/harness/testdata/mutant.ts";

/**
 * When a txn writes a key twice, the first (intermediate) value is shipped to the other nodes
 * at once, under a stamp of its own, and the final values only with the next batch. Until then
 * other nodes read the intermediate value: G1b, which read committed forbids and read
 * uncommitted allows (the stamps still order all writes, so there is no write cycle).
 */
export const INTERMEDIATE_WRITES: Mutant = {
  name: "intermediate-writes",
  edits: [
    {
      find: "    buffered.set(key, value);\n",
      replace: `    const overwritten = buffered.get(key);
    if (overwritten !== undefined) {
      const leaked = store.commit([[key, overwritten]]);
      for (const peer of node.peers) node.send(peer, { type: "replicate", writes: leaked });
    }
    buffered.set(key, value);
`,
    },
  ],
};

/**
 * One writing txn in four is reported aborted (txn-conflict, a definite error) although its
 * writes were committed and replicated. Readers of those values read from a txn the client
 * was told never happened: G1a.
 */
export const PHANTOM_ABORT: Mutant = {
  name: "phantom-abort",
  edits: [
    {
      find: 'import { Node, type TxnOp, type TxnRwRegisterProtocol } from "maelstrom-lib";',
      replace: 'import { ErrorCode, Node, RPCError, type TxnOp, type TxnRwRegisterProtocol } from "maelstrom-lib";',
    },
    { find: 'node.on("txn", ', replace: 'let writingTxns = 0;\n\nnode.on("txn", ' },
    {
      find: "  if (buffered.size > 0) replicator.push(store.commit(buffered));\n",
      replace: `  if (buffered.size > 0) replicator.push(store.commit(buffered));
  if (buffered.size > 0 && ++writingTxns % 4 === 0) {
    throw new RPCError(ErrorCode.TxnConflict, "aborted (but applied anyway)");
  }
`,
    },
  ],
};
