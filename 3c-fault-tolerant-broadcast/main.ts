#!/usr/bin/env bun
/**
 * Challenge 3c: fault-tolerant broadcast.
 *
 * 3b with a network that drops messages (partitions). Each value is still flooded to the
 * topology neighbours, but now every hand-over is an RPC that is retried until the neighbour
 * acknowledges it. Stored values are a set, so a retry that did arrive the first time (only
 * its acknowledgement was lost) changes nothing. Once a partition heals, every pending
 * hand-over goes through, and by induction along the topology every node ends up with every
 * value. Reads answer from the local set only.
 */
import { ErrorCode, Node, RPCError, sleep } from "maelstrom-lib";

// The node-to-node message, typed for node.on and node.rpc. Declared alike in 3b and 3c: the
// registry is one namespace for the whole project, so one type name means one body everywhere.
declare module "maelstrom-lib" {
  interface RequestRegistry {
    gossip: { request: { type: "gossip"; message: number; msg_id?: number }; reply: { type: "gossip_ok" } };
  }
}

/** How long to wait for a neighbour's acknowledgement before sending again. */
const RETRY_AFTER_MS = 1000;

/** Serves 3c on `node` until its input closes (main.ts runs it on stdin; tests on a fake clock). */
export function serveFaultTolerantBroadcast(node: Node): Promise<void> {
  const messages = new Set<number>();
  let neighbours: string[] = [];

  /** Hands `value` to `neighbour`, again and again until it acknowledges. */
  async function deliver(neighbour: string, value: number): Promise<void> {
    for (;;) {
      try {
        await node.rpc(neighbour, { type: "gossip", message: value }, { timeoutMs: RETRY_AFTER_MS });
        return;
      } catch (error) {
        // A timeout (partitioned or slow) already waited; anything else waits before retrying.
        if (!(error instanceof RPCError && error.code === ErrorCode.Timeout)) await sleep(node.clock, RETRY_AFTER_MS);
      }
    }
  }

  /** Stores a value the first time it is seen and passes it on; `from` already has it. */
  function learn(value: number, from?: string): void {
    if (messages.has(value)) return;
    messages.add(value);
    for (const neighbour of neighbours) {
      if (neighbour !== from) void deliver(neighbour, value);
    }
  }

  node.on("topology", (request) => {
    neighbours = request.body.topology[node.id] ?? [];
    return { type: "topology_ok" };
  });

  node.on("broadcast", (request) => {
    learn(request.body.message);
    return { type: "broadcast_ok" };
  });

  node.on("gossip", (request) => {
    learn(request.body.message, request.src);
    return { type: "gossip_ok" };
  });

  node.on("read", () => ({ type: "read_ok", messages: [...messages] }));

  return node.run();
}

if (import.meta.main) await serveFaultTolerantBroadcast(new Node());
