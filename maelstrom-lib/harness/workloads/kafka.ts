/**
 * The kafka workload (Maelstrom's `workload/kafka.clj`): append-only
 * logs named by string keys. Clients send messages, poll from per-client offsets (committing
 * what they polled), assign themselves keys, and crash now and then; a final drain per worker
 * reads every key from the start. The checker is Jepsen's kafka checker (checkers/kafka.ts).
 */
import { checkKafka } from "../checkers/kafka.ts";
import { isAny, isArrayOf, isInt, isObjectOf } from "../schema.ts";
import type { ClientConnection, Completion, OpRequest, ReplySchema, Workload, WorkloadClient } from "../types.ts";
import { FinalPolls, KafkaOps, keyOffsetsOf } from "./kafka-generator.ts";

/** `send_ok` carries the message's integer offset. */
export const SEND_OK: ReplySchema = { type: "send_ok", required: { offset: isInt } };
/** `poll_ok` carries `msgs`: per key a list of `[offset, msg]` (required even when empty). */
export const POLL_OK: ReplySchema = {
  type: "poll_ok",
  required: { msgs: isObjectOf(isArrayOf((pair) => Array.isArray(pair) && pair.length === 2 && isInt(pair[0]) && isAny(pair[1]))) },
};
/** `commit_offsets_ok` carries nothing. */
export const COMMIT_OFFSETS_OK: ReplySchema = { type: "commit_offsets_ok", required: {} };
/** `list_committed_offsets_ok` carries `offsets` (required even when empty). */
export const LIST_COMMITTED_OFFSETS_OK: ReplySchema = {
  type: "list_committed_offsets_ok",
  required: { offsets: isObjectOf(isInt) },
};

type PolledMsgs = Record<string, [number, unknown][]>;

/**
 * One Maelstrom kafka client: its offsets map says, per assigned key, the next offset to poll.
 * A new client (after a crash) starts with none, so it polls nothing until its first assign.
 */
export class KafkaClient implements WorkloadClient {
  private offsets = new Map<string, number>();

  constructor(private readonly connection: ClientConnection) {}

  /** Runs one op; RPC errors propagate for the runner to classify. */
  async invoke(op: OpRequest): Promise<Completion> {
    switch (op.f) {
      case "crash":
        return { type: "info", value: null };
      case "assign":
        return { type: "ok", value: await this.assign(op.value as string[], op.final === true) };
      case "poll":
        return { type: "ok", value: [["poll", await this.poll()]] };
      case "send": {
        const [[, key, msg]] = op.value as [["send", string, unknown]];
        const reply = await this.connection.call({ type: "send", key, msg }, SEND_OK);
        return { type: "ok", value: [["send", key, [reply.offset, msg]]] };
      }
      default:
        throw new Error(`kafka: unknown op ${op.f} (expected send, poll, assign or crash)`);
    }
  }

  /**
   * Replaces the assigned keys. The final phase seeks to the beginning; otherwise keys already
   * tracked keep their offset and new ones start at the committed offset as-is (so the last
   * committed message is read again), or 0.
   */
  private async assign(keys: string[], seekToBeginning: boolean): Promise<string[]> {
    if (seekToBeginning) {
      this.offsets = new Map(keys.map((key) => [key, 0]));
      return keys;
    }
    const reply = await this.connection.call({ type: "list_committed_offsets", keys }, LIST_COMMITTED_OFFSETS_OK);
    const committed = reply.offsets as Record<string, number>;
    this.offsets = new Map(keys.map((key) => [key, this.offsets.get(key) ?? committed[key] ?? 0]));
    return keys;
  }

  /**
   * Polls from the local offsets, advances them past what came back, then commits the highest
   * offset polled per key. If the commit fails the op fails, but the offsets have moved: that
   * is Maelstrom's behaviour, and why commit_offsets must never return a definite error.
   */
  private async poll(): Promise<PolledMsgs> {
    const reply = await this.connection.call({ type: "poll", offsets: Object.fromEntries(this.offsets) }, POLL_OK);
    const msgs = reply.msgs as PolledMsgs;
    const highest: Record<string, number> = {};
    for (const [key, pairs] of Object.entries(msgs)) {
      let max = -1;
      for (const [offset] of pairs) max = Math.max(max, offset);
      this.offsets.set(key, Math.max(this.offsets.get(key) ?? 0, max + 1));
      if (pairs.length > 0) highest[key] = max;
    }
    if (Object.keys(highest).length > 0) {
      await this.connection.call({ type: "commit_offsets", offsets: highest }, COMMIT_OFFSETS_OK);
    }
    return msgs;
  }
}

const kafka: Workload = {
  name: "kafka",
  // Maelstrom tears kafka clients down after every :info (a crash op included).
  reusableClient: false,
  // Only assign is safe to call failed after a timeout: it changes nothing on the server.
  idempotent: new Set(["assign"]),
  // Crash ops always end in :info; Jepsen's kafka stats-checker does not hold that against them.
  statsIgnoredFs: new Set(["crash", "debug-topic-partitions"]),
  newClient: (connection) => new KafkaClient(connection),
  generator: (ctx) =>
    new KafkaOps(
      ctx.rng,
      { keyCount: ctx.opts.keyCount, maxWritesPerKey: ctx.opts.maxWritesPerKey, concurrency: ctx.opts.concurrency },
      keyOffsetsOf(ctx),
    ),
  finalGenerator: (ctx) => new FinalPolls(ctx.rng, keyOffsetsOf(ctx)),
  // "It's likely that users are going to lose data": the drain stops after 10 s regardless.
  finalTimeLimitMs: 10_000,
  check: (history) => checkKafka(history),
};

export default kafka;
