/**
 * Turns a Jepsen history of `txn` ops into transactions (invocation paired with completion by
 * process) and checks Elle's type sanity: keys of one type, values of one type, every write
 * unique. The checker reads the executed transaction from the completion (the node's reply).
 */
import { isClientOp, OpPairing } from "../../contracts/history.ts";
import type { Op } from "../../contracts/types.ts";

/** A micro-operation: ["r", key, value read] or ["w", key, value written]. */
export type Mop = readonly ["r" | "w", unknown, unknown];

/** One transaction as the checker sees it. */
export interface Txn {
  /** Dense vertex number in the dependency graph. */
  id: number;
  status: "ok" | "info" | "fail";
  /** The executed mops: the reply for ok, the request for info and fail (reads unknown). */
  mops: Mop[];
  /** History index of the completion (the invocation's for a txn that never completed). */
  index: number;
  process: Op["process"];
  node?: string;
  invokeTimeNs: number;
  /** Infinity when the txn may still take effect (info, or no completion). */
  completeTimeNs: number;
}

/** Short name used in explanations: T<history index of the completion>. */
export function txnName(txn: Txn): string {
  return `T${txn.index}`;
}

/** What the result shows of one transaction. */
export function txnSummary(txn: Txn): Record<string, unknown> {
  return {
    index: txn.index,
    process: txn.process,
    type: txn.status,
    value: txn.mops,
    ...(txn.node ? { node: txn.node } : {}),
  };
}

/**
 * The transactions an explanation names (T9, T16), each with its operations, one line per txn
 * in the order first named: `T9 = [["r",0,3],["w",0,7]] (ok, process 5 on n0)`. `summaries`
 * are the txnSummary maps a result carries (its op, writer, cycle …). An explanation that binds
 * its own names (a list-append cycle's "Let: T1 = …") already shows them, and gets no lines.
 */
export function namedTxnLines(explanation: string, summaries: readonly unknown[]): string[] {
  if (/^Let:/m.test(explanation)) return [];
  const byName = new Map<string, Record<string, unknown>>();
  for (const summary of summaries) {
    const index = (summary as { index?: unknown } | null | undefined)?.index;
    if (typeof index === "number") byName.set(`T${index}`, summary as Record<string, unknown>);
  }
  const named = [...new Set(explanation.match(/\bT\d+\b/g) ?? [])].filter((name) => byName.has(name));
  const width = Math.max(0, ...named.map((name) => name.length));
  return named.map((name) => {
    const { type, process, node, value } = byName.get(name)!;
    const where = `${String(type)}, process ${String(process)}${node === undefined ? "" : ` on ${String(node)}`}`;
    return `${name.padEnd(width)} = ${JSON.stringify(value)} (${where})`;
  });
}

/**
 * Each txn invocation with its completion (in completion order, never-completed ones last); unknown or malformed mops
 * are left to `typeSanityError`.
 */
export function collectTxns(history: readonly Op[]): Txn[] {
  const txns: Txn[] = [];
  const add = (invoke: Op, completion: Op | undefined) => {
    const status = completion?.type === "ok" || completion?.type === "fail" ? completion.type : "info";
    const source = status === "ok" ? completion!.value : (completion?.value ?? invoke.value);
    txns.push({
      id: txns.length,
      status,
      mops: Array.isArray(source) ? (source as Mop[]) : [],
      index: (completion ?? invoke).index,
      process: invoke.process,
      node: invoke.node ?? completion?.node,
      invokeTimeNs: invoke.time,
      completeTimeNs: status === "info" ? Infinity : completion!.time,
    });
  };
  const isTxn = (op: Op) => op.f === "txn" && isClientOp(op);
  const pairing = new OpPairing();
  for (const op of history) {
    const invoke = pairing.add(op);
    if (invoke && isTxn(invoke)) add(invoke, op);
  }
  for (const invoke of pairing.pending()) if (isTxn(invoke)) add(invoke, undefined);
  return txns;
}

type ScalarType = "integer" | "float" | "string" | "boolean" | "other";

function scalarType(value: unknown): ScalarType {
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "float";
  if (typeof value === "string") return "string";
  if (typeof value === "boolean") return "boolean";
  return "other";
}

/**
 * Why the history cannot be analyzed (Elle's assert-type-sanity plus malformed mops and
 * duplicate writes), or undefined. Looks at requests and replies alike, so a node that turns
 * integer keys into strings is caught.
 */
export function typeSanityError(history: readonly Op[]): string | undefined {
  const keyTypes = new Set<ScalarType>();
  const valueTypes = new Set<ScalarType>();
  for (const op of history) {
    if (op.f !== "txn" || op.process === "nemesis" || op.value === undefined || op.value === null) continue;
    if (!Array.isArray(op.value)) return `op ${op.index}: txn value is not a list of mops`;
    for (const mop of op.value as unknown[]) {
      if (!Array.isArray(mop) || mop.length !== 3 || (mop[0] !== "r" && mop[0] !== "w")) {
        return `op ${op.index}: malformed mop ${JSON.stringify(mop)}`;
      }
      keyTypes.add(scalarType(mop[1]));
      if (mop[2] !== null) valueTypes.add(scalarType(mop[2]));
    }
  }
  if (keyTypes.size > 1)
    return `history mixes key types (${[...keyTypes].join(", ")}); keys must be echoed exactly as sent`;
  if (valueTypes.size > 1)
    return `history mixes value types (${[...valueTypes].join(", ")}); values must be echoed exactly as sent`;
  return undefined;
}

/** Each written key/value and the txn that wrote it, or an error naming a value written twice. */
export function indexWrites(txns: readonly Txn[]): { writes: Map<unknown, Map<unknown, WriteRef>>; error?: string } {
  const writes = new Map<unknown, Map<unknown, WriteRef>>();
  for (const txn of txns) {
    const lastWriteAt = new Map<unknown, number>();
    txn.mops.forEach(([f, key], position) => f === "w" && lastWriteAt.set(key, position));
    for (let position = 0; position < txn.mops.length; position++) {
      const [f, key, value] = txn.mops[position]!;
      if (f !== "w") continue;
      let byValue = writes.get(key);
      if (!byValue) writes.set(key, (byValue = new Map()));
      const earlier = byValue.get(value);
      if (earlier) {
        return {
          writes,
          error:
            `key ${JSON.stringify(key)} value ${JSON.stringify(value)} written twice (${txnName(earlier.txn)} ` +
            `and ${txnName(txn)}); writes must be unique`,
        };
      }
      byValue.set(value, { txn, final: lastWriteAt.get(key) === position });
    }
  }
  return { writes };
}

/** The txn that wrote a value, and whether it was that txn's last write of the key. */
export interface WriteRef {
  txn: Txn;
  final: boolean;
}
