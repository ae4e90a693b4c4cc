/**
 * Reading kafka ops: what each completed op sent and polled, per key.
 *
 * History shapes (Jepsen's, with string keys as Maelstrom records them):
 *   send  `[["send", key, [offset, msg]]]` when ok; `[["send", key, msg]]` otherwise
 *   poll  `[["poll", {key: [[offset, msg], ...]}]]` when ok; `[["poll"]]` otherwise
 * The parsers are forgiving: a shape they do not know yields nothing rather than a throw,
 * because a checker must report on whatever a broken node made the client record.
 */
import type { Op } from "../../contracts/types.ts";

/** A message's identity as a Map key: numbers as themselves, anything else as its JSON. */
export type ValueKey = number | string;

/** The Map key of a message value. */
export function valueKey(value: unknown): ValueKey {
  return typeof value === "number" ? value : JSON.stringify(value);
}

/** One `[offset, msg]` pair from a poll. */
export type PolledPair = readonly [offset: number, value: unknown];

/** One send micro-op: the key, the offset if the reply gave one, and the message. */
export interface SentRecord {
  key: string;
  offset: number | undefined;
  value: unknown;
}

/** What one op did, per key, parsed once. */
export interface OpView {
  op: Op;
  /** Polled pairs per key, in reply order (keys with an empty list are kept). */
  polls: Map<string, PolledPair[]>;
  /** Sends in op order. */
  sends: SentRecord[];
  /** The highest offset per key this op polled (-1 for a key polled empty) or sent. */
  maxOffsets: Map<string, number>;
}

function microOps(op: Op): unknown[][] {
  if (!Array.isArray(op.value)) return [];
  return op.value.filter((mop): mop is unknown[] => Array.isArray(mop));
}

/** The sends of a send (or txn) op. */
export function opSends(op: Op): SentRecord[] {
  if (op.f !== "send" && op.f !== "txn") return [];
  const sends: SentRecord[] = [];
  for (const mop of microOps(op)) {
    if (mop[0] !== "send" || typeof mop[1] !== "string") continue;
    const sent = mop[2];
    const isPair = Array.isArray(sent) && sent.length === 2 && (typeof sent[0] === "number" || sent[0] === null);
    if (isPair && op.type === "ok") {
      sends.push({ key: mop[1], offset: (sent[0] as number | null) ?? undefined, value: sent[1] });
    } else {
      sends.push({ key: mop[1], offset: undefined, value: sent });
    }
  }
  return sends;
}

/** The polled pairs of a poll (or txn) op, per key; pairs without an integer offset are dropped. */
export function opPolls(op: Op): Map<string, PolledPair[]> {
  const polls = new Map<string, PolledPair[]>();
  if (op.f !== "poll" && op.f !== "txn") return polls;
  for (const mop of microOps(op)) {
    const msgs = mop[1];
    if (mop[0] !== "poll" || typeof msgs !== "object" || msgs === null || Array.isArray(msgs)) continue;
    for (const [key, pairs] of Object.entries(msgs as Record<string, unknown>)) {
      const list = polls.get(key) ?? [];
      if (Array.isArray(pairs)) {
        for (const pair of pairs) {
          if (Array.isArray(pair) && Number.isInteger(pair[0])) list.push([pair[0] as number, pair[1]]);
        }
      }
      polls.set(key, list);
    }
  }
  return polls;
}

/** Parses an op once into its per-key sends and polls. */
export function viewOf(op: Op): OpView {
  const polls = opPolls(op);
  const sends = opSends(op);
  return { op, polls, sends, maxOffsets: maxOffsetsOf(polls, sends) };
}

/** A short reference to an op for error examples (whole final polls would swamp results.json). */
export function opRef(op: Op): Record<string, unknown> {
  return { index: op.index, time: op.time, type: op.type, process: op.process, f: op.f };
}

function maxOffsetsOf(polls: Map<string, PolledPair[]>, sends: SentRecord[]): Map<string, number> {
  const offsets = new Map<string, number>();
  for (const [key, pairs] of polls) {
    let max = -1;
    for (const [offset] of pairs) if (offset > max) max = offset;
    offsets.set(key, max);
  }
  for (const send of sends) {
    if (send.offset === undefined) continue;
    offsets.set(send.key, Math.max(offsets.get(send.key) ?? -1, send.offset));
  }
  return offsets;
}

/** True for the ops the kafka checker reads (client send/poll/txn completions). */
export function isDataOp(op: Op): boolean {
  return op.type !== "invoke" && op.process !== "nemesis" && (op.f === "send" || op.f === "poll" || op.f === "txn");
}
