#!/usr/bin/env bun
/**
 * Challenge 4: a grow-only counter on Maelstrom's sequentially consistent seq-kv.
 *
 * The whole counter is one seq-kv key. An add reads it and compare-and-swaps it from the value
 * read to that value plus the delta; if another node got there first, the CAS fails with
 * "precondition failed" and the add tries again. seq-kv runs every state-changing request
 * against its latest state, so a CAS that succeeds never overwrites someone else's add.
 *
 * Reads are where the write-up's version goes wrong. seq-kv may answer a node's read from any
 * state between the last one that node has seen and the latest, so a plain read can be stale.
 * Confirming it with a CAS of the value onto itself does not help: a CAS that changes nothing
 * is answered from that same old state (Maelstrom issue #39). What does help is the other half
 * of sequential consistency: after a node's own state change, it sees at least that state. So
 * a read first writes a new value to a key that only this node writes, then reads the counter.
 */
import { type GCounterProtocol, Node, PreconditionFailed, RPCError, ErrorCode, SeqKV } from "maelstrom-lib";

const COUNTER_KEY = "counter";
/** An add that keeps losing CAS races gives up well before the client's 5 s timeout. */
const ADD_DEADLINE_MS = 3_000;

const node = new Node<GCounterProtocol>();
const kv = new SeqKV(node);
let freshnessWrites = 0;

/** The counter, at least as new as every add acknowledged before this call. */
async function readFresh(): Promise<number> {
  // Only this node writes its key, so each new number is a real state change.
  await kv.write(`freshness-${node.id}`, ++freshnessWrites);
  return kv.readOr(COUNTER_KEY, 0);
}

/** Moves the counter from `current` to `current + delta`; false if it no longer holds `current`. */
async function compareAndAdd(current: number, delta: number): Promise<boolean> {
  try {
    await kv.cas(COUNTER_KEY, current, current + delta, { create: true });
    return true;
  } catch (error) {
    if (error instanceof PreconditionFailed) return false;
    throw error;
  }
}

node.on("add", async (request) => {
  const { delta } = request.body;
  // Adding zero changes nothing; any other add retries until its CAS wins.
  if (delta === 0) return { type: "add_ok" };
  const deadlineMs = node.clock.nowMs() + ADD_DEADLINE_MS;
  while (node.clock.nowMs() < deadlineMs) {
    const current = await kv.readOr(COUNTER_KEY, 0);
    if (await compareAndAdd(current, delta)) return { type: "add_ok" };
  }
  throw new RPCError(ErrorCode.TemporarilyUnavailable, "too many CAS conflicts");
});

node.on("read", async () => ({ type: "read_ok", value: await readFresh() }));

await node.run();
