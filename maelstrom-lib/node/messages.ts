/**
 * Wire types: the message envelope and the typed bodies of every Gossip Glomers workload
 * (Maelstrom's doc/protocol.md and doc/workloads.md), one discriminated union on `type` per
 * workload. Types only.
 */

/** Any JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The fields every body may carry (Maelstrom's doc/protocol.md, "Message Bodies"). */
export interface BaseBody {
  type: string;
  msg_id?: number;
  in_reply_to?: number;
}

/** A body of a type the registry does not know: any extra fields, untyped. */
export interface GenericBody extends BaseBody {
  [field: string]: unknown;
}

/** One message as a node reads it; Maelstrom adds a top-level `id` that nodes ignore. */
export interface Message<B extends BaseBody = GenericBody> {
  src: string;
  dest: string;
  body: B;
  id?: number;
}

/** `{type: "error"}`: what a handler's thrown RPCError turns into. */
export interface ErrorBody extends BaseBody {
  type: "error";
  code: number;
  text?: string;
}

// --- init (answered by the runtime itself) ---------------------------------------------

/** The first message every node gets; the runtime answers it. */
export interface InitRequest extends BaseBody {
  type: "init";
  node_id: string;
  node_ids: string[];
}
/** The runtime's answer to init. */
export interface InitOk extends BaseBody {
  type: "init_ok";
}
/** init and its reply. */
export type InitBody = InitRequest | InitOk;

// --- echo (challenge 1) -----------------------------------------------------------------

/** echo: the reply carries the same value back. */
export interface EchoRequest extends BaseBody {
  type: "echo";
  echo: Json;
}
/** Reply to echo. */
export interface EchoOk extends BaseBody {
  type: "echo_ok";
  echo: Json;
}
/** The echo workload. */
export type EchoBody = EchoRequest | EchoOk;

// --- unique-ids (challenge 2) -----------------------------------------------------------

/** generate: ask for an id no other generate reply has ever carried. */
export interface GenerateRequest extends BaseBody {
  type: "generate";
}
/** Reply to generate; ids must be all strings or all integers: Jepsen's unique-ids checker compares them for its range. */
export interface GenerateOk extends BaseBody {
  type: "generate_ok";
  id: string | number;
}
/** The unique-ids workload. */
export type UniqueIdsBody = GenerateRequest | GenerateOk;

// --- broadcast (challenge 3) ------------------------------------------------------------

/** topology: each node's suggested neighbours, sent once per node before any op. */
export interface TopologyRequest extends BaseBody {
  type: "topology";
  topology: Record<string, string[]>;
}
/** Reply to topology. */
export interface TopologyOk extends BaseBody {
  type: "topology_ok";
}
/** broadcast: remember this value and spread it to every node. */
export interface BroadcastRequest extends BaseBody {
  type: "broadcast";
  message: number;
}
/** Reply to broadcast. */
export interface BroadcastOk extends BaseBody {
  type: "broadcast_ok";
}
/** read: what does this node know? (broadcast, g-counter, g-set; lin-kv names a key) */
export interface ReadRequest extends BaseBody {
  type: "read";
  /** lin-kv only: the key to read. */
  key?: Json;
}
/** Broadcast's reply to read: every value seen. */
export interface BroadcastReadOk extends BaseBody {
  type: "read_ok";
  messages: number[];
}
/** The broadcast workload. */
export type BroadcastBody =
  | TopologyRequest
  | TopologyOk
  | BroadcastRequest
  | BroadcastOk
  | ReadRequest
  | BroadcastReadOk;

// --- g-counter (challenge 4) ------------------------------------------------------------

/** add: increment the counter by a non-negative delta. */
export interface AddRequest extends BaseBody {
  type: "add";
  delta: number;
}
/** Reply to add. */
export interface AddOk extends BaseBody {
  type: "add_ok";
}
/** g-counter's reply to read: the counter's value (an integer). */
export interface CounterReadOk extends BaseBody {
  type: "read_ok";
  value: number;
}
/** The g-counter workload. */
export type GCounterBody = AddRequest | AddOk | ReadRequest | CounterReadOk;

// --- lin-kv (Maelstrom's default workload) -----------------------------------------------

/** lin-kv's reply to read: the key's value (error 20 when the key does not exist). */
export interface KeyReadOk extends BaseBody {
  type: "read_ok";
  value: Json;
}
/** write: set key to value. */
export interface WriteRequest extends BaseBody {
  type: "write";
  key: Json;
  value: Json;
}
/** Reply to write. */
export interface WriteOk extends BaseBody {
  type: "write_ok";
}
/** cas: set key to `to` if it holds `from` (error 22 if not, 20 if the key does not exist). */
export interface CasRequest extends BaseBody {
  type: "cas";
  key: Json;
  from: Json;
  to: Json;
}
/** Reply to cas. */
export interface CasOk extends BaseBody {
  type: "cas_ok";
}
/** The lin-kv workload. */
export type LinKvBody = ReadRequest | KeyReadOk | WriteRequest | WriteOk | CasRequest | CasOk;

// --- kafka (challenge 5) ----------------------------------------------------------------

/** send: append msg to the log named key; the reply carries its offset. */
export interface SendRequest extends BaseBody {
  type: "send";
  key: string;
  msg: number;
}
/** Reply to send. */
export interface SendOk extends BaseBody {
  type: "send_ok";
  offset: number;
}
/** poll: messages from each key's log starting at the given offset. */
export interface PollRequest extends BaseBody {
  type: "poll";
  offsets: Record<string, number>;
}
/** Reply to poll: per key, `[offset, msg]` pairs in offset order (always present, maybe `{}`). */
export interface PollOk extends BaseBody {
  type: "poll_ok";
  msgs: Record<string, [offset: number, msg: number][]>;
}
/** commit_offsets: the client has processed each key up to this offset. */
export interface CommitOffsetsRequest extends BaseBody {
  type: "commit_offsets";
  offsets: Record<string, number>;
}
/** Reply to commit_offsets. */
export interface CommitOffsetsOk extends BaseBody {
  type: "commit_offsets_ok";
}
/** list_committed_offsets: the committed offset of each key. */
export interface ListCommittedOffsetsRequest extends BaseBody {
  type: "list_committed_offsets";
  keys: string[];
}
/** Reply to list_committed_offsets (keys never committed may be left out). */
export interface ListCommittedOffsetsOk extends BaseBody {
  type: "list_committed_offsets_ok";
  offsets: Record<string, number>;
}
/** The kafka workload. */
export type KafkaBody =
  | SendRequest
  | SendOk
  | PollRequest
  | PollOk
  | CommitOffsetsRequest
  | CommitOffsetsOk
  | ListCommittedOffsetsRequest
  | ListCommittedOffsetsOk;

// --- txn-rw-register (challenge 6) ------------------------------------------------------

/** One micro-op: read key (value null in requests) or write value to key. */
export type TxnOp =
  | [op: "r", key: number, value: number | null]
  | [op: "w", key: number, value: number];
/** txn: run these micro-ops as one transaction. */
export interface TxnRequest extends BaseBody {
  type: "txn";
  txn: TxnOp[];
}
/** Reply to txn: the same micro-ops with reads filled in. */
export interface TxnOk extends BaseBody {
  type: "txn_ok";
  txn: TxnOp[];
}
/** The txn-rw-register workload. */
export type TxnBody = TxnRequest | TxnOk;

// --- KV services (lin-kv, seq-kv, lww-kv) ------------------------------------------------

/** The KV service protocol (Maelstrom's doc/services.md), as the KV clients speak it. */
export type KVBody =
  | { type: "read"; key: Json; msg_id?: number }
  | { type: "read_ok"; value: Json; in_reply_to?: number }
  | { type: "write"; key: Json; value: Json; msg_id?: number }
  | { type: "write_ok"; in_reply_to?: number }
  | { type: "cas"; key: Json; from: Json; to: Json; create_if_not_exists?: boolean; msg_id?: number }
  | { type: "cas_ok"; in_reply_to?: number };

// --- the handler registry ---------------------------------------------------------------

/**
 * Request type → its body and the reply a handler returns. `node.on(type, …)` looks the
 * type up here; types not listed get `GenericBody` both ways. Add your own node-to-node types
 * with declaration merging: `declare module "maelstrom-lib" { interface RequestRegistry {
 * gossip: { request: GossipBody; reply: never } } }`. Merge into the package entry
 * ("maelstrom-lib", or "../node/index.ts" inside this package), never into this file: tsc drops
 * the entry's merges once one targets this file directly. The registry is one namespace for the
 * whole project, so a type name means one body everywhere (merges of one name must be identical).
 */
export interface RequestRegistry {
  echo: { request: EchoRequest; reply: EchoOk };
  generate: { request: GenerateRequest; reply: GenerateOk };
  topology: { request: TopologyRequest; reply: TopologyOk };
  broadcast: { request: BroadcastRequest; reply: BroadcastOk };
  read: { request: ReadRequest; reply: BroadcastReadOk | CounterReadOk | KeyReadOk };
  write: { request: WriteRequest; reply: WriteOk };
  cas: { request: CasRequest; reply: CasOk };
  add: { request: AddRequest; reply: AddOk };
  send: { request: SendRequest; reply: SendOk };
  poll: { request: PollRequest; reply: PollOk };
  commit_offsets: { request: CommitOffsetsRequest; reply: CommitOffsetsOk };
  list_committed_offsets: { request: ListCommittedOffsetsRequest; reply: ListCommittedOffsetsOk };
  txn: { request: TxnRequest; reply: TxnOk };
}

/** The request body a handler for `T` receives. */
export type RequestBody<T extends string> = T extends keyof RequestRegistry
  ? RequestRegistry[T]["request"]
  : GenericBody & { type: T };

/** The reply body a handler for `T` returns (without `in_reply_to`: the runtime adds it). */
export type ReplyBody<T extends string> = T extends keyof RequestRegistry
  ? RequestRegistry[T]["reply"]
  : GenericBody;

/** What a handler may return: a reply body, nothing (no reply), or a promise of either. */
export type HandlerResult<R> = R | void | Promise<R | void>;

/** A message handler for request type `T`; sync or async. */
export type Handler<T extends string> = (
  message: Message<RequestBody<T>>,
) => HandlerResult<ReplyBody<T>>;
