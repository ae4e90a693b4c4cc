#!/usr/bin/env bun
/**
 * A node for the runtime's process tests: each request type exercises one runtime feature
 * (rpc to a peer the test plays, KV clients, error replies, async handlers, every()).
 */
import { ErrorCode, Node, RPCError, SeqKV } from "../index.ts";

const node = new Node();
const kv = new SeqKV(node, { timeoutMs: 500 });
let ticks = 0;

/** Turns an rpc outcome into a reply the test can inspect. */
function outcome(error: unknown) {
  const rpcError = error as RPCError;
  return { type: "call_failed", name: rpcError.name, code: rpcError.code, definite: rpcError.definite };
}

node.on("echo", (request) => ({ type: "echo_ok", echo: request.body.echo }));

// rpc to a peer: the reply, an error, or a timeout.
node.on("call", async (request) => {
  try {
    const reply = await node.rpc(
      String(request.body.peer),
      { type: "ping" },
      { timeoutMs: Number(request.body.timeout_ms) },
    );
    return { type: "call_ok", reply };
  } catch (error) {
    return outcome(error);
  }
});

node.on("kv_cas", async (request) => {
  try {
    await kv.cas("k", request.body.from as number, request.body.to as number, { create: true });
    return { type: "kv_cas_ok" };
  } catch (error) {
    return outcome(error);
  }
});

node.on("kv_read", async () => ({ type: "kv_read_ok", value: await kv.readOr("k", -1) }));

node.on("throw", () => {
  throw new Error("boom");
});
node.on("throw_async", async () => {
  await Bun.sleep(1);
  throw new Error("async boom");
});
node.on("abort", () => {
  throw new RPCError(ErrorCode.TxnConflict, "conflict on purpose");
});
node.on("bad_reply", () => 42 as never);

// Starts a periodic task that sends a tick to the requester; at stdin EOF it must stop.
node.on("start_ticking", (request) => {
  node.every(Number(request.body.period_ms), () => {
    ticks++;
    node.send(request.src, { type: "tick", n: ticks });
  });
  return { type: "start_ticking_ok" };
});

// Mistakes a solution might make: an rpc nobody awaits (its timeout rejects unhandled) and a
// timer callback that throws. Neither may kill the node.
node.on("floating_rpc", () => {
  void node.rpc("n1", { type: "ping" }, { timeoutMs: 50 });
  setTimeout(() => {
    throw new Error("thrown in a bare timer");
  }, 10);
  return { type: "floating_rpc_ok" };
});

node.on("fire_and_forget", () => ({ type: "should_not_be_sent" }));

node.onInit(() => node.log(`test node ${node.id} of ${node.nodeIds.join(",")} ready`));
await node.run();
node.log(`stdin closed after ${ticks} ticks`);
