/**
 * Pushes stamped register writes to every other node, in batches, until each node has
 * acknowledged them: a partition only delays replication. Per peer there is one outbox keyed
 * by register and at most one batch in flight; a newer write of a key replaces an unsent older
 * one, since only the newest can win at the receiver anyway. A batch is applied whole by its
 * receiver, so the writes of one commit become visible there together.
 *
 * A killed node loses its registers and its outboxes. At every start it pulls every peer's
 * registers (PeerSync) while serving at once, as total availability demands; the peers' own
 * unacknowledged batches to it are resent anyway. What it had committed but not yet
 * replicated is lost: waiting for a replica before acknowledging would block under partition.
 */
import { PeerSync, type PeerSyncMessages } from "../links/peer-sync.ts";
import type { BaseBody, Node } from "../node/index.ts";
import { isNewer, type LwwStore, type StampedWrite } from "./lww-store.ts";

/** The node-to-node message: a batch of writes; answered by `replicate_ok`. */
export interface ReplicateRequest extends BaseBody {
  type: "replicate";
  writes: StampedWrite[];
}

/** The acknowledgement: the whole batch is merged. */
export interface ReplicateOk extends BaseBody {
  type: "replicate_ok";
}

/** The messages a Replicator sends and handles: a program that uses it adds them to its node's protocol. */
export type ReplicatorMessages = PeerSyncMessages & {
  replicate: { request: ReplicateRequest; reply: ReplicateOk };
};

/** How often and how patiently to replicate. */
export interface ReplicatorOptions {
  /** A batch goes to each peer with pending writes this often. */
  intervalMs: number;
  /** An unacknowledged batch is sent again (with anything newer) after this. */
  ackTimeoutMs: number;
}

/** Replicates a node's committed writes to all its peers and merges theirs into `store`. */
export class Replicator {
  private readonly outboxes = new Map<string, Map<number, StampedWrite>>();
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly node: Node<ReplicatorMessages>,
    store: LwwStore,
    private readonly options: ReplicatorOptions,
  ) {
    node.on("replicate", (message) => {
      store.merge(message.body.writes);
      return { type: "replicate_ok" };
    });
    node.every(options.intervalMs, () => this.flush());
    new PeerSync<StampedWrite[]>(node, {
      peers: () => node.peers,
      snapshot: () => store.versions(),
      merge: (_peer, writes) => store.merge(writes),
      retryMs: options.ackTimeoutMs,
    });
  }

  /** Queues freshly committed writes for every other node. Only after init. */
  push(writes: readonly StampedWrite[]): void {
    if (writes.length === 0) return;
    for (const peer of this.node.nodeIds) {
      if (peer === this.node.id) continue;
      let outbox = this.outboxes.get(peer);
      if (!outbox) this.outboxes.set(peer, (outbox = new Map()));
      for (const write of writes) {
        const queued = outbox.get(write.key);
        if (!queued || isNewer(write, queued)) outbox.set(write.key, write);
      }
    }
  }

  private flush(): void {
    for (const [peer, outbox] of this.outboxes) {
      if (outbox.size > 0 && !this.inFlight.has(peer)) void this.sendBatch(peer, outbox);
    }
  }

  private async sendBatch(peer: string, outbox: Map<number, StampedWrite>): Promise<void> {
    const batch = [...outbox.values()];
    this.inFlight.add(peer);
    try {
      await this.node.rpc(peer, { type: "replicate", writes: batch }, { timeoutMs: this.options.ackTimeoutMs });
      // Acknowledged: forget what was sent, unless a newer write of the key came in meanwhile.
      for (const write of batch) if (outbox.get(write.key) === write) outbox.delete(write.key);
    } catch {
      // Timed out (partition) or refused: everything stays queued for the next tick.
    } finally {
      this.inFlight.delete(peer);
    }
  }
}
