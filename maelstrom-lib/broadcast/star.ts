/**
 * Broadcast over a star: the first node in the node list is the hub, every other node is a
 * leaf that talks to the hub only. Maelstrom's suggested topology is acknowledged and ignored.
 *
 * A leaf sends the values its clients broadcast to the hub; the hub batches whatever it
 * learned and, on a fixed beat of the node's clock (wall-clock time by default, the same in
 * every node process), sends each leaf one message with everything that leaf does not have
 * yet. Every value crosses two hops (≈ 2 × latency), and the message count
 * is set by how often the hub beats (24 leaves ⇒ 24 messages a beat), not by how many values
 * there are. Links are `PeerLink`s: reliable under partitions, free when healthy, silent when
 * there is nothing new.
 *
 * When `alignLeavesToHub` is set, a leaf also batches, and times its sends to reach the hub
 * just before the hub's beat, so a value waits for one beat instead of two.
 *
 * A killed node loses its set and its links. At every start a node pulls its star peers' sets
 * (PeerSync: a leaf the hub's, the hub every leaf's) and holds reads until they are in; the
 * hub passes on what one leaf had and another lacks. With `ackOnceCopied` a broadcast is
 * acknowledged only once a star peer holds the value too (its ack rides on the batches anyway;
 * a client that gives up first gets no answer), so no acknowledged value lives on one node
 * alone. While the hub is down nothing spreads.
 */
import type { Node } from "../node/index.ts";
import type { BroadcastProtocol } from "../protocol/broadcast.ts";
import { type LinkTiming, PeerLink, type PeerLinkMessages } from "../links/peer-link.ts";
import { PeerSync, type PeerSyncMessages } from "../links/peer-sync.ts";
import { withinClientPatience } from "../links/client-patience.ts";

/** When each side of the star sends. */
export interface StarSchedule {
  /** The hub sends its batch to the leaves at each multiple of this many ms of `node.clock` time. */
  hubBeatMs: number;
  /** A leaf sends its new values at each multiple of this many ms; 0 sends them at the next tick. */
  leafBeatMs: number;
  /**
   * Shift each leaf's beat so its batch reaches the hub just before the hub's beat. A leaf
   * measures one hop as how long after a hub beat the hub's batches arrive, which assumes a hop
   * is shorter than a beat.
   */
  alignLeavesToHub: boolean;
  /** Retry and acknowledgement timing of every link. */
  link: LinkTiming;
  /**
   * Acknowledge a broadcast only once a star peer holds the value too, so a kill cannot lose
   * it. Costs op latency (up to a beat and a round trip) and hence, with Maelstrom's
   * synchronous clients, throughput: fewer ops share the same beats.
   */
  ackOnceCopied: boolean;
}

/** How often a node looks at the clock to see whether its beat has come. */
const TICK_MS = 5;
/**
 * Leaves aim to land at the hub this long before its beat: slack for a busy machine, since a
 * batch that lands just after the beat waits a whole beat.
 */
const ALIGN_MARGIN_MS = 120;
/** Weight of a new sample in the running estimate of when hub batches arrive. */
const ARRIVAL_SMOOTHING = 0.2;

/** What a star member handles and sends: the broadcast workload, its links' batches and its recovery. */
export type StarMessages = BroadcastProtocol & PeerLinkMessages & PeerSyncMessages;

/**
 * One node of the star: its values, its links (to the hub, or the hub's to every leaf) and its
 * beat. `new StarBroadcast(node, schedule)` registers the broadcast handlers on `node`; then
 * `await node.run()`.
 */
export class StarBroadcast {
  private readonly messages = new Set<number>();
  private readonly links = new Map<string, PeerLink>();
  private readonly sync: PeerSync<number[]>;
  private isHub = false;
  /** How long after the hub's beat its batches arrive here (a leaf's estimate of one hop). */
  private hubArrivalOffsetMs = 0;
  private lastBeat = -1;

  constructor(
    private readonly node: Node<StarMessages>,
    private readonly schedule: StarSchedule,
  ) {
    node.onInit(() => this.joinStar());
    this.sync = new PeerSync<number[]>(node, {
      peers: () => [...this.links.keys()],
      snapshot: () => [...this.messages],
      merge: (peer, values) => {
        for (const value of values) this.learn(value, peer);
        this.links.get(peer)!.peerHolds(values);
      },
      retryMs: schedule.link.retryMs,
    });
    this.handleRequests();
    node.every(TICK_MS, () => this.tick());
  }

  /** The first node is the hub; a leaf links to it, the hub to every leaf. */
  private joinStar(): void {
    const hub = this.node.nodeIds[0]!;
    this.isHub = this.node.id === hub;
    const peers = this.isHub ? this.node.peers : [hub];
    for (const peer of peers) this.links.set(peer, new PeerLink(peer, this.schedule.link));
  }

  private handleRequests(): void {
    const { node, schedule } = this;
    node.on("topology", () => ({ type: "topology_ok" }));
    node.on("broadcast", (request) => {
      this.learn(request.body.message);
      if (!schedule.ackOnceCopied) return { type: "broadcast_ok" };
      return withinClientPatience(
        node.clock,
        this.heldByAPeer(request.body.message).then(() => ({ type: "broadcast_ok" as const })),
      );
    });
    node.on("read", () =>
      withinClientPatience(
        node.clock,
        this.sync.whenReady().then(() => ({ type: "read_ok" as const, messages: [...this.messages] })),
      ),
    );
    node.on("gossip_batch", (request) => {
      const link = this.links.get(request.src);
      if (!link) return node.log(`gossip from ${request.src}, which is not a star neighbour; ignored`);
      const nowMs = node.clock.nowMs();
      link.receive(request.body, nowMs);
      for (const value of request.body.values) this.learn(value, request.src);
      if (!this.isHub && request.body.values.length > 0) {
        const offsetMs = nowMs % schedule.hubBeatMs;
        this.hubArrivalOffsetMs += ARRIVAL_SMOOTHING * (offsetMs - this.hubArrivalOffsetMs);
      }
    });
  }

  /** Stores a value the first time it is seen and queues it for every peer but `from`. */
  private learn(value: number, from?: string): void {
    if (this.messages.has(value)) return;
    this.messages.add(value);
    for (const [peer, link] of this.links) if (peer !== from) link.enqueue(value);
  }

  /** Resolves once some star peer holds `value` as well as this node. */
  private heldByAPeer(value: number): Promise<unknown> {
    const links = [...this.links.values()];
    return links.length === 0 ? Promise.resolve() : Promise.any(links.map((link) => link.whenDelivered(value)));
  }

  /** The number of the current beat; a new number means it is time to flush. */
  private currentBeat(nowMs: number): number {
    const { schedule } = this;
    if (this.isHub) return Math.floor(nowMs / schedule.hubBeatMs);
    if (schedule.leafBeatMs === 0) return nowMs;
    const leadMs = schedule.alignLeavesToHub ? this.hubArrivalOffsetMs + ALIGN_MARGIN_MS : 0;
    return Math.floor((nowMs + leadMs) / schedule.leafBeatMs);
  }

  /** On a new beat, each link sends what it has batched (nothing when there is nothing new). */
  private tick(): void {
    const nowMs = this.node.clock.nowMs();
    const beat = this.currentBeat(nowMs);
    if (beat === this.lastBeat) return;
    this.lastBeat = beat;
    for (const [peer, link] of this.links) {
      const batch = link.takeBatch(nowMs);
      if (batch) this.node.send(peer, batch);
    }
  }
}
