/**
 * The unique-ids workload: clients ask for `generate` and every acknowledged id must be unique
 * across the whole cluster (Jepsen's unique-ids checker).
 */
import { exactInteger } from "../primitives/json-exact.ts";
import { GENERATE } from "../../protocol/unique-ids.ts";
import { EXAMPLES_SHOWN, couldNotCheck, explained, plural } from "../checkers/explaining.ts";
import type { ExplanationDraft, Op, Validity, Workload } from "../contracts/types.ts";

/** Jepsen shows at most this many duplicated ids. */
const MAX_DUPLICATES_SHOWN = 48;

/** Jepsen's unique-ids checker result (`error` only when the ids cannot be ordered). */
export type UniqueIdsResult = {
  "valid?": Validity;
  "attempted-count": number;
  "acknowledged-count": number;
  "duplicated-count": number;
  duplicated: Record<string, number>;
  range: [unknown, unknown] | null;
  error?: string;
};

/** Valid iff no id appears twice among ok replies; also the count and range of ids. */
export function checkUniqueIds(history: readonly Op[]): UniqueIdsResult {
  const attempted = history.filter((op) => op.type === "invoke" && op.f === "generate").length;
  const frequencies = new Map<string, { id: unknown; count: number }>();
  let acknowledged = 0;
  for (const op of history) {
    if (op.type !== "ok" || op.f !== "generate") continue;
    acknowledged++;
    const key = JSON.stringify(op.value);
    const entry = frequencies.get(key) ?? { id: op.value, count: 0 };
    entry.count++;
    frequencies.set(key, entry);
  }
  const duplicated = [...frequencies.values()]
    .filter((entry) => entry.count > 1)
    .sort((a, b) => b.count - a.count)
    .slice(0, MAX_DUPLICATES_SHOWN);
  const range = idRange([...frequencies.values()].map((entry) => entry.id));
  const result: UniqueIdsResult = {
    "valid?": duplicated.length === 0,
    "attempted-count": attempted,
    "acknowledged-count": acknowledged,
    "duplicated-count": [...frequencies.values()].filter((entry) => entry.count > 1).length,
    duplicated: Object.fromEntries(duplicated.map((entry) => [JSON.stringify(entry.id), entry.count])),
    range: range ?? null,
  };
  // Jepsen's range uses generic comparison, which throws on ids of mixed or unordered types.
  if (range === undefined && frequencies.size > 0) {
    return { ...result, "valid?": "unknown", error: "ids are not mutually comparable (mix of types, or objects)" };
  }
  return result;
}

/** Smallest and largest id, if they are mutually comparable: all strings, or all integers (exactly). */
function idRange(ids: unknown[]): [unknown, unknown] | undefined {
  if (ids.length === 0) return undefined;
  const keyed = ids.every((id) => typeof id === "string")
    ? ids.map((id) => ({ id, key: id as string | bigint | number }))
    : ids.map((id) => ({ id, key: exactInteger(id) ?? (typeof id === "number" ? id : undefined) }));
  if (keyed.some((entry) => entry.key === undefined)) return undefined;
  keyed.sort((a, b) => (a.key! < b.key! ? -1 : a.key! > b.key! ? 1 : 0));
  return [keyed[0]!.id, keyed[keyed.length - 1]!.id];
}

/** Why a unique-ids result is not valid: the ids handed out more than once, or why they could not be compared. */
export function explainUniqueIds(result: UniqueIdsResult): ExplanationDraft {
  if (result.error !== undefined) return couldNotCheck(result.error);
  const duplicated = Object.entries(result.duplicated);
  const ids = plural(result["duplicated-count"], "id");
  const summary = `${ids} handed out more than once, of ${result["acknowledged-count"]} acknowledged`;
  const findings = duplicated
    .slice(0, EXAMPLES_SHOWN)
    .map(([id, count]) => ({ text: `id ${id} was returned ${count} times`, ops: [] }));
  return explained(summary, findings);
}

const uniqueIds: Workload<UniqueIdsResult> = {
  name: "unique-ids",
  fs: new Set(["generate"]),
  reusableClient: true,
  idempotent: new Set(),
  newClient: (connection) => ({
    async invoke() {
      const reply = await connection.call(GENERATE, {});
      return { type: "ok", value: reply.id };
    },
  }),
  generator: () => ({ next: () => ({ f: "generate", value: null }) }),
  check: (history) => checkUniqueIds(history),
  explain: explainUniqueIds,
};

export default uniqueIds;
