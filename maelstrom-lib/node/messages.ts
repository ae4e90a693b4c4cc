/**
 * Wire types of the node runtime: the message envelope, and how a program's protocol types its
 * handlers and rpcs. The bodies themselves come from the protocol's schemas (protocol/), or from
 * the program for its own node-to-node messages. Types only.
 */

/** The fields every body may carry (Maelstrom's doc/protocol.md, "Message Bodies"). */
export interface BaseBody {
  type: string;
  msg_id?: number;
  in_reply_to?: number;
}

/** A body of a type the program's protocol does not list: any extra fields, untyped. */
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

/**
 * The messages one program handles: request type → its request body and its reply body
 * (`never` for a message nobody answers). Each workload's protocol is one
 * (`BroadcastProtocol`); a program or a library module adds its own node-to-node messages, and
 * a node is typed by their intersection:
 * `type Gossip = { gossip: { request: { type: "gossip"; message: number }; reply: never } };`
 * `new Node<BroadcastProtocol & Gossip>()`. Declare them with `type`, not `interface` (an
 * interface has no implicit index signature).
 */
export type Protocol = { readonly [type: string]: { readonly request: BaseBody; readonly reply: BaseBody } };

/** A node that types no message: every handler gets a GenericBody and may reply anything. */
export type Untyped = { [type: string]: { request: GenericBody; reply: GenericBody } };

/** The request types a node of protocol `P` handles and sends. */
export type MessageType<P extends Protocol> = keyof P & string;

/** The body of a request of type `T` (what a handler receives, and what `send` and `rpc` send). */
export type RequestBody<P extends Protocol, T extends MessageType<P>> = P[T]["request"] &
  BaseBody & {
    type: T;
  };

/** The body of a reply to `T` (without `in_reply_to`: the runtime adds it). */
export type ReplyBody<P extends Protocol, T extends MessageType<P>> = P[T]["reply"];

/** What a handler may return: a reply body, nothing (no reply), or a promise of either. */
export type HandlerResult<R> = R | void | Promise<R | void>;

/** A message handler for request type `T` of protocol `P`; sync or async. */
export type Handler<P extends Protocol, T extends MessageType<P>> = (
  message: Message<RequestBody<P, T>>,
) => HandlerResult<ReplyBody<P, T>>;
