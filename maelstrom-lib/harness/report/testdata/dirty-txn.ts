#!/usr/bin/env bun
// Broken on purpose: applies a transaction's micro-ops one at a time to the shared store and
// yields between them, so concurrent transactions read each other's intermediate writes (G1b)
// and interleave in every other way too.
import { Node, type TxnOp, type TxnRwRegisterProtocol } from "maelstrom-lib";

const node = new Node<TxnRwRegisterProtocol>();
const store = new Map<number, number>();
node.on("txn", async ({ body }) => {
  const done: TxnOp[] = [];
  for (const mop of body.txn) {
    if (mop[0] === "w") store.set(mop[1], mop[2]);
    done.push(mop[0] === "r" ? ["r", mop[1], store.get(mop[1]) ?? null] : mop);
    await Bun.sleep(2);
  }
  return { type: "txn_ok", txn: done };
});
await node.run();
