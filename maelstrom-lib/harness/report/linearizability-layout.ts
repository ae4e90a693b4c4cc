/**
 * Where linearizability.html puts each op's bar and each linearization point. The horizontal
 * axis is the order of events (invocations and completions), not time, stretched where it
 * must be: every bar wide enough for its label, and every linearization point inside its op's
 * bar and a little right of the one before it. Porcupine's visualization (index.js) solves the
 * same constraints with one greedy left-to-right pass; so does this. The pass works because a
 * partial linearization respects real time: an op placed earlier was invoked before any op
 * placed later completed, so when a bar's end is placed, every point up to its own is known.
 * The window's ops come out of history.jsonl through WindowOpCollector.
 */
import { describeOp } from "../checkers/linearizable/analysis.ts";
import { prepareKey } from "../checkers/linearizable/history.ts";
import type { PartialReport } from "../checkers/linearizable/partials.ts";
import type { LinKVKey } from "../checkers/linearizable/results.ts";
import { nanosToSeconds } from "../contracts/history.ts";
import type { Op } from "../contracts/types.ts";

/** One op of the window, from history.jsonl. */
export interface WindowOp {
  /** History index of its completion (of its invocation when it never completed). */
  index: number;
  invokeIndex: number;
  /** Undefined for a crashed op (:info or no completion): its bar runs to the right edge. */
  completeIndex: number | undefined;
  process: string;
  node: string | undefined;
  /** What it did: "read 1", "cas 2→4". */
  text: string;
  type: "ok" | "info" | "pending";
  startSec: number;
  endSec: number | undefined;
}

/**
 * Picks the ops the bad keys' `window-ops` name out of history.jsonl, fed op by op: each
 * paired with its invocation, and described as the checker describes it.
 */
export class WindowOpCollector {
  private readonly wanted: ReadonlySet<number>;
  private readonly open = new Map<unknown, Op>();
  private readonly found = new Map<number, WindowOp>();

  constructor(keys: readonly LinKVKey[]) {
    const windows = keys.map((key) => key.check["window-ops"]).filter(Array.isArray);
    this.wanted = new Set(windows.flat().filter((index): index is number => typeof index === "number"));
  }

  add(op: Op): void {
    if (op.process === "nemesis" || this.wanted.size === 0) return;
    if (op.type === "invoke") {
      this.open.set(op.process, op);
      return;
    }
    const invoke = this.open.get(op.process);
    if (!invoke) return;
    this.open.delete(op.process);
    if (this.wanted.has(op.index)) this.keep(invoke, op);
  }

  /** Bad key name → its window's ops, in invocation order. */
  result(keys: readonly LinKVKey[]): Map<string, WindowOp[]> {
    for (const invoke of this.open.values()) if (this.wanted.has(invoke.index)) this.keep(invoke, undefined);
    const windows = new Map<string, WindowOp[]>();
    for (const key of keys) {
      const indices = Array.isArray(key.check["window-ops"]) ? (key.check["window-ops"] as number[]) : [];
      const ops = indices.flatMap((index) => this.found.get(index) ?? []);
      if (ops.length)
        windows.set(
          key.name,
          ops.sort((a, b) => a.invokeIndex - b.invokeIndex),
        );
    }
    return windows;
  }

  private keep(invoke: Op, completion: Op | undefined): void {
    const key = Array.isArray(invoke.value) ? (invoke.value as unknown[])[0] : undefined;
    // The key's subhistory holds bare values, as splitByKey (and Jepsen's independent) gives them.
    const bare = (op: Op): Op => (Array.isArray(op.value) ? { ...op, value: (op.value as unknown[])[1] } : op);
    const keyOp = prepareKey(key, (completion ? [invoke, completion] : [invoke]).map(bare)).ops[0];
    if (!keyOp) return;
    const ok = completion?.type === "ok";
    this.found.set(completion?.index ?? invoke.index, {
      index: completion?.index ?? invoke.index,
      invokeIndex: invoke.index,
      completeIndex: ok ? completion!.index : undefined,
      process: String(invoke.process),
      node: invoke.node,
      text: describeOp(keyOp),
      type: ok ? "ok" : completion ? "info" : "pending",
      startSec: nanosToSeconds(invoke.time),
      endSec: completion ? nanosToSeconds(completion.time) : undefined,
    });
  }
}

/** Sizes, in px. */
export const LAYOUT = {
  charWidth: 7.3,
  /** Each side of a label: wide enough that a point at the bar's start clears the text. */
  textPadding: 14,
  minGap: 22,
  /** Least distance between successive linearization points. */
  pointGap: 22,
  /** Room left after a bar's last point before the bar ends, and before a bar's first point. */
  pointMargin: 7,
  rightMargin: 30,
} as const;

/** Each op's bar and, per partial linearization, the x of each shown step and each next op. */
export interface Layout {
  startX: Map<number, number>;
  endX: Map<number, number>;
  width: number;
  /** Per partial linearization: op index → x of its point, for its steps. */
  points: Map<number, number>[];
  /** Per partial linearization: op index → x of the point it would have had next. */
  nextPoints: Map<number, number>[];
}

/** Lays out the window's ops and the partial linearizations' points, all from x = 0. */
export function layOut(ops: readonly WindowOp[], partials: readonly PartialReport[]): Layout {
  const byIndex = new Map(ops.map((op) => [op.index, op]));
  const events = [
    ...new Set(ops.flatMap((op) => [op.invokeIndex, ...(op.completeIndex === undefined ? [] : [op.completeIndex])])),
  ];
  events.sort((a, b) => a - b);
  const endsAt = new Map<number, WindowOp>();
  for (const op of ops) if (op.completeIndex !== undefined) endsAt.set(op.completeIndex, op);
  const xOf = new Map<number, number>();
  const chains = partials.map((partial) => new PointChain(partial, byIndex, xOf));
  let previous = -LAYOUT.minGap;
  for (const event of events) {
    let x = previous + LAYOUT.minGap;
    const ending = endsAt.get(event);
    if (ending) {
      x = Math.max(x, xOf.get(ending.invokeIndex)! + textWidth(ending.text));
      for (const chain of chains) x = Math.max(x, chain.lastPointFor(ending.index) + LAYOUT.pointMargin);
    }
    xOf.set(event, x);
    previous = x;
  }
  // Crashed ops end at the right edge: after every point and every crashed op's label.
  let right = previous + LAYOUT.minGap;
  for (const chain of chains) right = Math.max(right, chain.finish() + LAYOUT.pointMargin);
  for (const op of ops)
    if (op.completeIndex === undefined) right = Math.max(right, xOf.get(op.invokeIndex)! + textWidth(op.text));
  const startX = new Map(ops.map((op) => [op.index, xOf.get(op.invokeIndex)!]));
  const endX = new Map(
    ops.map((op) => [op.index, op.completeIndex === undefined ? right : xOf.get(op.completeIndex)!]),
  );
  return {
    startX,
    endX,
    width: right + LAYOUT.rightMargin,
    points: chains.map((c) => c.points),
    nextPoints: chains.map((c) => c.nextPoints),
  };
}

/** A label's width in the page's monospace font, padded. */
export function textWidth(text: string): number {
  return text.length * LAYOUT.charWidth + 2 * LAYOUT.textPadding;
}

/** One partial linearization's points, placed as far as the bars placed so far allow. */
class PointChain {
  readonly points = new Map<number, number>();
  readonly nextPoints = new Map<number, number>();
  private placed = 0;
  private readonly stepAt: ReadonlyMap<number, number>;
  private readonly nextOps: Set<number>;

  constructor(
    private readonly partial: PartialReport,
    private readonly byIndex: ReadonlyMap<number, WindowOp>,
    private readonly xOf: ReadonlyMap<number, number>,
  ) {
    this.stepAt = new Map(partial.steps.map((step, i) => [step.index, i]));
    this.nextOps = new Set(partial.next.filter((next) => byIndex.has(next.index)).map((next) => next.index));
  }

  /** The rightmost point the bar of op `index` must hold in this chain (-Infinity: none). */
  lastPointFor(index: number): number {
    const step = this.stepAt.get(index);
    if (step !== undefined) {
      this.placeUpTo(step);
      return this.points.get(index)!;
    }
    if (!this.nextOps.has(index)) return -Infinity;
    this.placeUpTo(this.partial.steps.length - 1);
    return this.placeNext(index);
  }

  /** Places every point left (those of crashed ops); returns the rightmost. */
  finish(): number {
    this.placeUpTo(this.partial.steps.length - 1);
    let right = this.lastX();
    for (const index of this.nextOps) right = Math.max(right, this.placeNext(index));
    return right;
  }

  private placeUpTo(step: number): void {
    for (; this.placed <= step; this.placed++) {
      const index = this.partial.steps[this.placed]!.index;
      const start = this.startOf(index);
      this.points.set(index, Math.max(start, this.lastX() + LAYOUT.pointGap));
    }
  }

  private placeNext(index: number): number {
    let x = this.nextPoints.get(index);
    if (x === undefined) {
      x = Math.max(this.startOf(index), this.lastX() + LAYOUT.pointGap);
      this.nextPoints.set(index, x);
    }
    return x;
  }

  private lastX(): number {
    if (this.placed === 0) return -Infinity;
    return this.points.get(this.partial.steps[this.placed - 1]!.index)!;
  }

  /** Just right of the bar's start, so the point never sits on its edge. */
  private startOf(index: number): number {
    const op = this.byIndex.get(index);
    return op ? this.xOf.get(op.invokeIndex)! + LAYOUT.pointMargin : Math.max(0, this.lastX());
  }
}
