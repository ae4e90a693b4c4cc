/**
 * Why an Elle result (rw-register's or list-append's) is not valid, in words: the anomaly types
 * with their counts, the consistency models they rule out, and each type's first case in Elle's
 * own words, naming the ops of its cycle.
 */
import type { ExplanationDraft, Finding, Validity } from "../../contracts/types.ts";
import { couldNotCheck, explained, show } from "../explaining.ts";
import { namedTxnLines } from "./txns.ts";

/** The keys of an Elle result map the explanation reads (both txn checkers write them). */
export type ElleResult = {
  "valid?": Validity;
  /** Why the history could not be analyzed. */
  error?: string;
  "anomaly-types"?: readonly string[];
  "anomaly-counts"?: Readonly<Record<string, number>>;
  anomalies?: Readonly<Record<string, readonly Readonly<Record<string, unknown>>[]>>;
  /** The models the anomalies rule out. */
  not?: readonly string[];
};

/** Why an Elle result is not valid: the anomaly types, counted, and each one's first case in Elle's words. */
export function explainElle(result: ElleResult): ExplanationDraft {
  if (result.error !== undefined) return couldNotCheck(result.error);
  const types = result["anomaly-types"] ?? [];
  const counts = result["anomaly-counts"] ?? {};
  const anomalies = result.anomalies ?? {};
  const not = result.not ?? [];
  const counted = types.map((type) => `${type} ${counts[type] ?? anomalies[type]?.length ?? "?"}`);
  const summary = `anomalies ${counted.join(", ")}${not.length ? `; not ${not.join(", ")}` : ""}`;
  const findings = types.flatMap((type): Finding[] => {
    const first = anomalies[type]?.[0];
    if (!first) return [];
    const cycle = Array.isArray(first.cycle) ? first.cycle : [];
    const ops = Array.isArray(first.ops) ? first.ops : [];
    const named = [first.op, first.writer, ...cycle, ...ops];
    const indices = [...new Set(named.flatMap((op) => indexOf(op) ?? []))];
    const explanation = String(first.explanation ?? show(first));
    // The transactions Elle names (T9, T16 by history index), each with its operations; the
    // report keeps `file` only where the checker wrote it.
    const details = namedTxnLines(
      explanation,
      named.filter((op) => indexOf(op) !== undefined),
    );
    const file = `elle/${type}.txt`;
    return [{ text: `${type}: ${explanation}`, ops: indices, ...(details.length ? { details } : {}), file }];
  });
  return explained(summary, findings);
}

/** The history index of an op as a case holds it. */
function indexOf(op: unknown): number | undefined {
  if (typeof op !== "object" || op === null || !("index" in op)) return undefined;
  return typeof op.index === "number" ? op.index : undefined;
}
