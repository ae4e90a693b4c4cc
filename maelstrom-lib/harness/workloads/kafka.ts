/**
 * The kafka workload (Maelstrom's `workload/kafka.clj`): append-only
 * logs named by string keys. Clients send messages, poll from per-client offsets (committing
 * what they polled), assign themselves keys, and crash now and then; a final drain per worker
 * reads every key from the start. The checker is Jepsen's kafka checker (checkers/kafka/index.ts).
 */
import { explainKafka } from "../checkers/kafka/explain.ts";
import { checkKafka, type KafkaResult } from "../checkers/kafka/index.ts";
import { COMMIT_OFFSETS, LIST_COMMITTED_OFFSETS, POLL, SEND } from "../../protocol/kafka.ts";
import type { ClientConnection, Completion, OpRequest, Workload, WorkloadClient } from "../contracts/types.ts";
import { FinalPolls, KafkaOps, keyOffsetsOf } from "./kafka-generator.ts";

/** A poll's `msgs`: a key's list may be null (Prismatic lets nil through), which reads as empty. */
type PolledMsgs = Record<string, [number, unknown][] | null>;

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
        const reply = await this.connection.call(SEND, { key, msg });
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
    const reply = await this.connection.call(LIST_COMMITTED_OFFSETS, { keys });
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
    const reply = await this.connection.call(POLL, { offsets: Object.fromEntries(this.offsets) });
    const msgs = reply.msgs as PolledMsgs;
    const highest: Record<string, number> = {};
    // kafka.clj's apply-mop! and txn-offsets: a null list is Clojure's nil, an empty seq, so the
    // key is still tracked (from offset 0 if new) but nothing is committed for it.
    for (const [key, list] of Object.entries(msgs)) {
      const pairs = list ?? [];
      let max = -1;
      for (const [offset] of pairs) max = Math.max(max, offset);
      this.offsets.set(key, Math.max(this.offsets.get(key) ?? 0, max + 1));
      if (pairs.length > 0) highest[key] = max;
    }
    if (Object.keys(highest).length > 0) {
      await this.connection.call(COMMIT_OFFSETS, { offsets: highest });
    }
    return msgs;
  }
}

const kafka: Workload<KafkaResult> = {
  name: "kafka",
  fs: new Set(["send", "poll", "assign", "crash"]),
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
  explain: explainKafka,
};

export default kafka;
