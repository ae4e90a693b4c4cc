/**
 * The words every checker's explainer shares, so that the console and the report page read
 * alike whichever checker speaks: values as JSON, counts with their nouns, the first few
 * examples of a list, an op's time and node.
 */
import { nanosToSeconds } from "../contracts/history.ts";
import type { ExplanationDraft, Finding, Op } from "../contracts/types.ts";

/** How many examples a summary lists and an explainer explains. */
export const EXAMPLES_SHOWN = 3;

/** A value as JSON (as results.json shows it). */
export function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** "1 value", "2 values". */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** The first few values, with "…" when there are more. */
export function listOf(values: readonly unknown[]): string {
  return values.slice(0, EXAMPLES_SHOWN).map(show).join(", ") + (values.length > EXAMPLES_SHOWN ? ", …" : "");
}

/** " on n1" for an op that names its node, else nothing. */
export function where(op: Op | undefined): string {
  return op?.node ? ` on ${op.node}` : "";
}

/** Seconds since the start of the run, as the console and page print them. */
export function secondsOf(timeNs: number): string {
  return `${nanosToSeconds(timeNs).toFixed(2)} s`;
}

/** An explanation whose findings need no history. */
export function explained(summary: string, findings: Finding[] = []): ExplanationDraft {
  return { summary, findings: () => findings };
}

/** A checker that could not check (Jepsen's `{:valid? :unknown :error …}`): the first line of why. */
export function couldNotCheck(error: string): ExplanationDraft {
  return explained(`could not check: ${error.split("\n")[0]}`);
}
