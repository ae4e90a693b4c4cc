/**
 * The kafka workload's op sources (Jepsen's `tests/kafka.clj` over
 * Elle's list-append generator, as Maelstrom configures them).
 *
 * Main phase: half polls, half sends over a pool of `keyCount` active keys chosen with
 * exponential skew; each key takes the values 1..maxWritesPerKey, then retires and a fresh key
 * takes its slot. About 1 op in 64 becomes an assign of the key it would have touched
 * (a third of those also assign every key with acknowledged but unpolled sends), and each
 * client crashes about every 30 s. Final phase, per worker: crash, assign every key seen with
 * seek-to-beginning, then poll every 0–0.4 s until this worker has polled up to the highest
 * offset the main phase saw for each key.
 */
import type { Rng } from "../primitives/rng.ts";
import type { NextOp, Op, OpSource, WorkerInfo, WorkloadContext } from "../contracts/types.ts";
import { viewOf } from "../checkers/kafka/history.ts";

/** Jepsen's `sub-p`: the chance an op is replaced by an assign. */
const ASSIGN_PROBABILITY = 1 / 64;
/** PollUnseen: the chance an assign also takes every key with unpolled acknowledged sends. */
const ASSIGN_UNSEEN_PROBABILITY = 1 / 3;
/** Jepsen's `crash-client-interval`: each client crashes about this often. */
const CRASH_INTERVAL_PER_CLIENT_MS = 30_000;
/** Final polls go out every uniform [0, 2 × this) ms (Jepsen's `stagger 1/5`). */
const FINAL_POLL_MEAN_GAP_MS = 200;

/** The highest offset per key seen in ok ops, shared by the main and final phases of a run. */
export class KeyOffsets {
  readonly maxOffset = new Map<string, number>();

  /** Folds an ok completion's sent and polled offsets in. */
  note(completion: Op): void {
    if (completion.type !== "ok") return;
    for (const [key, offset] of viewOf(completion).maxOffsets) {
      this.maxOffset.set(key, Math.max(this.maxOffset.get(key) ?? -1, offset));
    }
  }
}

const offsetsByRun = new WeakMap<WorkloadContext, KeyOffsets>();

/** The run's KeyOffsets: the runner hands the same context to both phases' generators. */
export function keyOffsetsOf(ctx: WorkloadContext): KeyOffsets {
  let offsets = offsetsByRun.get(ctx);
  if (!offsets) offsetsByRun.set(ctx, (offsets = new KeyOffsets()));
  return offsets;
}

/** A slot index in [0, slots) where each slot is half as likely as the one before. */
export function exponentialSlot(rng: Rng, slots: number): number {
  const u = rng.float() * (1 - 2 ** -slots);
  return Math.min(slots - 1, Math.floor(-Math.log2(1 - u)));
}

/** The main phase's op source. */
export class KafkaOps implements OpSource {
  private readonly activeKeys: number[];
  private readonly writesByKey = new Map<number, number>();
  private nextKey: number;
  private nextCrashAtMs = 0;
  private readonly crashGapMeanMs: number;
  /** Acked-but-unpolled bookkeeping (Jepsen's PollUnseen): max sent and polled offset per key. */
  private readonly sent = new Map<string, number>();
  private readonly polled = new Map<string, number>();

  constructor(
    private readonly rng: Rng,
    private readonly options: { keyCount: number; maxWritesPerKey: number; concurrency: number },
    private readonly offsets: KeyOffsets,
  ) {
    this.activeKeys = Array.from({ length: options.keyCount }, (_, i) => i);
    this.nextKey = options.keyCount;
    this.crashGapMeanMs = CRASH_INTERVAL_PER_CLIENT_MS / options.concurrency;
  }

  /** A crash when one is due, else an assign (rarely), a send or a poll. */
  next(worker: WorkerInfo): NextOp {
    if (worker.phaseElapsedMs >= this.nextCrashAtMs) {
      this.nextCrashAtMs += this.rng.float() * 2 * this.crashGapMeanMs;
      return { f: "crash", value: null };
    }
    const slot = exponentialSlot(this.rng, this.activeKeys.length);
    const key = this.activeKeys[slot]!;
    const isSend = this.rng.chance(0.5);
    if (this.rng.chance(ASSIGN_PROBABILITY)) return { f: "assign", value: this.assignKeys(String(key)) };
    if (!isSend) return { f: "poll", value: [["poll"]] };
    const value = (this.writesByKey.get(key) ?? 0) + 1;
    this.writesByKey.set(key, value);
    if (value >= this.options.maxWritesPerKey) {
      this.writesByKey.delete(key);
      this.activeKeys[slot] = this.nextKey++;
    }
    return { f: "send", value: [["send", String(key), value]] };
  }

  /** Tracks offsets for the final phase and for assigns of unpolled keys. */
  observe(_invoke: Op, completion: Op): void {
    if (completion.type !== "ok") return;
    this.offsets.note(completion);
    const view = viewOf(completion);
    for (const send of view.sends) {
      if (send.offset !== undefined) this.sent.set(send.key, Math.max(this.sent.get(send.key) ?? -1, send.offset));
    }
    for (const [key, offset] of view.maxOffsets) {
      if (view.polls.has(key)) this.polled.set(key, Math.max(this.polled.get(key) ?? -1, offset));
    }
    for (const key of view.polls.keys()) {
      // Caught up on this key: it no longer needs an assign to be seen.
      if ((this.polled.get(key) ?? -1) >= (this.sent.get(key) ?? -1)) {
        this.sent.delete(key);
        this.polled.delete(key);
      }
    }
  }

  private assignKeys(key: string): string[] {
    if (this.sent.size === 0 || !this.rng.chance(ASSIGN_UNSEEN_PROBABILITY)) return [key];
    return [...new Set([key, ...this.sent.keys()])];
  }
}

/** One worker's final drain. */
export class FinalPolls implements OpSource {
  private stage: "crash" | "assign" | "poll" | "sleep" = "crash";
  private readonly targets: Map<string, number>;

  constructor(
    private readonly rng: Rng,
    offsets: KeyOffsets,
  ) {
    this.targets = new Map(offsets.maxOffset);
  }

  /** crash, assign-from-the-start, then polls with random pauses until the targets are reached. */
  next(): NextOp {
    if (this.targets.size === 0) return undefined;
    switch (this.stage) {
      case "crash":
        this.stage = "assign";
        return { f: "crash", value: null, final: true };
      case "assign":
        this.stage = "poll";
        return { f: "assign", value: [...this.targets.keys()], final: true };
      case "poll":
        this.stage = "sleep";
        return { f: "poll", value: [["poll"]], final: true };
      case "sleep":
        this.stage = "poll";
        return { sleepMs: this.rng.float() * 2 * FINAL_POLL_MEAN_GAP_MS };
    }
  }

  /** Drops every key this worker has now polled up to its target. */
  observe(_invoke: Op, completion: Op): void {
    if (completion.type !== "ok" || completion.f !== "poll") return;
    for (const [key, offset] of viewOf(completion).maxOffsets) {
      if ((this.targets.get(key) ?? Infinity) <= offset) this.targets.delete(key);
    }
  }
}
