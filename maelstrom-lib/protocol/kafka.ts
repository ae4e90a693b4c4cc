/**
 * The kafka workload's messages (Maelstrom's workload/kafka.clj): append-only logs named by
 * string keys, challenge 5.
 */
import {
  defineRpc,
  isAny,
  isArrayOf,
  isInt,
  isObjectOf,
  isString,
  isTuple,
  type MessagesOf,
  rpcTable,
} from "./schema.ts";

/** kafka.clj's maps of keys (strings) to offsets (integers). */
const isOffsets = isObjectOf(isInt);

/** kafka.clj's `send!`: Maelstrom accepts a message of any kind; the runner sends integers. */
export const SEND = defineRpc({
  doc:
    "Append `msg` to the log `key`; answer with the offset it got. Offsets of one key are unique and grow " +
    "with each send, not necessarily by one.",
  request: { type: "send", required: { key: isString, msg: isInt } },
  reply: { type: "send_ok", required: { offset: isInt } },
});

/** kafka.clj's `poll`: `msgs` is required even when empty. */
export const POLL = defineRpc({
  doc:
    "Per key, messages from the given offset on, as `[offset, msg]` pairs in offset order. A poll may return " +
    "fewer than exist, but must not skip one between those it returns.",
  request: { type: "poll", required: { offsets: isOffsets } },
  reply: { type: "poll_ok", required: { msgs: isObjectOf(isArrayOf(isTuple(isInt, isAny))) } },
});

/** kafka.clj's `commit_offsets!`: `commit_offsets_ok` carries nothing else. */
export const COMMIT_OFFSETS = defineRpc({
  doc: "The client has processed each key up to the given offset (inclusive).",
  request: { type: "commit_offsets", required: { offsets: isOffsets } },
  reply: { type: "commit_offsets_ok", required: {} },
});

/** kafka.clj's `list_committed_offsets`: `offsets` is required even when empty. */
export const LIST_COMMITTED_OFFSETS = defineRpc({
  doc: "The committed offset of each of `keys`; keys never committed may be left out.",
  request: { type: "list_committed_offsets", required: { keys: isArrayOf(isString) } },
  reply: { type: "list_committed_offsets_ok", required: { offsets: isOffsets } },
});

/** What a kafka node answers, by request type. */
export const kafkaRpcs = rpcTable(SEND, POLL, COMMIT_OFFSETS, LIST_COMMITTED_OFFSETS);

/** The bodies a kafka node receives and replies: `new Node<KafkaProtocol>()`. */
export type KafkaProtocol = MessagesOf<typeof kafkaRpcs>;
