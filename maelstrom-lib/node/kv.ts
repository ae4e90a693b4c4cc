/**
 * Clients for Maelstrom's key-value services (Maelstrom's doc/services.md): lin-kv (linearizable),
 * seq-kv (sequential: reads may be stale) and lww-kv (last write wins, never converges).
 */
import { KeyDoesNotExist } from "./errors.ts";
import type { Json } from "../protocol/schema.ts";
import type { KvServiceProtocol } from "../protocol/services.ts";
import { DEFAULT_RPC_TIMEOUT_MS, type Node } from "./node.ts";

/** The body of a request to a KV service (protocol/services.ts). */
type KvRequest<T extends keyof KvServiceProtocol> = KvServiceProtocol[T]["request"];

/** Options of a KV client. */
export interface KVOptions {
  /** Timeout of each request (default DEFAULT_RPC_TIMEOUT_MS). */
  timeoutMs?: number;
}

/** Options of a compare-and-set. */
export interface CasOptions {
  /** Create the key with `to` if it does not exist (sends `create_if_not_exists`; lww-kv ignores it). */
  create?: boolean;
}

/**
 * A client of one KV service. Every call is an rpc: it rejects with KeyDoesNotExist (20),
 * PreconditionFailed (22) or RPCError(0) on timeout. Use only after init.
 */
export class KV {
  private readonly timeoutMs: number;

  constructor(
    private readonly node: Node,
    /** The service's node id: "lin-kv", "seq-kv" or "lww-kv". */
    readonly service: string,
    options: KVOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_RPC_TIMEOUT_MS;
  }

  /** The value at `key`; rejects with KeyDoesNotExist if there is none. */
  async read<V extends Json = Json>(key: Json): Promise<V> {
    const request: KvRequest<"read"> = { type: "read", key };
    const reply = await this.node.rpc(this.service, request, { timeoutMs: this.timeoutMs });
    return reply.value as V;
  }

  /** The value at `key`, or `fallback` if the key does not exist. */
  async readOr<V extends Json>(key: Json, fallback: V): Promise<V> {
    try {
      return await this.read<V>(key);
    } catch (error) {
      if (error instanceof KeyDoesNotExist) return fallback;
      throw error;
    }
  }

  /** Sets `key` to `value` unconditionally. */
  async write(key: Json, value: Json): Promise<void> {
    const request: KvRequest<"write"> = { type: "write", key, value };
    await this.node.rpc(this.service, request, { timeoutMs: this.timeoutMs });
  }

  /**
   * Sets `key` to `to` if it currently holds `from`; rejects with PreconditionFailed if it
   * holds something else and with KeyDoesNotExist if it is missing (unless `create`).
   */
  async cas(key: Json, from: Json, to: Json, options: CasOptions = {}): Promise<void> {
    const request: KvRequest<"cas"> = options.create
      ? { type: "cas", key, from, to, create_if_not_exists: true }
      : { type: "cas", key, from, to };
    await this.node.rpc(this.service, request, { timeoutMs: this.timeoutMs });
  }
}

/** Client of lin-kv: every operation sees the latest state. */
export class LinKV extends KV {
  constructor(node: Node, options?: KVOptions) {
    super(node, "lin-kv", options);
  }
}

/** Client of seq-kv: reads may be stale until this node changes state itself. */
export class SeqKV extends KV {
  constructor(node: Node, options?: KVOptions) {
    super(node, "seq-kv", options);
  }
}

/** Client of lww-kv: two unmerged replicas, so reads may miss writes forever. */
export class LWWKV extends KV {
  constructor(node: Node, options?: KVOptions) {
    super(node, "lww-kv", options);
  }
}
