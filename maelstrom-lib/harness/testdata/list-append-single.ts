#!/usr/bin/env bun
// A correct single-node txn-list-append store: one map of key → list, each txn run whole in
// arrival order (the runtime handles one message at a time), so it is strict-serializable.
// Arguments break it on purpose:
//   duplicate-appends  every 7th append is applied twice (reads then show duplicate elements);
//   lagging-reads      txns with no append read a copy of the map refreshed every 300 ms,
//                      so a read can miss appends that completed before it began.
import { Node } from "maelstrom-lib";

type Mop = [f: string, key: unknown, value: unknown];

const node = new Node();
const duplicateAppends = process.argv.includes("duplicate-appends");
const laggingReads = process.argv.includes("lagging-reads");
const lists = new Map<unknown, unknown[]>();
let lagging = new Map<unknown, unknown[]>();
let appendsSeen = 0;

const copyOf = (map: Map<unknown, unknown[]>) => new Map([...map].map(([key, list]) => [key, [...list]]));

function run(txn: Mop[]): Mop[] {
  const state = laggingReads && txn.every(([f]) => f === "r") ? lagging : lists;
  return txn.map(([f, key, value]): Mop => {
    if (f === "r") return ["r", key, state.has(key) ? [...state.get(key)!] : null];
    const list = state.get(key) ?? [];
    list.push(value);
    if (duplicateAppends && ++appendsSeen % 7 === 0) list.push(value);
    state.set(key, list);
    return ["append", key, value];
  });
}

// Untyped on purpose (generic bodies): the broken variants answer whatever their map holds.
node.on("txn", (request) => ({ type: "txn_ok", txn: run(request.body.txn as Mop[]) }));
if (laggingReads) node.every(300, () => void (lagging = copyOf(lists)));

await node.run();
