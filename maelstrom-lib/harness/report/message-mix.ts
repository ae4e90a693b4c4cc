/**
 * Messages per operation split by message type, which Maelstrom does not show: of the server
 * messages (neither end a client, Maelstrom's `:servers` group), how many of each body type
 * were sent, and over which kind of link. Replies count under their own type (`read_ok`).
 * Fed one journal event at a time, like the Lamport collector.
 */
import { isClient } from "../world/net.ts";
import type { JournalEvent } from "../contracts/journal.ts";

/** Which kind of link a server message crossed. */
export type LinkKind = "node→node" | "node→service" | "service→node";

/** Counts of one message type. */
export interface MessageTypeCount {
  type: string;
  /** Messages sent (one per message id, as Maelstrom's msg-count). */
  sentCount: number;
  /** Messages delivered (recv events). */
  deliveredCount: number;
  /** Sent messages by link kind. */
  byLink: Partial<Record<LinkKind, number>>;
}

/** The split, sorted by most sent first. */
export interface MessageMix {
  types: MessageTypeCount[];
  /** Server messages sent in total (equals results.net.servers.msg-count). */
  serverSentCount: number;
  clientSentCount: number;
}

/** Accumulates the message mix of a journal. */
export class MessageMixCollector {
  private readonly byType = new Map<string, MessageTypeCount>();
  private clientSentCount = 0;
  private readonly nodeIds: ReadonlySet<string> | undefined;

  /** `nodeIds`: the run's nodes (test.json); without them, ids like `n3` count as nodes. */
  constructor(nodeIds?: readonly string[]) {
    this.nodeIds = nodeIds ? new Set(nodeIds) : undefined;
  }

  private isNode(id: string): boolean {
    return this.nodeIds ? this.nodeIds.has(id) : /^n\d+$/.test(id);
  }

  private linkKind(src: string, dest: string): LinkKind {
    if (this.isNode(src) && this.isNode(dest)) return "node→node";
    return this.isNode(src) ? "node→service" : "service→node";
  }

  /** Feeds the next journal event. */
  add(event: JournalEvent): void {
    const involvesClient = isClient(event.src) || isClient(event.dest);
    if (involvesClient) {
      if (event.type === "send") this.clientSentCount++;
      return;
    }
    const type = String(event.body?.type ?? "(no type)");
    let count = this.byType.get(type);
    if (!count) {
      count = { type, sentCount: 0, deliveredCount: 0, byLink: {} };
      this.byType.set(type, count);
    }
    if (event.type === "recv") {
      count.deliveredCount++;
      return;
    }
    count.sentCount++;
    const link = this.linkKind(event.src, event.dest);
    count.byLink[link] = (count.byLink[link] ?? 0) + 1;
  }

  /** The counts so far, most sent first. */
  result(): MessageMix {
    const types = [...this.byType.values()].sort((a, b) => b.sentCount - a.sentCount || (a.type < b.type ? -1 : 1));
    return {
      types,
      serverSentCount: types.reduce((sum, count) => sum + count.sentCount, 0),
      clientSentCount: this.clientSentCount,
    };
  }
}
