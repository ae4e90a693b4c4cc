/**
 * Why a lin-kv result is not linearizable, in words: how many keys failed or could not be
 * decided, and for each of the first few the analysis' own account of the failing op (analysis.ts
 * `explain`), or why the search gave up.
 */
import type { ExplanationDraft, Finding } from "../../contracts/types.ts";
import { EXAMPLES_SHOWN, explained, plural } from "../explaining.ts";
import type { LinearizableResult } from "./index.ts";

/** Why a lin-kv result is not valid: the keys that are not linearizable, then those left undecided. */
export function explainLinearizable(result: LinearizableResult): ExplanationDraft {
  // Each key's check sits under `linearizable`, as Maelstrom's independent compose nests it.
  const keys = Object.entries(result.results).map(([name, key]) => [name, key.linearizable] as const);
  const bad = keys.flatMap(([, key]): Finding[] =>
    key["valid?"] === false ? [{ text: key.explanation, ops: [key.op.index] }] : [],
  );
  const undecided = keys.flatMap(([name, key]): Finding[] => {
    if (key["valid?"] !== "unknown") return [];
    return [{ text: `key ${name}: undecided, the search ran out of ${causeWords(key.cause)}`, ops: [] }];
  });
  const parts = [
    ...(bad.length ? [`${plural(bad.length, "key")} of ${keys.length} not linearizable`] : []),
    ...(undecided.length ? [`${plural(undecided.length, "key")} of ${keys.length} undecided`] : []),
  ];
  return explained(parts.join("; ") || "not valid (see results.json)", [...bad, ...undecided].slice(0, EXAMPLES_SHOWN));
}

function causeWords(cause: "timeout" | "out-of-memory"): string {
  return cause === "timeout" ? "time" : "memory";
}
