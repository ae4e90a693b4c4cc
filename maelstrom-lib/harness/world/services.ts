/**
 * Maelstrom's built-in services (service.clj), as pure request handlers: `lin-kv`, `seq-kv`,
 * `lww-kv` and `lin-tso`. The runner puts each on the network as one address with one worker
 * (requests are handled one at a time, in delivery order). A request type a service does not
 * know, or a bad request, gets no reply at all, as in Maelstrom.
 */
import { ErrorCode } from "../../protocol/errors.ts";
import type { Network } from "./net.ts";
import type { Rng } from "../primitives/rng.ts";

type Body = Record<string, unknown>;

/** A service: computes the reply body (without in_reply_to) for a request, or none. */
export interface Service {
  readonly id: string;
  handle(src: string, body: Body): Body | undefined;
}

/** Keys compare by JSON value: 1 and "1" are different keys (Clojure equality). */
function keyOf(key: unknown): string {
  return JSON.stringify(key) ?? "undefined";
}

/** Deep equality of JSON values (Clojure `=` on parsed JSON). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  const aKeys = Object.keys(a);
  const bRecord = b as Record<string, unknown>;
  return (
    aKeys.length === Object.keys(b).length &&
    aKeys.every((k) => k in bRecord && jsonEqual((a as Record<string, unknown>)[k], bRecord[k]))
  );
}

/** Clojure truthiness: everything but nil (absent) and false, so 0 and "" are true. */
function isClojureTruthy(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false;
}

const KEY_DOES_NOT_EXIST: Body = { type: "error", code: ErrorCode.KeyDoesNotExist, text: "key does not exist" };

/** The outcome of one KV operation against one state. */
interface KvOutcome {
  reply: Body;
  /** The value to store, when the operation changes the key. */
  write?: { key: string; value: unknown };
}

/**
 * Evaluates a KV request against `lookup` (a view of one state). `honourCreate` is false for
 * lww-kv, which ignores `create_if_not_exists`.
 */
function evaluateKv(
  body: Body,
  lookup: (key: string) => { found: boolean; value?: unknown },
  honourCreate: boolean,
): KvOutcome | undefined {
  const key = keyOf(body.key);
  switch (body.type) {
    case "read": {
      const current = lookup(key);
      return current.found ? { reply: { type: "read_ok", value: current.value } } : { reply: KEY_DOES_NOT_EXIST };
    }
    case "write":
      return { reply: { type: "write_ok" }, write: { key, value: body.value } };
    case "cas": {
      const current = lookup(key);
      if (!current.found) {
        if (honourCreate && isClojureTruthy(body.create_if_not_exists))
          return { reply: { type: "cas_ok" }, write: { key, value: body.to } };
        return { reply: KEY_DOES_NOT_EXIST };
      }
      if (!jsonEqual(current.value, body.from)) {
        return {
          reply: {
            type: "error",
            code: ErrorCode.PreconditionFailed,
            text: `current value ${JSON.stringify(current.value)} is not ${JSON.stringify(body.from)}`,
          },
        };
      }
      return { reply: { type: "cas_ok" }, write: { key, value: body.to } };
    }
    default:
      return undefined;
  }
}

/** True when applying `write` to `lookup` would leave the state as it is. */
function isNoop(outcome: KvOutcome, lookup: (key: string) => { found: boolean; value?: unknown }): boolean {
  if (!outcome.write) return true;
  const current = lookup(outcome.write.key);
  return current.found && jsonEqual(current.value, outcome.write.value);
}

/** lin-kv: one map, every operation atomic and seeing the latest state. */
export class LinKVService implements Service {
  readonly id: string = "lin-kv";
  private readonly data = new Map<string, unknown>();

  handle(_src: string, body: Body): Body | undefined {
    const outcome = evaluateKv(body, (k) => ({ found: this.data.has(k), value: this.data.get(k) }), true);
    if (!outcome) return undefined;
    if (outcome.write) this.data.set(outcome.write.key, outcome.write.value);
    return outcome.reply;
  }
}

/** How many past states seq-kv keeps (service.clj's ring buffer). */
export const SEQ_KV_HISTORY_STATES = 32;

/**
 * seq-kv, as Maelstrom implements it: each request is evaluated against a random state between
 * the requester's last observed state and the latest. If that leaves the state unchanged
 * (reads, failing CASes, identity CASes), the requester's view moves to that state and the
 * result stands; otherwise the request is re-run against the latest state, which it advances.
 * So reads can be stale, but each client's view only moves forward, and a client's own state
 * change makes its later reads at least that fresh.
 *
 * States are kept as per-key version lists rather than a ring of map copies; a view that lags
 * more than SEQ_KV_HISTORY_STATES behind is clamped to the oldest kept state (Maelstrom wraps
 * around its ring there instead, which can show states out of order).
 */
export class SeqKVService implements Service {
  readonly id = "seq-kv";
  /** key → versions, oldest first; each holds the state index that wrote it. */
  private readonly versions = new Map<string, { stateIndex: number; value: unknown }[]>();
  private lastIndex = 0;
  private readonly clientIndex = new Map<string, number>();

  constructor(private readonly rng: Rng) {}

  handle(src: string, body: Body): Body | undefined {
    const oldestIndex = Math.max(0, this.lastIndex - (SEQ_KV_HISTORY_STATES - 1));
    const fromIndex = Math.max(oldestIndex, this.clientIndex.get(src) ?? 0);
    const index = this.rng.int(fromIndex, this.lastIndex + 1);
    const atIndex = (k: string) => this.lookup(k, index);
    const outcome = evaluateKv(body, atIndex, true);
    if (!outcome) return undefined;
    if (isNoop(outcome, atIndex)) {
      this.clientIndex.set(src, index);
      return outcome.reply;
    }
    const atLatest = (k: string) => this.lookup(k, this.lastIndex);
    const latest = evaluateKv(body, atLatest, true)!;
    if (!isNoop(latest, atLatest)) {
      this.lastIndex++;
      const list = this.versions.get(latest.write!.key) ?? [];
      list.push({ stateIndex: this.lastIndex, value: latest.write!.value });
      this.prune(list);
      this.versions.set(latest.write!.key, list);
    }
    this.clientIndex.set(src, this.lastIndex);
    return latest.reply;
  }

  private lookup(key: string, index: number): { found: boolean; value?: unknown } {
    const list = this.versions.get(key);
    if (!list) return { found: false };
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i]!.stateIndex <= index) return { found: true, value: list[i]!.value };
    }
    return { found: false };
  }

  /** Drops versions no kept state can see: all but the newest one at or before the oldest kept state. */
  private prune(list: { stateIndex: number }[]): void {
    const oldestIndex = this.lastIndex - (SEQ_KV_HISTORY_STATES - 1);
    let firstVisible = 0;
    while (firstVisible + 1 < list.length && list[firstVisible + 1]!.stateIndex <= oldestIndex) firstVisible++;
    if (firstVisible > 0) list.splice(0, firstVisible);
  }
}

/** How many replicas lww-kv has in Maelstrom's code (its docs say 5). */
export const LWW_KV_REPLICAS = 2;

/**
 * lww-kv, as Maelstrom implements it: requests go to one of two replicas at random, and the
 * replicas never exchange state (the merge is computed and discarded). CAS on a missing key
 * fails with 20 even with `create_if_not_exists`.
 */
export class LWWKVService implements Service {
  readonly id = "lww-kv";
  private readonly replicas = Array.from({ length: LWW_KV_REPLICAS }, () => new Map<string, unknown>());

  constructor(private readonly rng: Rng) {}

  handle(_src: string, body: Body): Body | undefined {
    const replica = this.rng.pick(this.replicas);
    const outcome = evaluateKv(body, (k) => ({ found: replica.has(k), value: replica.get(k) }), false);
    if (!outcome) return undefined;
    if (outcome.write) replica.set(outcome.write.key, outcome.write.value);
    return outcome.reply;
  }
}

/** lin-tso: a linearizable timestamp oracle handing out 0, 1, 2, … */
export class LinTSOService implements Service {
  readonly id = "lin-tso";
  private nextTimestamp = 0;

  handle(_src: string, body: Body): Body | undefined {
    if (body.type !== "ts") return undefined;
    return { type: "ts_ok", ts: this.nextTimestamp++ };
  }
}

/** All four services, as Maelstrom starts them for every run. */
export function createServices(rng: Rng): Service[] {
  return [new LinKVService(), new SeqKVService(rng), new LWWKVService(rng), new LinTSOService()];
}

/**
 * Puts every service on the network at its own address. A reply goes back with `in_reply_to`
 * set to the request's `msg_id`, unless the requester has left the network meanwhile.
 */
export function attachServices(network: Network, rng: Rng): void {
  for (const service of createServices(rng)) {
    network.register(service.id, (message) => {
      const reply = service.handle(message.src, message.body);
      if (reply && network.isRegistered(message.src)) {
        network.send(service.id, message.src, { ...reply, in_reply_to: message.body.msg_id ?? null });
      }
    });
  }
}
