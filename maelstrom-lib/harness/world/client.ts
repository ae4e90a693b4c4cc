/**
 * Maelstrom's clients (client.clj): each is an address `cN` on the network with at most one
 * outstanding request. It sends, then waits for the message whose `in_reply_to` equals the
 * request's `msg_id` (strict integer equality), skipping anything else. Each call is one RPC
 * as defrpc defines it: a request that breaks its schema is `MalformedRequest` and is never
 * sent (Maelstrom's malformed-rpc-request); errors become `RPCErrorReply`, silence becomes
 * `RPCTimeout`, and replies that break their schema become `MalformedReply`
 * (malformed-rpc-response). A message the client cannot match to its request is skipped, as
 * Maelstrom skips it, but not forgotten: the timeout it causes carries it, and the run's
 * `UnmatchedReplyLog` counts it, so the runner can say what was wrong with the reply instead of
 * only that none came.
 */
import type { Clock } from "../primitives/clock.ts";
import { TIMING } from "../contracts/options.ts";
import type { Network } from "./net.ts";
import type { WireMessage } from "../contracts/journal.ts";
import { schemaViolation } from "../contracts/schema.ts";
import type { ClientConnection } from "../contracts/types.ts";
import type { UnmatchedReplies, UnmatchedReply } from "../contracts/node-reports.ts";
import { type BodySchema, describeSchema, type Rpc } from "../../protocol/schema.ts";
import { errorName, isDefinite } from "../../protocol/errors.ts";

/** Stands for a missing or malformed error code: named "unknown", indefinite. */
const UNKNOWN_ERROR_CODE = -1;

/** An error reply from the node. */
export class RPCErrorReply extends Error {
  constructor(
    readonly code: number,
    readonly text: string | undefined,
    readonly body: Record<string, unknown>,
  ) {
    super(`${errorName(code)} (${code})${text ? `: ${text}` : ""}`);
    this.name = "RPCErrorReply";
  }

  /** Maelstrom's name for the code ("unknown" for custom codes). */
  get codeName(): string {
    return errorName(this.code);
  }

  /** True when the code promises the operation did not happen. */
  get definite(): boolean {
    return isDefinite(this.code);
  }
}

/**
 * No matching reply within the timeout. `unmatched` holds the messages that reached the client
 * meanwhile and matched no request (the first few): when there are any, the node did answer,
 * and the message says what was wrong with its answer.
 */
export class RPCTimeout extends Error {
  constructor(
    readonly timeoutMs: number,
    readonly unmatched: readonly UnmatchedReply[] = [],
  ) {
    super(`no reply within ${timeoutMs} ms${unmatched[0] ? `; ${unmatched[0].text}` : ""}`);
    this.name = "RPCTimeout";
  }
}

/** How many unmatched replies one timeout carries, and how many a run keeps as examples. */
const UNMATCHED_KEPT = { perTimeout: 3, perRun: 10 } as const;

/**
 * What was wrong with a message that reached `client` but matched none of its requests, in one
 * sentence: "n0 sent c2 an echo_ok with no in_reply_to; the client cannot match it to its request".
 */
export function describeUnmatched(
  node: string,
  client: string,
  body: Record<string, unknown>,
  awaitedMsgId: number | undefined,
): string {
  const type = String(body.type);
  const sent = `${node} sent ${client} ${/^[aeiou]/i.test(type) ? "an" : "a"} ${type}`;
  const awaited =
    awaitedMsgId === undefined ? "it had no request outstanding" : `it was waiting for msg_id ${awaitedMsgId}`;
  if (!("in_reply_to" in body)) {
    return `${sent} with no in_reply_to; the client cannot match it to its request (${awaited})`;
  }
  const inReplyTo = body.in_reply_to;
  const shown = JSON.stringify(inReplyTo) ?? String(inReplyTo);
  if (typeof inReplyTo !== "number") {
    const kind = inReplyTo === null ? "null" : Array.isArray(inReplyTo) ? "an array" : `a ${typeof inReplyTo}`;
    const must = `in_reply_to must be the request's msg_id, a number (${awaited})`;
    return `${sent} with in_reply_to ${shown}, ${kind}; ${must}`;
  }
  const never = `${client} never sent a request with that msg_id (${awaited})`;
  return `${sent} with in_reply_to ${shown}, but ${never}: a wrong id, or a reply meant for another client`;
}

/**
 * The run's record of unmatched replies: how many, and the first few, each tied to the op whose
 * request then timed out. `onFirst` hears the run's first one as it happens.
 */
export class UnmatchedReplyLog {
  private count = 0;
  private readonly examples: UnmatchedReply[] = [];

  constructor(private readonly onFirst: (reply: UnmatchedReply) => void = () => {}) {}

  /** Counts one unmatched reply, and keeps it while there is room. */
  add(reply: UnmatchedReply): void {
    if (++this.count === 1) this.onFirst(reply);
    if (this.examples.length < UNMATCHED_KEPT.perRun) this.examples.push(reply);
  }

  /** Ties the replies a timeout carried to the op that timed out (history index). */
  timedOut(opIndex: number, timeout: RPCTimeout): void {
    for (const reply of timeout.unmatched) reply.op ??= opIndex;
  }

  /** results.json's `errors.unmatched-replies`, or undefined when every reply matched. */
  record(): UnmatchedReplies | undefined {
    return this.count === 0 ? undefined : { count: this.count, examples: [...this.examples] };
  }
}

/** Maelstrom's names for the two schema errors (the :type check-body throws). */
export type MalformedRpcType = "malformed-rpc-request" | "malformed-rpc-response";

/** A body that breaks its RPC's schema: what client.clj's `check-body` throws. */
export abstract class MalformedRpc extends Error {
  constructor(
    /** Maelstrom's name for this error. */
    readonly type: MalformedRpcType,
    /** Why the body does not fit. */
    readonly reason: string,
    /** The body that broke the schema. */
    readonly body: Record<string, unknown>,
    explanation: string,
  ) {
    super(explanation);
  }
}

/**
 * A request that breaks its RPC's request schema: Maelstrom's `malformed-rpc-request`, thrown
 * before anything is sent and explained in check-body's words.
 */
export class MalformedRequest extends MalformedRpc {
  static readonly type = "malformed-rpc-request";

  constructor(reason: string, body: Record<string, unknown>, schema: BodySchema) {
    super(
      MalformedRequest.type,
      reason,
      body,
      `Malformed RPC request. Maelstrom should have constructed a message body like:\n\n${describeSchema(schema)}\n\n` +
        `... but instead sent\n\n${JSON.stringify(body)}\n\nThis is malformed because:\n\n${reason}`,
    );
    this.name = "MalformedRequest";
  }
}

/**
 * A reply that breaks its RPC's reply schema: Maelstrom's `malformed-rpc-response`, explained
 * as check-body does (the request sent, the reply form expected, what came back, and why it
 * does not fit).
 */
export class MalformedReply extends MalformedRpc {
  static readonly type = "malformed-rpc-response";

  constructor(
    reason: string,
    body: Record<string, unknown>,
    readonly request: { node: string; body: Record<string, unknown>; schema: BodySchema },
  ) {
    super(
      MalformedReply.type,
      reason,
      body,
      `Malformed RPC response. Maelstrom sent node ${request.node} the following request:\n\n` +
        `${JSON.stringify(request.body)}\n\nAnd expected a response of the ` +
        `form:\n\n${describeSchema(request.schema)}\n\n` +
        `... but instead received\n\n${JSON.stringify(body)}\n\nThis is malformed because:\n\n${reason}`,
    );
    this.name = "MalformedReply";
  }
}

/** Each schema error with the words the run's console uses for what broke it. */
export const MALFORMED_RPC_KINDS: readonly { type: MalformedRpcType; one: string; many: string }[] = [
  { type: MalformedRequest.type, one: "request", many: "requests" },
  { type: MalformedReply.type, one: "reply", many: "replies" },
];

/** Hands out client ids c0, c1, … from one counter, as Maelstrom does. */
export class ClientIds {
  private next = 0;
  allocate(): string {
    return `c${this.next++}`;
  }
}

interface Pending {
  msgId: number;
  resolve: (body: Record<string, unknown>) => void;
  cancelTimer: () => void;
  /** Messages that reached the client while it waited and matched nothing (bounded). */
  unmatched: UnmatchedReply[];
}

/** One Maelstrom client bound to one node. */
export class Client implements ClientConnection {
  private nextMsgId = 1;
  private pending: Pending | undefined;
  private closed = false;

  constructor(
    readonly clientId: string,
    readonly node: string,
    private readonly network: Network,
    private readonly clock: Clock,
    /** The run's record of replies no client could match; none in unit tests. */
    private readonly unmatchedLog?: UnmatchedReplyLog,
  ) {
    network.register(clientId, (message) => this.receive(message));
  }

  /**
   * Sends one request of `rpc` and waits for its reply; only one call may be outstanding. As
   * defrpc does, the body gets the request's type and a fresh msg_id, and is checked before it
   * is sent: a malformed request throws and never reaches the node.
   */
  async call(
    rpc: Rpc,
    body: Record<string, unknown>,
    timeoutMs: number = TIMING.clientTimeoutMs,
  ): Promise<Record<string, unknown>> {
    if (this.closed) throw new Error(`client ${this.clientId} is closed`);
    if (this.pending) throw new Error(`client ${this.clientId} already has a request outstanding`);
    const request = { type: rpc.request.type, ...body, msg_id: this.nextMsgId++ };
    const malformed = schemaViolation(request, rpc.request);
    if (malformed) throw new MalformedRequest(malformed, request, rpc.request);
    const unmatched: UnmatchedReply[] = [];
    const reply = await new Promise<Record<string, unknown> | undefined>((resolve) => {
      const cancelTimer = this.clock.after(timeoutMs, () => {
        this.pending = undefined;
        resolve(undefined);
      });
      this.pending = { msgId: request.msg_id, resolve, cancelTimer, unmatched };
      this.network.send(this.clientId, this.node, request);
    });
    if (!reply) throw new RPCTimeout(timeoutMs, unmatched);
    if (reply.type === "error") {
      // A missing or non-integer code is an unknown, indefinite one, as in Maelstrom.
      const code = typeof reply.code === "number" && Number.isInteger(reply.code) ? reply.code : UNKNOWN_ERROR_CODE;
      throw new RPCErrorReply(code, typeof reply.text === "string" ? reply.text : undefined, reply);
    }
    const violation = schemaViolation(reply, rpc.reply);
    if (violation) throw new MalformedReply(violation, reply, { node: this.node, body: request, schema: rpc.reply });
    return reply;
  }

  /** Leaves the network: later messages to this id are invalid destinations. */
  close(): void {
    this.closed = true;
    this.pending?.cancelTimer();
    this.pending = undefined;
    this.network.unregister(this.clientId);
  }

  private receive(message: WireMessage): void {
    const pending = this.pending;
    if (!pending || message.body.in_reply_to !== pending.msgId) {
      this.skip(message, pending);
      return;
    }
    this.pending = undefined;
    pending.cancelTimer();
    pending.resolve(message.body);
  }

  /**
   * A message that is not the awaited reply is skipped, as in Maelstrom. One answering an
   * earlier request of this client (a reply that came after its timeout, or a second reply) is
   * ordinary; any other is a reply no client can match, and is recorded.
   */
  private skip(message: WireMessage, pending: Pending | undefined): void {
    const inReplyTo = message.body.in_reply_to;
    const id = inReplyTo as number;
    const answersEarlier = Number.isInteger(id) && id >= 1 && id < this.nextMsgId;
    if (answersEarlier) return;
    const reply: UnmatchedReply = {
      node: message.src,
      client: this.clientId,
      type: String(message.body.type),
      ...("in_reply_to" in message.body ? { "in-reply-to": inReplyTo } : {}),
      ...(pending ? { "awaited-msg-id": pending.msgId } : {}),
      message: message.id,
      text: describeUnmatched(message.src, this.clientId, message.body, pending?.msgId),
    };
    if (pending && pending.unmatched.length < UNMATCHED_KEPT.perTimeout) pending.unmatched.push(reply);
    this.unmatchedLog?.add(reply);
  }
}
