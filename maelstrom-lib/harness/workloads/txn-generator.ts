/**
 * The txn-rw-register op source (Elle's `wr-txns` in elle/txn.clj, as Maelstrom's
 * workload/txn_rw_register.clj configures it): each txn has 1..maxTxnLength micro-ops, each a
 * read or a write with equal chance, over a pool of `keyCount` integer keys chosen with exponential skew.
 * Writes to a key take the values 1, 2, … maxWritesPerKey, so every write is unique; after
 * its last value a key retires and a fresh key takes its slot.
 */
import type { Rng } from "../primitives/rng.ts";
import type { NextOp, OpSource } from "../contracts/types.ts";
import { exponentialSlot } from "./kafka-generator.ts";

/** One micro-op as sent: ["r", key, null] or ["w", key, value]. */
export type TxnMop = ["r", number, null] | ["w", number, number];

/** Generator settings (the CLI's --key-count, --max-txn-length, --max-writes-per-key). */
export interface TxnGeneratorOptions {
  keyCount: number;
  /** Elle's :min-txn-length (default 1; Maelstrom's CLI does not set it). */
  minTxnLength?: number;
  maxTxnLength: number;
  maxWritesPerKey: number;
}

/** Read/write-register transactions over a rotating, skewed pool of keys. */
export class TxnOps implements OpSource {
  private readonly activeKeys: number[];
  private readonly minLength: number;
  private readonly lastWrite = new Map<number, number>();
  private nextKey: number;

  constructor(
    private readonly rng: Rng,
    private readonly options: TxnGeneratorOptions,
  ) {
    if (options.keyCount < 1 || options.maxTxnLength < 1 || options.maxWritesPerKey < 1) {
      throw new RangeError(
        `txn generator needs key-count, max-txn-length and max-writes-per-key ≥ 1, got ${JSON.stringify(options)}`,
      );
    }
    this.minLength = options.minTxnLength ?? 1;
    if (this.minLength < 1 || this.minLength > options.maxTxnLength) {
      throw new RangeError(`txn generator needs 1 ≤ min-txn-length ≤ max-txn-length, got ${JSON.stringify(options)}`);
    }
    this.activeKeys = Array.from({ length: options.keyCount }, (_, i) => i);
    this.nextKey = options.keyCount;
  }

  /** The next transaction; the source never runs dry. */
  next(): NextOp {
    const length = this.rng.int(this.minLength, this.options.maxTxnLength + 1);
    const txn: TxnMop[] = [];
    for (let i = 0; i < length; i++) txn.push(this.mop());
    return { f: "txn", value: txn };
  }

  private mop(): TxnMop {
    const slot = exponentialSlot(this.rng, this.activeKeys.length);
    const key = this.activeKeys[slot]!;
    if (this.rng.chance(0.5)) return ["r", key, null];
    const value = (this.lastWrite.get(key) ?? 0) + 1;
    if (value >= this.options.maxWritesPerKey) {
      // Last value of this key: retire it so no value is ever written twice.
      this.lastWrite.delete(key);
      this.activeKeys[slot] = this.nextKey++;
    } else {
      this.lastWrite.set(key, value);
    }
    return ["w", key, value];
  }
}
