/**
 * What a newer Elle (0.2.7) would report that Maelstrom 0.2.3's Elle 0.1.6 does not. The
 * checkers' verdicts are 0.1.6's; these go under `beyond-maelstrom` (checkers/beyond-maelstrom.ts),
 * so they decide the verdict only under --strict. Four differences reach these workloads:
 * - a cycle with one rw edge, or several none adjacent, and no predicate edge (the only kind
 *   these workloads have) is G-single-item or G-nonadjacent-item from Elle 0.2 on, and those
 *   imply G2-item, so repeatable-read rules them out where 0.1.6 allows G-single;
 * - future-read (list-append: a txn reads an element it appends only later), which implies G1c,
 *   so read-committed rules it out; 0.1.6 does not look for it;
 * - internal: a read that differs from the same txn's earlier nil read of the key, which 0.1.6
 *   never compares (its `(and s …)` skips a nil state) and 0.2 does;
 * - the model tables (model-tables.ts): anything else 0.2.7's prohibit and 0.1.6's do not.
 */
import type { BeyondMaelstromFinding } from "../../contracts/types.ts";
import { MAELSTROM_ELLE, NEWER_ELLE } from "./consistency-models.ts";

/** An anomaly case as the checkers record it. */
type Case = Record<string, unknown> & { explanation: string };

/** What the newer Elle sees that 0.1.6 does not, for anomaly types it looks for differently. */
const NEWER_ONLY_WHY: Record<string, string> = {
  "future-read": "Elle 0.2 looks for future reads, which imply G1c; Elle 0.1.6, which Maelstrom 0.2.3 runs, does not",
  internal:
    "Elle 0.2 compares a read with the same txn's earlier nil read of the key; " +
    "Elle 0.1.6, which Maelstrom 0.2.3 runs, skips a nil state",
};

/** The name Elle 0.2 gives a cycle type of 0.1.6: without predicates, G-single and G-nonadjacent are -item. */
export function newerCycleName(type: string): string {
  return type.replace(/^(G-single|G-nonadjacent)(?=$|-process$|-realtime$)/, "$1-item");
}

/**
 * The findings: for each type found (`found`, 0.1.6's cases, allowed ones included) or seen
 * only by the newer reading (`newerOnly`) that Elle 0.2.7 would count against `models` and
 * Elle 0.1.6 does not. `checker` names the checker in each finding's `check`.
 */
export function newerElleFindings(
  checker: string,
  models: readonly string[],
  found: ReadonlyMap<string, readonly Case[]>,
  newerOnly: ReadonlyMap<string, readonly Case[]>,
  maxShown: number,
): BeyondMaelstromFinding[] {
  const counted = MAELSTROM_ELLE.prohibited(models);
  const newer = NEWER_ELLE.prohibited(models);
  const prohibits = `${models.join(", ")} ${models.length === 1 ? "prohibits" : "prohibit"}`;
  const finding = (type: string, why: string, cases: readonly Case[]): BeyondMaelstromFinding => ({
    check: `${checker} ${type}, Elle ${NEWER_ELLE.version}`,
    description: `${type}, which ${prohibits} in Elle ${NEWER_ELLE.version}: ${why}. ${cases[0]!.explanation}`,
    details: { count: cases.length, cases: cases.slice(0, maxShown) },
  });
  const findings: BeyondMaelstromFinding[] = [];
  for (const [type, cases] of [...found].sort(([a], [b]) => a.localeCompare(b))) {
    const renamed = newerCycleName(type);
    if (counted.has(type) || !newer.has(renamed)) continue;
    const why =
      renamed === type
        ? `Elle ${MAELSTROM_ELLE.version}'s tables, which Maelstrom 0.2.3 runs, allow it there`
        : `Elle 0.2 names this ${type} ${renamed} (its rw edges are all on items, none on a predicate), ` +
          `which implies G2-item; Elle ${MAELSTROM_ELLE.version}, which Maelstrom 0.2.3 runs, allows ${type} there`;
    findings.push(finding(renamed, why, cases));
  }
  for (const [type, cases] of newerOnly) {
    if (cases.length === 0 || !newer.has(type) || (counted.has(type) && found.has(type))) continue;
    findings.push(finding(type, NEWER_ONLY_WHY[type] ?? `only Elle 0.2 looks for ${type}`, cases));
  }
  return findings;
}
