/**
 * A connection for workload client tests: it builds each request as the real client does (the
 * RPC's type, then the body), holds it and the canned reply to the RPC's schemas, and keeps
 * every request and timeout. A request or reply that breaks its schema fails the test.
 */
import { schemaViolation } from "../../contracts/schema.ts";
import type { Rpc } from "../../../protocol/schema.ts";
import type { ClientConnection } from "../../contracts/types.ts";

export class ScriptedConnection implements ClientConnection {
  readonly clientId = "c1";
  readonly node = "n0";
  readonly requests: Record<string, unknown>[] = [];
  readonly timeouts: (number | undefined)[] = [];

  /** `replyTo` answers each request (without its msg_id), e.g. `inOrder([...])`. */
  constructor(private readonly replyTo: (request: Record<string, unknown>) => Record<string, unknown>) {}

  async call(rpc: Rpc, body: Record<string, unknown>, timeoutMs?: number): Promise<Record<string, unknown>> {
    const request = { type: rpc.request.type, ...body };
    const malformedRequest = schemaViolation({ ...request, msg_id: 1 }, rpc.request);
    if (malformedRequest) throw new Error(`request ${JSON.stringify(request)} breaks its schema: ${malformedRequest}`);
    this.requests.push(request);
    this.timeouts.push(timeoutMs);
    const reply = this.replyTo(request);
    const malformedReply = schemaViolation({ ...reply, in_reply_to: 1 }, rpc.reply);
    if (malformedReply) throw new Error(`canned reply ${JSON.stringify(reply)} breaks its schema: ${malformedReply}`);
    return reply;
  }
}

/** Hands out `replies` in order, one per request. */
export function inOrder(
  replies: Record<string, unknown>[],
): (request: Record<string, unknown>) => Record<string, unknown> {
  return (request) => {
    const reply = replies.shift();
    if (!reply) throw new Error(`no reply left for ${JSON.stringify(request)}`);
    return reply;
  };
}
