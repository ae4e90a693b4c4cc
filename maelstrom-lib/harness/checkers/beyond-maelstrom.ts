/**
 * One rule for every check Maelstrom lacks: a checker keeps Maelstrom's verdict in its own
 * `valid?` and lists what only we look for under `beyond-maelstrom`. The run lifts that list
 * out of the checker's entry into results.json's own `beyond-maelstrom` entry, which is valid
 * unless the run is strict (--strict), and the console says "beyond Maelstrom" for each. So a
 * solution that passes under Maelstrom passes here too unless the user asks for more.
 */
import type { CheckResult, ExplanationDraft } from "../contracts/types.ts";
import type { BeyondMaelstromResult } from "../contracts/results.ts";
import { explained, plural } from "./explaining.ts";
import { namedTxnLines } from "./elle/txns.ts";

/**
 * Splits a checker's result into its Maelstrom entry (findings removed, so its keys stay
 * Maelstrom's) and the `beyond-maelstrom` entry, which is absent when nothing was found.
 */
export function separateBeyondMaelstrom(
  result: CheckResult,
  strict: boolean,
): { maelstrom: CheckResult; beyond: BeyondMaelstromResult | undefined } {
  const { "beyond-maelstrom": findings = [], ...rest } = result;
  const maelstrom = { ...rest, "valid?": result["valid?"] }; // valid? keeps its place in the key order
  if (findings.length === 0) return { maelstrom, beyond: undefined };
  return { maelstrom, beyond: { "valid?": !strict, strict, findings: [...findings] } };
}

/**
 * The console lines for the entry: one per finding, each followed by the transactions its first
 * case names (T9 = its operations), and what the findings do to the verdict.
 */
export function beyondMaelstromLines(beyond: BeyondMaelstromResult): string[] {
  const effect = beyond.strict
    ? "--strict: these count against the verdict"
    : "not counted in the verdict, which is Maelstrom's (--strict counts them)";
  const lines = beyond.findings.flatMap((finding) => [
    `beyond Maelstrom: ${finding.description}`,
    ...namedTxnLines(finding.description, firstCaseTxns(finding.details)).map((line) => `    ${line}`),
  ]);
  return [...lines, `beyond Maelstrom: ${effect}`];
}

/** The transactions of a finding's first case (`details.cases[0]`: its cycle, or its op and writer). */
function firstCaseTxns(details: unknown): unknown[] {
  const first = (details as { cases?: unknown[] } | undefined)?.cases?.[0] as Record<string, unknown> | undefined;
  if (!first) return [];
  return [first.op, first.writer, ...(Array.isArray(first.cycle) ? first.cycle : [])];
}

/** Why the entry is not valid (only under --strict): each finding, in its checker's words. */
export function explainBeyondMaelstrom(beyond: BeyondMaelstromResult): ExplanationDraft {
  const findings = beyond.findings.map((finding) => ({ text: `${finding.check}: ${finding.description}`, ops: [] }));
  return explained(`${plural(findings.length, "finding")} beyond Maelstrom's checks, which --strict counts`, findings);
}
