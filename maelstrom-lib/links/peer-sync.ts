/**
 * Recovery of a node's memory from its peers after a restart (a kill loses everything a node
 * holds; the restarted process gets `init` again and nothing else).
 *
 * A node cannot tell a first start from a restart, so at every start it asks each peer for its
 * state, from its first request after init on (peers may not be reachable before), or
 * START_AFTER_INIT_MS after init if no request came (a node restarted into a quiet cluster,
 * say just before the final reads): it sends a `sync` carrying its own state and resends it every `retryMs` until that
 * peer's state has come back, as a `sync_ok` or as the peer's own `sync`. A node answers a
 * `sync` with a `sync_ok` unless it is still waiting for that peer itself: then both nodes are
 * starting, their two `sync`s cross, and each counts the other's as the answer. So a fresh
 * start of the whole cluster costs one message per pair of peers in each direction, and a
 * restart two per peer; once every peer's state is in, the node is `ready` and its handlers
 * may answer from its memory again.
 *
 * The state is the owner's business: `snapshot` builds what goes to a peer, `merge` takes in
 * what a peer sent. Both `sync` and `sync_ok` are fire and forget; a lost one is resent.
 */
import type { BaseBody, Node } from "../node/index.ts";

/**
 * Sync anyway this long after init if no request came first. Maelstrom's setup (every node's
 * init, then the clients') takes far less, so every peer is reachable by then.
 */
export const START_AFTER_INIT_MS = 2_000;

/** A node's state on its way to a peer: as a request (`sync`) or as the answer (`sync_ok`). */
export interface SyncMessage extends BaseBody {
  type: "sync" | "sync_ok";
  state: unknown;
}

/**
 * The messages PeerSync sends and handles, both fire and forget (never replied to with
 * in_reply_to): a program that uses PeerSync adds them to its node's protocol.
 */
export type PeerSyncMessages = {
  sync: { request: SyncMessage & { type: "sync" }; reply: never };
  sync_ok: { request: SyncMessage & { type: "sync_ok" }; reply: never };
};

/** What to recover from whom, and how. */
export interface PeerSyncOptions<S> {
  /** The peers whose state this node needs; called once, at init. */
  peers: () => readonly string[];
  /** This node's state as it goes to `peer`. */
  snapshot: (peer: string) => S;
  /** Takes in `peer`'s state (from its `sync` or its `sync_ok`). */
  merge: (peer: string, state: S) => void;
  /** Resend a `sync` to a peer that has not answered after this long. */
  retryMs: number;
}

/**
 * Pulls every peer's state at start (the first request after init, at the latest START_AFTER_INIT_MS), and answers the
 * peers that pull ours.
 */
export class PeerSync<S> {
  private peers = new Set<string>();
  private readonly awaiting = new Set<string>();
  private started = false;
  private readonly readyWaiters: (() => void)[] = [];

  /** Registers the `sync` handlers and the start hook on `node`; call before `node.run()`. */
  constructor(
    private readonly node: Node<PeerSyncMessages>,
    private readonly options: PeerSyncOptions<S>,
  ) {
    node.onFirstRequest(() => this.start());
    node.onInit(() => {
      const stop = node.every(START_AFTER_INIT_MS, () => {
        stop();
        this.start();
      });
    });
    node.on("sync", ({ src, body }) => this.receive(src, body.state as S, true));
    node.on("sync_ok", ({ src, body }) => this.receive(src, body.state as S, false));
  }

  /** True once every peer's state has been merged since this process started (false before it starts syncing). */
  get ready(): boolean {
    return this.started && this.awaiting.size === 0;
  }

  /** Resolves once `ready`. */
  whenReady(): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  private start(): void {
    if (this.started) return;
    this.peers = new Set(this.options.peers());
    for (const peer of this.peers) this.awaiting.add(peer);
    this.started = true;
    this.requestMissing();
    if (this.checkReady()) return;
    const stop = this.node.every(this.options.retryMs, () => {
      if (this.awaiting.size === 0) stop();
      else this.requestMissing();
    });
  }

  private requestMissing(): void {
    for (const peer of this.awaiting) this.node.send(peer, { type: "sync", state: this.options.snapshot(peer) });
  }

  private receive(peer: string, state: S, isRequest: boolean): void {
    if (!this.peers.has(peer)) return this.node.log(`sync from ${peer}, which is not a peer; ignored`);
    // Merged before the node counts as ready, so `merge` still sees it recovering.
    const wasAwaiting = this.awaiting.has(peer);
    this.options.merge(peer, state);
    this.awaiting.delete(peer);
    // A sync that crossed ours already has our state (ours is on its way); anyone else is owed the answer.
    if (isRequest && !wasAwaiting) this.node.send(peer, { type: "sync_ok", state: this.options.snapshot(peer) });
    if (wasAwaiting) this.checkReady();
  }

  private checkReady(): boolean {
    if (!this.ready) return false;
    for (const resolve of this.readyWaiters.splice(0)) resolve();
    return true;
  }
}
