/**
 * Maelstrom's clients (client.clj): each is an address `cN` on the network with at most one
 * outstanding request. It sends, then waits for the message whose `in_reply_to` equals the
 * request's `msg_id` (strict integer equality), skipping anything else; errors become
 * `RpcErrorReply`, silence becomes `RpcTimeout`, replies that break the closed schema become
 * `MalformedReply` (Maelstrom's malformed-rpc-response).
 */
import type { Clock } from "./clock.ts";
import { TIMING } from "./config.ts";
import type { Network, WireMessage } from "./net.ts";
import { isAny, isInt, isString, schemaViolation } from "./schema.ts";
import type { ClientConnection, ReplySchema } from "./types.ts";
import { errorName, isDefinite } from "../node/errors.ts";

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

/**
 * A reply that breaks the workload's closed schema: Maelstrom's `malformed-rpc-response`,
 * explained as its client.clj `check-body` does (the request sent, the reply form expected,
 * what came back, and why it does not fit).
 */
export class MalformedReply extends Error {
  /** Maelstrom's name for this error (the :type it throws). */
  static readonly type = "malformed-rpc-response";

  constructor(
    readonly reason: string,
    readonly body: Record<string, unknown>,
    readonly request: { node: string; body: Record<string, unknown>; schema: ReplySchema },
  ) {
    super(
      `Malformed RPC response. Maelstrom sent node ${request.node} the following request:\n\n` +
        `${JSON.stringify(request.body)}\n\nAnd expected a response of the form:\n\n${describeSchema(request.schema)}\n\n` +
        `... but instead received\n\n${JSON.stringify(body)}\n\nThis is malformed because:\n\n${reason}`,
    );
    this.name = "MalformedReply";
  }
}

/** The names Maelstrom's schemas print for the common field checks. */
const CHECK_NAMES = new Map<unknown, string>([
  [isAny, "Any"],
  [isInt, "Int"],
  [isString, "Str"],
]);

/** A reply schema as Prismatic prints a closed map, with the keys every reply has. */
export function describeSchema(schema: ReplySchema): string {
  const name = (check: unknown) => CHECK_NAMES.get(check) ?? "(see the workload's schema)";
  const fields = [
    `"type": (eq ${JSON.stringify(schema.type)})`,
    ...Object.entries(schema.required).map(([key, check]) => `${JSON.stringify(key)}: ${name(check)}`),
    ...Object.entries(schema.optional ?? {}).map(([key, check]) => `(optional-key ${JSON.stringify(key)}): ${name(check)}`),
    `"in_reply_to": Int`,
    `(optional-key "msg_id"): Int`,
    ...(schema.open ? ["any other key: Any"] : []),
  ];
  return `{${fields.join(",\n ")}}`;
}

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

  /** Sends one request and waits for its reply; only one call may be outstanding. */
  async call(
    body: Record<string, unknown>,
    schema: ReplySchema,
    timeoutMs: number = TIMING.clientTimeoutMs,
  ): Promise<Record<string, unknown>> {
    if (this.closed) throw new Error(`client ${this.clientId} is closed`);
    if (this.pending) throw new Error(`client ${this.clientId} already has a request outstanding`);
    const msgId = this.nextMsgId++;
    const reply = await new Promise<Record<string, unknown> | undefined>((resolve) => {
      const cancelTimer = this.clock.after(timeoutMs, () => {
        this.pending = undefined;
        resolve(undefined);
      });
      this.pending = { msgId, resolve, cancelTimer };
      this.network.send(this.clientId, this.node, { ...body, msg_id: msgId });
    });
    if (!reply) throw new RpcTimeout(timeoutMs);
    if (reply.type === "error") {
      // A missing or non-integer code is an unknown, indefinite one, as in Maelstrom.
      const code = typeof reply.code === "number" && Number.isInteger(reply.code) ? reply.code : UNKNOWN_ERROR_CODE;
      throw new RpcErrorReply(code, typeof reply.text === "string" ? reply.text : undefined, reply);
    }
    const violation = schemaViolation(reply, schema);
    if (violation) throw new MalformedReply(violation, reply, { node: this.node, body: { ...body, msg_id: msgId }, schema });
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
