#!/usr/bin/env bun
/**
 * The write-up's counter, kept to measure how often it fails: adds are the same CAS loop as
 * main.ts, but a read is "read, then CAS the value onto itself, start over if that fails".
 * seq-kv answers that identity CAS from the same possibly old state it read from (Maelstrom
 * issue #39), so a final read can still miss the last adds.
 */
import { type GCounterProtocol, Node, PreconditionFailed, SeqKV } from "maelstrom-lib";

const COUNTER_KEY = "counter";
/** Bounds the retry loops; never reached in practice. */
const MAX_ATTEMPTS = 1_000;

const node = new Node<GCounterProtocol>();
const kv = new SeqKV(node);

/** Succeeds when seq-kv agrees that the counter is `value` in the state it picks. */
async function casSucceeds(from: number, to: number): Promise<boolean> {
  try {
    await kv.cas(COUNTER_KEY, from, to, { create: true });
    return true;
  } catch (error) {
    if (error instanceof PreconditionFailed) return false;
    throw error;
  }
}

node.on("add", async (request) => {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await kv.readOr(COUNTER_KEY, 0);
    if (await casSucceeds(current, current + request.body.delta)) return { type: "add_ok" };
  }
  throw new Error("add: CAS kept failing");
});

node.on("read", async () => {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const value = await kv.readOr(COUNTER_KEY, 0);
    if (await casSucceeds(value, value)) return { type: "read_ok", value };
  }
  throw new Error("read: identity CAS kept failing");
});

await node.run();
