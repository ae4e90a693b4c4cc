/**
 * The Lamport diagram of a run (`messages.svg`), drawn as Maelstrom's net/viz.clj draws it:
 * one vertical line per participant, time flowing down by journal event index, one arrow per
 * delivered message from its send step to its recv step, coloured by kind, labelled with the
 * type and a short body. init/init_ok are left out and only the first `eventLimit` events
 * are drawn. Unlike Maelstrom, messages that were sent but never delivered (cut by a
 * partition, or still queued at the end) get a short dashed stub, so partitions are visible.
 * A message to a client that the client cannot match to a request (no `in_reply_to`, or one
 * naming no request that client sent) is drawn in the error colour, its label saying which
 * `in_reply_to` it had: the one field a normal-looking label would leave out.
 *
 * The collector is fed the journal one event at a time and keeps only the events it will
 * draw (bounded by `eventLimit`), so any journal size is fine.
 */
import { escapeXml, px, sortParticipants, truncate } from "../primitives/svg-text.ts";
import { isClient } from "../world/net.ts";
import type { JournalEvent } from "../contracts/journal.ts";

/** Drawing constants (Maelstrom's viz.clj values where it has one). */
export const LAMPORT = {
  /** Maelstrom's journal-limit: drawing stops after this many events. */
  eventLimit: 10_000,
  /** Maelstrom's fixed width; we widen it when many participants would crowd the labels. */
  minWidthPx: 1200,
  columnMinWidthPx: 70,
  yStepPx: 20,
  labelMaxChars: 48,
  /** Participant names are repeated every this many steps. */
  nodeLabelEverySteps: 50,
  errorColor: "#FF1E90",
  clientColor: "#81BFFC",
  serverColor: "#000",
  notDeliveredColor: "#999",
  truncatedColor: "#D96918",
  /** Length of the dashed stub drawn for a message that was never delivered. */
  notDeliveredStubPx: 40,
} as const;

/** What was drawn, for the report page and for tests. */
export interface LamportDiagram {
  svg: string;
  /** Participants, in column order. */
  participants: string[];
  /** Journal events drawn (init/init_ok excluded). */
  shownEventCount: number;
  /** Events after the limit, not drawn. */
  hiddenEventCount: number;
  /** Arrows drawn: delivered messages whose send and recv are both among the shown events. */
  arrowCount: number;
  /** Stubs drawn: shown sends whose message was never delivered anywhere in the journal. */
  notDeliveredCount: number;
}

interface ShownEvent {
  type: "send" | "recv";
  id: number;
  src: string;
  dest: string;
  body: Record<string, unknown>;
  /** Why the client it reached could not match it ("no in_reply_to"), for such a message. */
  unmatched?: string;
}

/**
 * Why a message to a client matches none of its requests, given the highest msg_id that client
 * had sent (clients number their requests 1, 2, …): "no in_reply_to", "in_reply_to 7 matches no
 * request"; undefined when it answers one of them, as world/client.ts matches replies.
 */
export function unmatchedNote(body: Record<string, unknown>, lastMsgId: number | undefined): string | undefined {
  if (!("in_reply_to" in body)) return "no in_reply_to";
  const inReplyTo = body.in_reply_to;
  const id = inReplyTo as number;
  const answers = Number.isInteger(id) && id >= 1 && id <= (lastMsgId ?? 0);
  return answers ? undefined : `in_reply_to ${JSON.stringify(inReplyTo) ?? String(inReplyTo)} matches no request`;
}

/** Whether a journal event is part of the diagram (Maelstrom leaves the init handshake out). */
export function isDiagramEvent(event: JournalEvent): boolean {
  const type = event.body?.type;
  return type !== "init" && type !== "init_ok";
}

/** Collects journal events in order and renders the diagram of the first `eventLimit` of them. */
export class LamportCollector {
  private readonly shown: ShownEvent[] = [];
  private readonly participants = new Set<string>();
  /** Shown sends not yet seen delivered (bounded by the shown events). */
  private readonly undelivered = new Set<number>();
  /** Each client's highest request msg_id so far (init's too), to tell a reply that matches nothing. */
  private readonly lastMsgId = new Map<string, number>();
  /** Shown messages to clients that match no request, by id, so their recv gets the same label. */
  private readonly unmatched = new Map<number, string>();
  private hiddenEventCount = 0;

  /**
   * `eventLimit`: how many diagram events to draw (Maelstrom: 10,000). `laneOrder`: Maelstrom's
   * (clients first, as its sort-clients puts "c" before "n"), or nodes first and clients after,
   * which the page's small preview uses so the servers' traffic is in view.
   */
  constructor(
    private readonly eventLimit: number = LAMPORT.eventLimit,
    private readonly laneOrder: "maelstrom" | "nodes-first" = "maelstrom",
  ) {}

  /** Feeds the next journal event, in journal order. */
  add(event: JournalEvent): void {
    const body = event.body ?? {};
    if (event.type === "send" && isClient(event.src) && typeof body.msg_id === "number") {
      this.lastMsgId.set(event.src, Math.max(body.msg_id, this.lastMsgId.get(event.src) ?? 0));
    }
    if (!isDiagramEvent(event)) return;
    this.participants.add(event.src);
    this.participants.add(event.dest);
    if (event.type === "recv") this.undelivered.delete(event.id);
    if (this.shown.length >= this.eventLimit) {
      this.hiddenEventCount++;
      return;
    }
    const unmatched = this.unmatchedNoteOf(event, body);
    const { type, id, src, dest } = event;
    this.shown.push({ type, id, src, dest, body, ...(unmatched ? { unmatched } : {}) });
    if (event.type === "send") this.undelivered.add(event.id);
  }

  /** Decided when the message is sent (the requests it could answer were sent before it), kept for its recv. */
  private unmatchedNoteOf(event: JournalEvent, body: Record<string, unknown>): string | undefined {
    if (event.type === "recv") return this.unmatched.get(event.id);
    if (!isClient(event.dest)) return undefined;
    const note = unmatchedNote(body, this.lastMsgId.get(event.dest));
    if (note) this.unmatched.set(event.id, note);
    return note;
  }

  /** Renders the SVG of everything fed so far. */
  render(): LamportDiagram {
    const sorted = sortParticipants(this.participants);
    const participants =
      this.laneOrder === "maelstrom" ? sorted : [...sorted.filter((id) => !isClient(id)), ...sorted.filter(isClient)];
    const layout = new Layout(participants, this.shown.length);
    const sendStep = new Map<number, number>();
    const messageParts: string[] = [];
    let arrowCount = 0;
    let notDeliveredCount = 0;
    this.shown.forEach((event, index) => {
      const step = index + 1;
      if (event.type === "send") {
        sendStep.set(event.id, step);
        if (this.undelivered.has(event.id)) {
          messageParts.push(renderNotDelivered(layout, event, step));
          notDeliveredCount++;
        }
        return;
      }
      const fromStep = sendStep.get(event.id);
      if (fromStep === undefined) return; // a recv without its send: a journal bug, nothing to draw
      messageParts.push(renderArrow(layout, event, fromStep, step));
      arrowCount++;
    });
    const svg = [
      `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${layout.widthPx + 50}" ` +
        `height="${layout.heightPx}" class="lamport">`,
      `<style>${DIAGRAM_CSS}</style>`,
      `<defs><polygon id="ahead" points="0 0, -12 4, -12 -4"/></defs>`,
      `<g class="participants">${renderParticipants(layout)}</g>`,
      `<g class="messages">${messageParts.join("")}</g>`,
      renderTruncatedNotice(layout, this.hiddenEventCount),
      `</svg>`,
    ].join("\n");
    return {
      svg,
      participants,
      shownEventCount: this.shown.length,
      hiddenEventCount: this.hiddenEventCount,
      arrowCount,
      notDeliveredCount,
    };
  }
}

const DIAGRAM_CSS = `
svg.lamport { font-family: Helvetica, Arial, sans-serif; font-size: 11px; }
.lamport rect { stroke-linecap: butt; stroke-width: 3; stroke: #fff; }
.lamport text.label { paint-order: stroke; stroke: #fff; stroke-width: 3px; }
.lamport g.msg:hover rect, .lamport g.msg:target rect { stroke: #ffd54a; }
.lamport g.msg:target rect { stroke-width: 6; }`;

/** Positions of participants and steps (viz.clj's layout, x and y). */
class Layout {
  readonly widthPx: number;
  readonly heightPx: number;
  private readonly column = new Map<string, number>();

  constructor(
    readonly participants: string[],
    readonly stepCount: number,
  ) {
    participants.forEach((id, index) => this.column.set(id, index));
    this.widthPx = Math.max(LAMPORT.minWidthPx, participants.length * LAMPORT.columnMinWidthPx);
    // Steps start at y(1); one more step for the lines' ends, two for the notice, two of margin.
    this.heightPx = LAMPORT.yStepPx * (2 + 1 + 2 + 2 + stepCount);
  }

  x(participant: string): number {
    const index = this.column.get(participant)!;
    return ((index + 0.5) / this.participants.length) * this.widthPx;
  }

  y(step: number): number {
    return LAMPORT.yStepPx * (1.5 + step);
  }
}

function messageColor(event: ShownEvent): string {
  if (event.body.type === "error" || event.unmatched) return LAMPORT.errorColor;
  if (isClient(event.src) || isClient(event.dest)) return LAMPORT.clientColor;
  return LAMPORT.serverColor;
}

/**
 * "type + short body" as viz.clj writes it: errors show their text, others the body minus
 * bookkeeping keys. A reply its client cannot match says why right after its type (`unmatched`),
 * before the body, so truncation never hides it.
 */
export function messageLabel(body: Record<string, unknown>, unmatched?: string): string {
  const { type, msg_id: _msgId, in_reply_to: _inReplyTo, ...rest } = body;
  const detail = type === "error" ? String(body.text ?? "") : JSON.stringify(rest);
  return truncate(`${String(type)} ${unmatched ? `⚠ ${unmatched} ` : ""}${detail}`, LAMPORT.labelMaxChars);
}

function messageTitle(event: ShownEvent): string {
  const why = event.unmatched ? ` (${event.unmatched}: ${event.dest} cannot match it to its request)` : "";
  return `${event.src} → ${event.dest} ${JSON.stringify(event.body)}${why}`;
}

function renderArrow(layout: Layout, event: ShownEvent, fromStep: number, toStep: number): string {
  const x0 = layout.x(event.src);
  const y0 = layout.y(fromStep);
  const x1 = layout.x(event.dest);
  const y1 = layout.y(toStep);
  const lengthPx = Math.hypot(x1 - x0, y1 - y0);
  const angleDeg = (Math.atan2(y1 - y0, x1 - x0) * 180) / Math.PI;
  // Text drawn along a leftward arrow would be upside down: turn it over.
  const pointsLeft = !(angleDeg > -90 && angleDeg < 90);
  const middle = px(lengthPx / 2);
  const flip = pointsLeft ? ` transform="rotate(180 ${middle} 0)"` : "";
  const color = messageColor(event);
  return (
    `<g class="msg" id="m${event.id}" data-id="${event.id}" transform="translate(${px(x0)} ${px(y0)}) ` +
    `rotate(${px(angleDeg)})">` +
    `<title>${escapeXml(messageTitle(event))}</title>` +
    `<rect x="0" y="-2.5" height="5" width="${px(Math.max(0, lengthPx - 4))}" fill="${color}"/>` +
    `<use href="#ahead" x="${px(lengthPx)}" y="0" fill="${color}"/>` +
    `<text class="label" text-anchor="middle" x="${middle}" y="${px(-LAMPORT.yStepPx / 5)}"${flip}>` +
    `${escapeXml(messageLabel(event.body, event.unmatched))}</text></g>`
  );
}

function renderNotDelivered(layout: Layout, event: ShownEvent, step: number): string {
  const x0 = layout.x(event.src);
  const direction = layout.x(event.dest) >= x0 ? 1 : -1;
  const x1 = x0 + direction * LAMPORT.notDeliveredStubPx;
  const y = px(layout.y(step));
  const title = `${messageTitle(event)} (never delivered: cut by a partition or still queued at the end)`;
  const label = escapeXml(truncate(String(event.body.type), LAMPORT.labelMaxChars));
  return (
    `<g class="not-delivered" data-id="${event.id}"><title>${escapeXml(title)}</title>` +
    `<line x1="${px(x0)}" y1="${y}" x2="${px(x1)}" y2="${y}" stroke="${LAMPORT.notDeliveredColor}" ` +
    `stroke-width="3" stroke-dasharray="4 3"/>` +
    `<text x="${px(x1 + direction * 4)}" y="${y}" dominant-baseline="middle" ` +
    `text-anchor="${direction > 0 ? "start" : "end"}" ` +
    `fill="${LAMPORT.notDeliveredColor}">✕ ${label}</text></g>`
  );
}

function renderParticipants(layout: Layout): string {
  const parts: string[] = [];
  for (const participant of layout.participants) {
    const x = px(layout.x(participant));
    parts.push(
      `<line stroke="#ccc" x1="${x}" y1="${px(layout.y(0))}" x2="${x}" y2="${px(layout.y(layout.stepCount + 1))}"/>`,
    );
    for (let step = 0; step < Math.max(1, layout.stepCount); step += LAMPORT.nodeLabelEverySteps) {
      const fill = step === 0 ? "#000" : "#aaa";
      parts.push(
        `<text class="participant" x="${x}" y="${px(layout.y(step - 0.5))}" text-anchor="middle" ` +
          `dominant-baseline="middle" fill="${fill}">${escapeXml(participant)}</text>`,
      );
    }
  }
  return parts.join("");
}

function renderTruncatedNotice(layout: Layout, hiddenEventCount: number): string {
  if (hiddenEventCount === 0) return "";
  const step = layout.stepCount + 2;
  const color = LAMPORT.truncatedColor;
  return (
    `<g class="truncated"><line x1="30" y1="${px(layout.y(step))}" x2="${layout.widthPx - 30}" ` +
    `y2="${px(layout.y(step))}" stroke-width="1" stroke="${color}"/>` +
    `<text x="${layout.widthPx / 2}" y="${px(layout.y(step + 1))}" fill="${color}" text-anchor="middle">` +
    `${hiddenEventCount} later network events not shown</text></g>`
  );
}
