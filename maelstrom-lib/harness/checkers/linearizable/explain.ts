/**
 * Why a lin-kv result is not linearizable, in words: for each bad key the analysis' own account
 * of the failing op (analysis.ts `explain`) and its longest partial linearization (partials.ts),
 * linked to the report's pictures; for each key the search gave up on, why.
 */
import type { ExplanationDraft, Finding, Op } from "../../contracts/types.ts";
import { EXAMPLES_SHOWN, explained, plural, show } from "../explaining.ts";
import type { LinearizableResult } from "./index.ts";
import type { NextAttempt, OpMention } from "./partials.ts";
import { type LinKVKey, linKVKeys, partialsOf } from "./results.ts";

/** The run-folder page that draws lin-kv's partial linearizations (the report writes it). */
export const LINEARIZABILITY_FILE = "linearizability.html";
/** Steps of the longest partial linearization, and ops that could come next, the sentence names. */
const STEPS_SAID = 3;
const NEXT_SAID = 3;

/** Why a lin-kv result is not valid: the keys that are not linearizable, then those left undecided. */
export function explainLinearizable(result: LinearizableResult): ExplanationDraft {
  const keys = linKVKeys(result) ?? [];
  const bad = keys.filter((key) => key.valid === false);
  const unknown = keys.filter((key) => key.valid !== true && key.valid !== false);
  const parts = [
    ...(bad.length ? [`${keyNames(bad)} not linearizable`] : []),
    ...(unknown.length ? [`${keyNames(unknown)} unknown (the search gave up)`] : []),
  ];
  const findings = [...bad.map(badKeyFinding), ...unknown.map((key) => ({ text: unknownSentence(key), ops: [] }))];
  return explained(parts.join("; ") || "not valid (see results.json)", findings.slice(0, EXAMPLES_SHOWN));
}

/** "key 7", or "keys 3, 7" (at most EXAMPLES_SHOWN named, then how many more). */
function keyNames(keys: readonly LinKVKey[]): string {
  const named = keys.slice(0, EXAMPLES_SHOWN).map((key) => key.name);
  const more = keys.length > named.length ? ` and ${keys.length - named.length} more` : "";
  return `${keys.length === 1 ? "key" : "keys"} ${named.join(", ")}${more}`;
}

/** A bad key: the analysis' sentence and the partial linearization, with the ops and pictures that show it. */
function badKeyFinding(key: LinKVKey): Finding {
  const op = key.check.op as Op | undefined;
  const blocked = partialsOf(key)[0]?.next[0];
  const ops = [...new Set([...(op ? [op.index] : []), ...(blocked ? [blocked.index] : [])])];
  const links = [
    { href: `${LINEARIZABILITY_FILE}#key-${encodeURIComponent(key.name)}`, label: "partial linearizations" },
    { href: `${key.folder}/linear.svg`, label: "linear.svg" },
  ];
  const explanation = String(key.check.explanation ?? `key ${key.name}: not linearizable.`);
  return { text: `${explanation} ${partialSentence(key)}`.trim(), ops, links };
}

/**
 * The longest partial linearization in words: "Longest partial linearization (812 ops): … write 2
 * by process 0 → 2; then read 1 by process 1 could not be linearized: can't read 1 from register 2."
 */
export function partialSentence(key: LinKVKey): string {
  const partial = partialsOf(key)[0];
  if (!partial) return "";
  const said = partial.steps.slice(-STEPS_SAID).map((step) => `${byProcess(step)} → ${register(step.model.value)}`);
  const ellipsis = partial.length > said.length ? "… " : "";
  const ending = partial.length === 0 ? "no op could be linearized first" : `${ellipsis}${said.join(", ")}`;
  const head = `Longest partial linearization (${plural(partial.length, "op")}): ${ending}`;
  const [first, ...others] = partial.next;
  if (!first) return `${head}.`;
  if (others.length === 0) return `${head}; then ${byProcess(first)} could not be linearized: ${nextOutcome(first)}.`;
  const more = partial.next.length - NEXT_SAID + (partial["next-not-shown"] ?? 0);
  const listed = partial.next.slice(0, NEXT_SAID).map((next) => `${byProcess(next)}: ${nextOutcome(next)}`);
  return `${head}; then nothing could come next (${listed.join("; ")}${more > 0 ? `; and ${more} more` : ""}).`;
}

/** A register value as Knossos prints it (nil for none). */
function register(value: unknown): string {
  return value === null || value === undefined ? "nil" : show(value);
}

function byProcess(op: OpMention): string {
  return `${op.op} by process ${String(op.process)}`;
}

/** What the model said to an op that could have come next. */
function nextOutcome(next: NextAttempt): string {
  if ("msg" in next.model) return next.model.msg;
  return `it would leave ${register(next.model.value)}, but no linearization goes on from there`;
}

function unknownSentence(key: LinKVKey): string {
  const cause = key.check.cause;
  const why =
    cause === "timeout"
      ? "ran out of time"
      : cause === "out-of-memory"
        ? "hit its memory bound"
        : `stopped (${String(cause ?? "no cause given")})`;
  const configs = key.check["configs-explored"];
  const explored = typeof configs === "number" ? ` after ${configs} configurations` : "";
  return (
    `key ${key.name}: unknown: the linearizability search ${why}${explored}; it found neither a linearization ` +
    `nor a violation.`
  );
}
