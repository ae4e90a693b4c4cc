/**
 * Which message of the journal carried an op's request, so a finding can link to its arrow in
 * `messages.svg` (`#m<message id>`). History and journal share the run's clock: a worker
 * records the invocation and its client sends the request at once, to the op's node, with the
 * op's name as the message type. The first unclaimed such send in a short window after the
 * invocation is the op's. Only messages the diagram draws are linked.
 */
import { isClient } from "../world/net.ts";
import { isDiagramEvent, LAMPORT } from "./lamport-svg.ts";
import type { JournalEvent } from "../contracts/journal.ts";
import type { TimelineOp } from "./timeline.ts";
import { secondsToNanos } from "../contracts/history.ts";

/** How long after its invocation an op's request may be sent (the worker sends it at once). */
const REQUEST_WINDOW_NS = 5_000_000;
/** Seconds-to-nanoseconds round trips are off by a little; the two clocks are one. */
const CLOCK_ROUNDING_NS = 10_000;

/** Finds the request messages of a few ops, fed the journal in order. */
export class OpMessageLocator {
  /** Ops still looking for their request, in invocation order. */
  private readonly waiting: TimelineOp[];
  private readonly found = new Map<number, number>();
  private diagramEvents = 0;

  constructor(ops: readonly TimelineOp[]) {
    this.waiting = [...ops].filter((op) => op.node !== undefined).sort((a, b) => a.startSec - b.startSec);
  }

  add(event: JournalEvent): void {
    if (!isDiagramEvent(event)) return;
    this.diagramEvents++;
    if (
      this.waiting.length === 0 ||
      event.type !== "send" ||
      !isClient(event.src) ||
      this.diagramEvents > LAMPORT.eventLimit
    )
      return;
    const at = this.waiting.findIndex((op) => {
      const sinceInvokeNs = event.time - secondsToNanos(op.startSec);
      return (
        op.node === event.dest &&
        event.body?.type === op.f &&
        sinceInvokeNs >= -CLOCK_ROUNDING_NS &&
        sinceInvokeNs <= REQUEST_WINDOW_NS
      );
    });
    if (at < 0) return;
    this.found.set(this.waiting[at]!.index, event.id);
    this.waiting.splice(at, 1);
  }

  /** Op (completion) index → the journal id of its request message. */
  result(): Map<number, number> {
    return new Map(this.found);
  }
}
