/**
 * Maelstrom's clients (client.clj): each is an address `cN` on the network with at most one
 * outstanding request. It sends, then waits for the message whose `in_reply_to` equals the
 * request's `msg_id` (strict integer equality), skipping anything else. Each call is one RPC
 * as defrpc defines it: a request that breaks its schema is `MalformedRequest` and is never
 * sent (Maelstrom's malformed-rpc-request); errors become `RpcErrorReply`, silence becomes
 * `RpcTimeout`, and replies that break their schema become `MalformedReply`
 * (malformed-rpc-response).
 */
import type { Clock } from "../primitives/clock.ts";
import { TIMING } from "../contracts/options.ts";
import type { Network } from "./net.ts";
import type { WireMessage } from "../contracts/journal.ts";
import { schemaViolation } from "../contracts/schema.ts";
import type { ClientConnection } from "../contracts/types.ts";
import { type BodySchema, describeSchema, type Rpc } from "../../protocol/schema.ts";
import { errorName, isDefinite } from "../../protocol/errors.ts";

/** Stands for a missing or malformed error code: named "unknown", indefinite. */
const UNKNOWN_ERROR_CODE = -1;

/** An error reply from the node. */
export class RpcErrorReply extends Error {
  constructor(
    readonly code: number,
    readonly text: string | undefined,
    readonly body: Record<string, unknown>,
  ) {
    super(`${errorName(code)} (${code})${text ? `: ${text}` : ""}`);
    this.name = "RpcErrorReply";
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

/** No matching reply within the timeout. */
export class RpcTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no reply within ${timeoutMs} ms`);
    this.name = "RpcTimeout";
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
        `${JSON.stringify(request.body)}\n\nAnd expected a response of the form:\n\n${describeSchema(request.schema)}\n\n` +
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
  ) {
    network.register(clientId, (message) => this.receive(message));
  }

  /**
   * Sends one request of `rpc` and waits for its reply; only one call may be outstanding. As
   * defrpc does, the body gets the request's type and a fresh msg_id, and is checked before it
   * is sent: a malformed request throws and never reaches the node.
   */
  async call(rpc: Rpc, body: Record<string, unknown>, timeoutMs: number = TIMING.clientTimeoutMs): Promise<Record<string, unknown>> {
    if (this.closed) throw new Error(`client ${this.clientId} is closed`);
    if (this.pending) throw new Error(`client ${this.clientId} already has a request outstanding`);
    const request = { type: rpc.request.type, ...body, msg_id: this.nextMsgId++ };
    const malformed = schemaViolation(request, rpc.request);
    if (malformed) throw new MalformedRequest(malformed, request, rpc.request);
    const reply = await new Promise<Record<string, unknown> | undefined>((resolve) => {
      const cancelTimer = this.clock.after(timeoutMs, () => {
        this.pending = undefined;
        resolve(undefined);
      });
      this.pending = { msgId: request.msg_id, resolve, cancelTimer };
      this.network.send(this.clientId, this.node, request);
    });
    if (!reply) throw new RpcTimeout(timeoutMs);
    if (reply.type === "error") {
      // A missing or non-integer code is an unknown, indefinite one, as in Maelstrom.
      const code = typeof reply.code === "number" && Number.isInteger(reply.code) ? reply.code : UNKNOWN_ERROR_CODE;
      throw new RpcErrorReply(code, typeof reply.text === "string" ? reply.text : undefined, reply);
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
    if (!pending || message.body.in_reply_to !== pending.msgId) return; // not ours: skipped
    this.pending = undefined;
    pending.cancelTimer();
    pending.resolve(message.body);
  }
}
