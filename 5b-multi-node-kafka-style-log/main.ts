#!/usr/bin/env bun
/**
 * Challenge 5b: a multi-node Kafka-style log on Maelstrom's linearizable lin-kv.
 *
 * The nodes keep no state: everything lives in lin-kv, which every node sees the same way.
 * Per key, `next/<key>` holds the next free offset; a send claims one by compare-and-swapping
 * it from n to n+1 (retrying when another node won the race), then stores the message under
 * `msg/<key>/<n>`. Committed offsets live under `commit/<key>`, apart from the log.
 *
 * The message write is create-only (a CAS from a value no message has, creating the key): if
 * the claim's reply was lost we cannot know whether offset n is ours, but the create-only
 * write settles it, because at most one message can ever land at n and whoever loses claims
 * again. So no offset ever holds two messages, and no claimed offset stays empty for good.
 * A poll reads each key's messages from the requested offset until the first one missing:
 * a contiguous run, since a gap can only be a send still on its way.
 */
import { ErrorCode, KeyDoesNotExist, LinKV, Node, PreconditionFailed, RPCError } from "maelstrom-lib";
import type { KafkaProtocol } from "maelstrom-lib";

/** A send gives up (indefinitely: it may have been stored) before the client's 5 s timeout. */
const SEND_DEADLINE_MS = 4_000;
/** At most this many messages per key in one poll reply. */
const MAX_POLL_MESSAGES_PER_KEY = 100;
/** No message is ever this value, so a CAS from it only succeeds by creating the key. */
const NO_MESSAGE = null;

const node = new Node<KafkaProtocol>();
const kv = new LinKV(node);

const nextKey = (key: string) => `next/${key}`;
const msgKey = (key: string, offset: number) => `msg/${key}/${offset}`;
const commitKey = (key: string) => `commit/${key}`;

/** Claims the key's next offset; resolves with the offset claimed (or possibly claimed, on a lost reply). */
async function claimOffset(key: string): Promise<number> {
  for (;;) {
    const next = await kv.readOr(nextKey(key), 0);
    try {
      await kv.cas(nextKey(key), next, next + 1, { create: true });
      return next;
    } catch (error) {
      if (error instanceof PreconditionFailed) continue;
      if (error instanceof RPCError && error.code === ErrorCode.Timeout) return next;
      throw error;
    }
  }
}

/** Stores msg at offset unless another message is there; true if it is ours. */
async function storeAt(key: string, offset: number, msg: number): Promise<boolean> {
  for (;;) {
    try {
      await kv.cas(msgKey(key, offset), NO_MESSAGE, msg, { create: true });
      return true;
    } catch (error) {
      // Someone's message is there: ours, if an earlier attempt's reply was lost.
      if (error instanceof PreconditionFailed) return (await kv.read(msgKey(key, offset))) === msg;
      if (!(error instanceof RPCError && error.code === ErrorCode.Timeout)) throw error;
    }
  }
}

node.on("send", async ({ body }) => {
  const deadlineMs = node.clock.nowMs() + SEND_DEADLINE_MS;
  while (node.clock.nowMs() < deadlineMs) {
    const offset = await claimOffset(body.key);
    if (await storeAt(body.key, offset, body.msg)) return { type: "send_ok", offset };
  }
  throw new RPCError(ErrorCode.Crash, "could not store the message in time; it may have been stored");
});

/** The contiguous run of messages of one key from `from`, ending at the first offset not written yet. */
async function readRun(key: string, from: number): Promise<[number, number][]> {
  const pairs: [number, number][] = [];
  for (let offset = Math.max(0, from); pairs.length < MAX_POLL_MESSAGES_PER_KEY; offset++) {
    try {
      pairs.push([offset, await kv.read<number>(msgKey(key, offset))]);
    } catch (error) {
      if (error instanceof KeyDoesNotExist) break;
      throw error;
    }
  }
  return pairs;
}

node.on("poll", async ({ body }) => {
  const runs = await Promise.all(
    Object.entries(body.offsets).map(async ([key, from]) => [key, await readRun(key, from)] as const),
  );
  return { type: "poll_ok", msgs: Object.fromEntries(runs.filter(([, pairs]) => pairs.length > 0)) };
});

node.on("commit_offsets", async ({ body }) => {
  // A commit is only a resume hint; a lost one costs re-reading, so it never fails the request.
  await Promise.allSettled(Object.entries(body.offsets).map(([key, offset]) => kv.write(commitKey(key), offset)));
  return { type: "commit_offsets_ok" };
});

node.on("list_committed_offsets", async ({ body }) => {
  const offsets: Record<string, number> = {};
  await Promise.all(
    body.keys.map(async (key) => {
      const offset = await kv.readOr<number | null>(commitKey(key), null).catch(() => null);
      if (offset !== null) offsets[key] = offset;
    }),
  );
  return { type: "list_committed_offsets_ok", offsets };
});

await node.run();
