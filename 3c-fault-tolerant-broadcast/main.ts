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
 *
 * A killed node loses its set, its neighbours and its pending hand-overs, and its restarted
 * process gets `init` but no topology. So at every start a node pulls every peer's set
 * (maelstrom-lib/links PeerSync) and holds reads until all are in; once they are, it hands
 * each peer the values that peer lacked, the hand-overs the dead process never made. Until a
 * topology arrives every other node is a neighbour. And a broadcast is acknowledged only once
 * a neighbour has the value too, so an acknowledged value is never held by one node alone
 * (under a partition that may take longer than the client waits: then it is not answered).
 */
import { type BroadcastProtocol, ErrorCode, Node, RPCError, sleep } from "maelstrom-lib";
import { PeerSync, type PeerSyncMessages, withinClientPatience } from "maelstrom-lib/links";

/** The node-to-node message: a value handed to a neighbour, acknowledged once it is stored. */
type Gossip = { gossip: { request: { type: "gossip"; message: number }; reply: { type: "gossip_ok" } } };

/** How long to wait for a neighbour's acknowledgement before sending again. */
const RETRY_AFTER_MS = 1000;

const node = new Node<BroadcastProtocol & Gossip & PeerSyncMessages>();
const messages = new Set<number>();
/** Until a topology arrives (a restarted node gets none), every other node. */
let neighbours: readonly string[] = [];
node.onInit(() => (neighbours = node.peers));

/** While recovering: each peer's set as it sent it, to hand it what it lacks once all are in. */
const peerSets = new Map<string, Set<number>>();
const sync = new PeerSync<number[]>(node, {
  peers: () => node.peers,
  snapshot: () => [...messages],
  merge(peer, values) {
    for (const value of values) messages.add(value);
    if (!sync.ready) peerSets.set(peer, new Set(values));
  },
  retryMs: RETRY_AFTER_MS,
});
void sync.whenReady().then(() => {
  for (const [peer, has] of peerSets) for (const value of messages) if (!has.has(value)) void deliver(peer, value);
  peerSets.clear();
});

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

/**
 * Stores a value the first time it is seen and passes it on; `from` already has it. Resolves
 * once some node besides this one has it: the first neighbour's acknowledgement.
 */
function learn(value: number, from?: string): Promise<unknown> {
  if (messages.has(value)) return Promise.resolve();
  messages.add(value);
  const deliveries = neighbours.filter((neighbour) => neighbour !== from).map((neighbour) => deliver(neighbour, value));
  // A gossip's sender has the value already; a client's value waits for one neighbour.
  return from === undefined && deliveries.length > 0 ? Promise.any(deliveries) : Promise.resolve();
}

node.on("topology", (request) => {
  neighbours = request.body.topology[node.id] ?? [];
  return { type: "topology_ok" };
});

// Not answered at all if no neighbour acknowledges before the client gives up.
node.on("broadcast", (request) =>
  withinClientPatience(
    node.clock,
    learn(request.body.message).then(() => ({ type: "broadcast_ok" as const })),
  ),
);

node.on("gossip", (request) => {
  void learn(request.body.message, request.src);
  return { type: "gossip_ok" };
});

node.on("read", () =>
  withinClientPatience(
    node.clock,
    sync.whenReady().then(() => ({ type: "read_ok" as const, messages: [...messages] })),
  ),
);

await node.run();
