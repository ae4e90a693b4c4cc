/**
 * Why a run got its verdict, in words, for the console and the report page alike: the
 * outcome (valid, invalid, unknown, aborted), each non-valid checker's findings
 * (explain-checkers.ts), for an aborted run its reason and the node's last output lines, and
 * where the run folder and its page are. Maelstrom prints the results map and leaves the
 * digging to the reader; this does the first dig.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { SERVE_DEFAULT_PORT } from "../contracts/options.ts";
import { type CheckerDraft, type CheckerExplanation, draftChecker, type ResultMap } from "./explain-checkers.ts";
import { RUN_FILES, forEachJsonLine } from "../store/run-files.ts";
import type { Op } from "../contracts/types.ts";

export type { CheckerExplanation, Finding } from "./explain-checkers.ts";

/** A run's outcome: Jepsen's three verdicts, plus a run stopped before analysis. */
export type Outcome = "valid" | "invalid" | "unknown" | "aborted" | "missing";

/** A stopped run: why, and what the node last printed. */
export interface AbortExplanation {
  /** Maelstrom's name for what happened: init-failed, node-crashed, protocol-violation, or aborted. */
  kind: string;
  /** The runner's reason, first line ("Expected an init_ok message, but node n0 …"). */
  reason: string;
  /** The node it names, when it names one. */
  node?: string;
  stdoutTail: string[];
  stderrTail: string[];
}

/** A node's first bad stdout line (results.json `errors.protocol-violations`). */
export interface ViolationExplanation {
  node: string;
  reason: string;
  line: string;
}

/** Replies that reached a client and matched none of its requests (results.json `errors.unmatched-replies`). */
export interface UnmatchedExplanation {
  /** One sentence: how many, and what that did to their requests. */
  summary: string;
  /** The first few, each in one sentence, with the op that timed out and the message's journal id when it is drawn. */
  examples: { text: string; op?: number; message?: number }[];
}

/** Everything the console and the page say about why. */
export interface RunExplanation {
  outcome: Outcome;
  /** One sentence: the verdict and its reason. */
  headline: string;
  abort?: AbortExplanation;
  /** Nodes that broke the protocol; their later output was dropped, which often explains the rest. */
  violations: ViolationExplanation[];
  /** Replies the clients could not match, which explain timeouts the node did answer. */
  unmatched?: UnmatchedExplanation;
  /** The runner's own warnings (results.json `runner.warnings`): when they say the machine could not keep up, timings are suspect. */
  runnerWarnings: string[];
  /** The non-valid checkers, workload first. */
  checkers: CheckerExplanation[];
}

/** Checkers that carry no verdict of their own (always valid, or the runner's self-check). */
const NOT_CHECKERS = new Set(["errors", "runner", "valid?"]);

/** Explains a results.json map; the run folder supplies history.jsonl where findings need times. */
export async function explainRun(results: ResultMap | undefined, runDir: string | undefined): Promise<RunExplanation> {
  if (!results) return { outcome: "missing", headline: "No results.json: the run was interrupted before its analysis.", violations: [], runnerWarnings: [], checkers: [] };
  const crashes = (results.errors as ResultMap | undefined)?.crashes;
  if (results.aborted !== undefined || (Array.isArray(crashes) && crashes.length > 0)) return abortExplanation(results, runDir);
  const names = Object.keys(results)
    .filter((name) => !NOT_CHECKERS.has(name) && isCheckResult(results[name]) && (results[name] as ResultMap)["valid?"] !== true)
    .sort((a, b) => Number(b === "workload") - Number(a === "workload"));
  const drafts = names.flatMap((name) => draftChecker(name, results[name] as ResultMap, runDir) ?? []);
  if (runDir) await feedHistory(runDir, drafts);
  const checkers = drafts.map(({ checker, valid, summary, findings }) => ({ checker, valid, summary, findings: findings() }));
  const outcome: Outcome = results["valid?"] === true ? "valid" : results["valid?"] === false ? "invalid" : "unknown";
  const unmatched = unmatchedOf(results);
  return {
    outcome,
    headline: headlineOf(outcome, checkers),
    violations: violationsOf(results),
    ...(unmatched ? { unmatched } : {}),
    runnerWarnings: runnerWarningsOf(results),
    checkers,
  };
}

/**
 * Why a run got its verdict, in one phrase for the runs list, from results.json alone (no
 * history is read): an abort's reason; else the first protocol violation or unmatched reply,
 * which usually explain the rest; else the first failing checker's summary, workload first.
 * Empty for a valid run.
 */
export function whyInBrief(results: ResultMap | undefined): string {
  if (!results) return "no results.json: stopped before its analysis";
  const crashes = (results.errors as ResultMap | undefined)?.crashes;
  if (results.aborted !== undefined || (Array.isArray(crashes) && crashes.length > 0)) {
    const { abort } = abortExplanation(results, undefined);
    // An init that "did not respond" because its init_ok could not be matched: say the cause.
    const unmatchedInit = unmatchedOf(results)?.examples.find((example) => example.text.includes(" an init_ok "));
    return `${abort!.kind}: ${unmatchedInit ? unmatchedInit.text.split("; ")[0] : abort!.reason}`;
  }
  if (results["valid?"] === true) return "";
  const violation = violationsOf(results)[0];
  if (violation) return `${violation.node} broke the protocol: ${violation.reason.split(". ")[0]}`;
  const unmatched = unmatchedOf(results)?.examples[0];
  if (unmatched) return unmatched.text.split("; ")[0]!;
  const failing = (key: string) => isCheckResult(results[key]) && (results[key] as ResultMap)["valid?"] !== true;
  const name = Object.keys(results)
    .filter((key) => !NOT_CHECKERS.has(key) && failing(key))
    .sort((a, b) => Number(b === "workload") - Number(a === "workload"))[0];
  const draft = name === undefined ? undefined : draftChecker(name, results[name] as ResultMap);
  return draft ? `${name}: ${draft.summary}` : "";
}

function isCheckResult(value: unknown): boolean {
  return typeof value === "object" && value !== null && "valid?" in value;
}

function headlineOf(outcome: Outcome, checkers: CheckerExplanation[]): string {
  const names = (valid: unknown) => checkers.filter((checker) => checker.valid === valid).map((checker) => checker.checker);
  switch (outcome) {
    case "valid":
      return "Valid: every checker passed.";
    case "invalid": {
      const invalid = names(false);
      return `Invalid: ${invalid.join(", ")} found ${invalid.length === 1 ? "a problem" : "problems"}.`;
    }
    default:
      return `Unknown: no checker found a problem, but ${names("unknown").join(", ") || "one"} could not decide.`;
  }
}

function runnerWarningsOf(results: ResultMap): string[] {
  const warnings = (results.runner as ResultMap | undefined)?.warnings;
  return Array.isArray(warnings) ? warnings.map(String) : [];
}

function violationsOf(results: ResultMap): ViolationExplanation[] {
  const errors = results.errors as ResultMap | undefined;
  const list = Array.isArray(errors?.["protocol-violations"]) ? (errors["protocol-violations"] as ResultMap[]) : [];
  return list.map((violation) => ({ node: String(violation.node), reason: String(violation.reason), line: String(violation.line) }));
}

/** How many unmatched replies the console and the page list (results.json keeps a few more). */
const UNMATCHED_SHOWN = 3;

/**
 * The unmatched replies in words. Their requests time out and are recorded as net-timeout, as
 * Maelstrom records them: the verdict is Maelstrom's, the explanation is the runner's, which saw
 * each line the node wrote.
 */
function unmatchedOf(results: ResultMap): UnmatchedExplanation | undefined {
  const record = (results.errors as ResultMap | undefined)?.["unmatched-replies"] as ResultMap | undefined;
  const count = Number(record?.count ?? 0);
  if (!record || !(count > 0)) return undefined;
  const one = count === 1;
  const ops = one ? "its op is" : "their ops are";
  const asMaelstrom = `as Maelstrom records ${one ? "it" : "them"}`;
  const recorded = results.aborted === undefined ? ` (${ops} recorded as net-timeout, ${asMaelstrom})` : "";
  const summary = one
    ? `1 reply reached a client that could not match it to its request, ` +
      `so that request waited out its timeout${recorded}`
    : `${count} replies reached clients that could not match them to their requests, ` +
      `so those requests waited out their timeouts${recorded}`;
  const list = Array.isArray(record.examples) ? (record.examples as ResultMap[]) : [];
  const examples = list.slice(0, UNMATCHED_SHOWN).map((example) => ({
    text: String(example.text),
    ...(typeof example.op === "number" ? { op: example.op } : {}),
    // messages.svg leaves init_ok out, as Maelstrom's diagram does: no arrow to link to.
    ...(typeof example.message === "number" && example.type !== "init_ok" ? { message: example.message } : {}),
  }));
  return { summary, examples };
}

/** How many lines of a node's log stand in for its stderr tail when the results carry none. */
const LOG_TAIL_LINES = 10;
/** How much of the log's end is read for them. */
const LOG_TAIL_BYTES = 16_384;

/** An aborted run's results (run.ts): `aborted` is the reason, `errors.crashes` the nodes that died. */
function abortExplanation(results: ResultMap, runDir: string | undefined): RunExplanation {
  // run.ts records Maelstrom's name for what happened (init-failed, node-crashed, interrupted, …)
  // and `aborted` as "<name>: <message>".
  const named = typeof results["abort-type"] === "string" ? results["abort-type"] : undefined;
  const text = results.aborted === undefined ? "a node crashed" : abortText(results.aborted);
  const message = named && text.startsWith(`${named}: `) ? text.slice(named.length + 2) : text;
  const [reason = message, ...rest] = message.split("\n");
  const errors = (results.errors as ResultMap | undefined) ?? {};
  const crash = ((errors.crashes as ResultMap[] | undefined) ?? [])[0];
  const violation = ((errors["protocol-violations"] as ResultMap[] | undefined) ?? [])[0];
  const node = typeof crash?.node === "string" ? crash.node : /\bnode (\S+?):? /i.exec(reason)?.[1];
  const tails = crash ? { stdoutTail: lines(crash.stdoutTail), stderrTail: lines(crash.stderrTail) } : tailsIn(rest);
  if (violation && tails.stdoutTail.length === 0) tails.stdoutTail.push(String(violation.line));
  if (tails.stderrTail.length === 0 && node && runDir) tails.stderrTail.push(...logTail(join(runDir, RUN_FILES.nodeLogs, `${node}.log`)));
  const kind = named ?? (crash ? "node-crashed" : violation ? "protocol-violation" : "aborted");
  const abort: AbortExplanation = { kind, reason, ...(node ? { node } : {}), ...tails };
  const unmatched = unmatchedOf(results);
  return {
    outcome: "aborted",
    headline: `Aborted (${kind}): ${reason}`,
    abort,
    violations: violationsOf(results),
    ...(unmatched ? { unmatched } : {}),
    runnerWarnings: [],
    checkers: [],
  };
}

/** The abort reason as text, whether run.ts wrote a string or a map with a reason in it. */
function abortText(aborted: unknown): string {
  if (typeof aborted === "string") return aborted;
  const record = (aborted ?? {}) as ResultMap;
  return String(record.reason ?? record.message ?? record.text ?? JSON.stringify(aborted));
}

/** The last lines of a node's log file (only its end is read: logs can be large). */
function logTail(path: string): string[] {
  if (!existsSync(path)) return [];
  const size = statSync(path).size;
  const length = Math.min(size, LOG_TAIL_BYTES);
  const buffer = Buffer.alloc(length);
  const fd = openSync(path, "r");
  try {
    readSync(fd, buffer, 0, length, size - length);
  } finally {
    closeSync(fd);
  }
  const logLines = buffer.toString("utf8").split("\n");
  if (length < size) logLines.shift(); // cut mid-line
  return logLines.filter((line) => line.trim() !== "").slice(-LOG_TAIL_LINES);
}

const lines = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

/** The "last stdout lines: / last stderr lines:" blocks run.ts appends to an init failure. */
function tailsIn(rest: string[]): { stdoutTail: string[]; stderrTail: string[] } {
  const stdoutTail: string[] = [];
  const stderrTail: string[] = [];
  let into: string[] | undefined;
  for (const line of rest) {
    if (/last stdout lines:/.test(line)) into = stdoutTail;
    else if (/last stderr lines:/.test(line)) into = stderrTail;
    else if (into && line.trim() !== "(nothing)") into.push(line.trim());
  }
  return { stdoutTail, stderrTail };
}

/** Streams history.jsonl once through the drafts that asked for it. */
async function feedHistory(runDir: string, drafts: readonly CheckerDraft[]): Promise<void> {
  const visitors = drafts.flatMap((draft) => (draft.visit ? [draft.visit] : []));
  if (visitors.length === 0) return;
  await forEachJsonLine<Op>(join(runDir, RUN_FILES.history), (op) => {
    for (const visit of visitors) visit(op);
  });
}

/** How many findings per checker the console prints (the page shows them all). */
const CONSOLE_FINDINGS = 4;

/** The console's lines: per non-valid checker its summary and findings, then where to look. */
export function explanationLines(explanation: RunExplanation, runDir: string | undefined, cwd = process.cwd()): string[] {
  const out: string[] = [];
  // The runner has just printed an aborted node's last output lines; the console does not repeat them.
  if (explanation.abort) out.push(`Why (${explanation.abort.kind}): ${explanation.abort.reason}`);
  for (const { node, reason, line } of explanation.violations) {
    if (explanation.abort?.reason.includes(reason)) continue; // the abort's reason is this violation, just said
    const ignored = "Maelstrom ignores a node's output from its first bad line on, so its later replies never arrived";
    out.push(`Protocol: ${node} broke the protocol (${reason}); ${ignored}. The line:`, `    ${line}`);
  }
  if (explanation.unmatched) {
    out.push(`Unmatched replies: ${explanation.unmatched.summary}:`);
    for (const { text, op } of explanation.unmatched.examples) {
      out.push(`  - ${op === undefined ? "" : `op ${op}: `}${text}`);
    }
  }
  for (const checker of explanation.checkers) {
    out.push(`${checker.checker} ${checker.valid === false ? "invalid" : String(checker.valid)}: ${checker.summary}`);
    for (const finding of checker.findings.slice(0, CONSOLE_FINDINGS)) {
      out.push(`  - ${finding.text}`);
      for (const line of finding.details ?? []) out.push(`      ${line}`);
      if (finding.file) out.push(`      more cases: ${join(runDir ? shortened(runDir, cwd) : ".", finding.file)}`);
    }
    const more = checker.findings.length - CONSOLE_FINDINGS;
    if (more > 0) out.push(`  … and ${more} more on the report page`);
  }
  if (runDir) out.push(...whereToLook(runDir, cwd, explanation));
  return out;
}

/** A path as the console shows it: relative to `cwd` when it lies under it. */
function shortened(path: string, cwd: string): string {
  return relative(cwd, path).startsWith("..") ? path : relative(cwd, path) || ".";
}

function whereToLook(runDir: string, cwd: string, explanation: RunExplanation): string[] {
  const shorten = (path: string) => shortened(path, cwd);
  const folder = shorten(runDir);
  const out = [`Run folder: ${folder} (results.json, history.jsonl, node-logs/)`];
  if (explanation.abort?.node && existsSync(join(runDir, RUN_FILES.nodeLogs, `${explanation.abort.node}.log`))) {
    out.push(`Node log: ${join(folder, RUN_FILES.nodeLogs, `${explanation.abort.node}.log`)}`);
  }
  out.push(`Report: ${join(folder, RUN_FILES.report)}, or ${serveHint(runDir, shorten)}`);
  return out;
}

/** `bun run maelstrom serve` and the run's address under it (serve lists store/<workload>/<run>/). */
function serveHint(runDir: string, shorten: (path: string) => string): string {
  const storeDir = dirname(dirname(runDir));
  const storeFlag = shorten(storeDir) === "store" ? "" : ` --store ${shorten(storeDir)}`;
  const runPath = `${basename(dirname(runDir))}/${basename(runDir)}`;
  return `run \`bun run maelstrom serve${storeFlag}\` and open http://localhost:${SERVE_DEFAULT_PORT}/${runPath}/`;
}

/** Prints the explanation of one finished run (the runner calls this after the verdict line). */
export async function printExplanation(results: ResultMap | undefined, runDir: string | undefined, log: (line: string) => void): Promise<void> {
  const explanation = await explainRun(results, runDir);
  if (explanation.outcome === "valid") {
    if (runDir) log(whereToLook(runDir, process.cwd(), explanation).at(-1)!);
    return;
  }
  log("");
  for (const line of explanationLines(explanation, runDir)) log(line);
}
