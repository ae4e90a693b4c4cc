#!/usr/bin/env bun
// Deliberately broken single-store node, as in Maelstrom issue #56: the handler yields between
// micro-ops, so concurrent transactions interleave and overwrite each other's uncommitted
// writes — a write cycle (G0), which even read uncommitted forbids. Maelstrom's checker does
// not see it; ours orders every read and write inside a txn and does.
import { Node, sleep, type TxnOp, type TxnRwRegisterProtocol } from "maelstrom-lib";

const node = new Node<TxnRwRegisterProtocol>();
const registers = new Map<number, number>();

node.on("txn", async ({ body }) => {
  const txn: TxnOp[] = [];
  for (const [op, key, value] of body.txn) {
    // A real store would be waiting on a disk or a lock here; other txns run meanwhile.
    await sleep(node.clock, 1);
    if (op === "r") txn.push([op, key, registers.get(key) ?? null]);
    else {
      registers.set(key, value);
      txn.push([op, key, value]);
    }
  }
  return { type: "txn_ok", txn };
});

await node.run();
