/**
 * Why a run got its verdict, in words, for the console and the report page alike: the
 * outcome (valid, invalid, unknown, aborted), each non-valid checker's findings (each checker
 * explains its own result: the workload's names its explainer, `Workload.explain`), for an
 * aborted run its reason and the node's last output lines, and where the run folder and its
 * page are. Maelstrom prints the results map and leaves the digging to the reader; this does the
 * first dig. A run is explained once, and the console and the page print the same explanation.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { explainBeyondMaelstrom } from "../checkers/beyond-maelstrom.ts";
import { explainAvailability, explainStats } from "../checkers/core.ts";
import { couldNotCheck, EXAMPLES_SHOWN, explained, plural, show } from "../checkers/explaining.ts";
import { SERVE_DEFAULT_PORT } from "../contracts/options.ts";
import type { RunResults } from "../contracts/results.ts";
import type { CheckResult, ExplanationDraft, Finding, Validity, Workload, Op } from "../contracts/types.ts";
import { RUN_FILES } from "../contracts/run-files.ts";
import { forEachOp } from "../store/run-folder.ts";
import { LINEARIZABILITY_FILE } from "../checkers/linearizable/explain.ts";

export type { Finding } from "../contracts/types.ts";

/** A checker's non-valid verdict explained. */
export interface CheckerExplanation {
  /** The results.json key ("workload", "stats", …). */
  checker: string;
  valid: Validity;
  /** One line: what went wrong, with counts. */
  summary: string;
  /** The first examples, explained. */
  findings: Finding[];
}

/** A run's outcome: Jepsen's three verdicts, plus a run stopped before analysis. */
export type Outcome = "valid" | "invalid" | "unknown" | "aborted" | "incomplete";

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
  /**
   * The runner's own warnings (results.json `runner.warnings`): when they say the machine could not keep up, timings
   * are suspect.
   */
  runnerWarnings: string[];
  /** The non-valid checkers, workload first. */
  checkers: CheckerExplanation[];
}

/**
 * The history of a folder that is not one of our runs (a real Maelstrom folder's history.edn),
 * already read, and the file it came from, which explanations name.
 */
export interface ReadHistory {
  file: string;
  ops: readonly Op[];
}

/** A folder without results.json: its runner was stopped before it wrote them (its history is saved first). */
const INCOMPLETE_HEADLINE =
  "Incomplete: no results.json, the runner was stopped before writing it. " +
  "If the folder has history.jsonl, `maelstrom analyze` on it checks the history and completes the folder.";

/** A checker's explanation, its findings still to come from the history. */
type CheckerDraft = { checker: string; valid: Validity } & ExplanationDraft;

/**
 * Explains a run's results; `workload` (the one that ran) explains its checker's entry. Where
 * findings need times, the history comes from `history` when given (a folder real Maelstrom
 * wrote), else from the run folder's history.jsonl; the run folder also has the node logs an
 * abort needs.
 */
export async function explainRun(
  results: RunResults | undefined,
  workload: Workload | undefined,
  runDir: string | undefined,
  history?: ReadHistory,
): Promise<RunExplanation> {
  if (!results) {
    return { outcome: "incomplete", headline: INCOMPLETE_HEADLINE, violations: [], runnerWarnings: [], checkers: [] };
  }
  const crashed = (results.errors?.crashes?.length ?? 0) > 0;
  if (results.aborted !== undefined || crashed) return abortExplanation(results, runDir);
  const drafts = checkerDrafts(results, workload);
  if (history) feedOps(history.ops, drafts);
  else if (runDir) await feedHistory(runDir, drafts);
  const checkers = drafts.map(({ checker, valid, summary, findings }) => ({
    checker,
    valid,
    summary,
    findings: findings().map((finding) => withFileIfWritten(finding, runDir)),
  }));
  const outcome: Outcome = results["valid?"] === true ? "valid" : results["valid?"] === false ? "invalid" : "unknown";
  const headline = headlineOf(outcome, checkers);
  const runnerWarnings = results.runner?.warnings ?? [];
  const unmatched = unmatchedOf(results);
  const violations = violationsOf(results);
  return { outcome, headline, violations, ...(unmatched ? { unmatched } : {}), runnerWarnings, checkers };
}

/** A finding's `file` only when the run folder has it (a checker writes files for some cases). */
function withFileIfWritten(finding: Finding, runDir: string | undefined): Finding {
  if (finding.file === undefined || (runDir && existsSync(join(runDir, finding.file)))) return finding;
  const { file: _unwritten, ...rest } = finding;
  return rest;
}

/**
 * Why a run got its verdict, in one phrase for the runs list, from results.json alone (no
 * history is read): an abort's reason; else the first protocol violation or unmatched reply,
 * which usually explain the rest; else the first failing checker's summary, workload first.
 * Empty for a valid run.
 */
export function whyInBrief(results: RunResults | undefined, workload: Workload | undefined): string {
  if (!results) return "no results.json: stopped before its analysis";
  if (results.aborted !== undefined || (results.errors?.crashes?.length ?? 0) > 0) {
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
  const draft = checkerDrafts(results, workload)[0];
  return draft ? `${draft.checker}: ${draft.summary}` : "";
}

/** The non-valid checkers' drafts, workload first, each from its own checker's explainer. */
function checkerDrafts(results: RunResults, workload: Workload | undefined): CheckerDraft[] {
  return [
    ...draft("workload", results.workload, (result) => explainWorkload(result, workload)),
    ...draft("perf", results.perf, explainUnknownChecker),
    ...draft("timeline", results.timeline, explainUnknownChecker),
    ...draft("exceptions", results.exceptions, explainUnknownChecker),
    ...draft("stats", results.stats, explainStats),
    ...draft("availability", results.availability, explainAvailability),
    ...draft("net", results.net, explainUnknownChecker),
    ...draft("beyond-maelstrom", results["beyond-maelstrom"], explainBeyondMaelstrom),
  ];
}

/** One checker's draft, if its result is there and not valid. */
function draft<R extends { "valid?": Validity }>(
  checker: string,
  result: R | undefined,
  explain: (result: R) => ExplanationDraft,
): CheckerDraft[] {
  if (result === undefined || result["valid?"] === true) return [];
  return [{ checker, valid: result["valid?"], ...explain(result) }];
}

/**
 * The workload's entry: a checker that threw left Jepsen's `{valid? unknown, error}` and nothing
 * else (analysis.ts); otherwise the workload's explainer reads its own checker's result. A
 * workload this runner no longer has is shown as it is.
 */
function explainWorkload(result: CheckResult, workload: Workload | undefined): ExplanationDraft {
  const onlyError = Object.keys(result).every((key) => key === "valid?" || key === "error");
  if (onlyError && typeof result.error === "string") return couldNotCheck(result.error);
  return workload ? workload.explain(result) : explainUnknownChecker(result);
}

/** A checker with no explainer of its own: its `error` or `errors`, shown as they are. */
function explainUnknownChecker(result: Readonly<Record<string, unknown>>): ExplanationDraft {
  if (typeof result.error === "string") return couldNotCheck(result.error);
  const errors: unknown[] = Array.isArray(result.errors) ? result.errors : [];
  const shown = errors.slice(0, EXAMPLES_SHOWN);
  const findings = shown.map((error) => ({ text: show(error).slice(0, 300), ops: opIndicesIn(error) }));
  return explained(errors.length ? plural(errors.length, "error") : "not valid (see results.json)", findings);
}

function opIndicesIn(value: unknown): number[] {
  if (typeof value !== "object" || value === null) return [];
  return Object.values(value).flatMap((inner: unknown) => {
    const index = typeof inner === "object" && inner !== null && "index" in inner ? inner.index : null;
    return typeof index === "number" ? [index] : [];
  });
}

function headlineOf(outcome: Outcome, checkers: CheckerExplanation[]): string {
  const names = (valid: Validity) =>
    checkers.filter((checker) => checker.valid === valid).map(({ checker }) => checker);
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

function violationsOf(results: RunResults): ViolationExplanation[] {
  return (results.errors?.["protocol-violations"] ?? []).map(({ node, reason, line }) => ({ node, reason, line }));
}

/** How many unmatched replies the console and the page list (results.json keeps a few more). */
const UNMATCHED_SHOWN = 3;

/**
 * The unmatched replies in words. Their requests time out and are recorded as net-timeout, as
 * Maelstrom records them: the verdict is Maelstrom's, the explanation is the runner's, which saw
 * each line the node wrote.
 */
function unmatchedOf(results: RunResults): UnmatchedExplanation | undefined {
  const record = results.errors?.["unmatched-replies"] as Record<string, unknown> | undefined;
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
  const list = Array.isArray(record.examples) ? (record.examples as Record<string, unknown>[]) : [];
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
function abortExplanation(results: RunResults, runDir: string | undefined): RunExplanation {
  // run.ts records Maelstrom's name for what happened (init-failed, node-crashed, interrupted, …)
  // and `aborted` as "<name>: <message>".
  const named = results["abort-type"];
  const text = results.aborted ?? "a node crashed";
  const message = named && text.startsWith(`${named}: `) ? text.slice(named.length + 2) : text;
  const [reason = message, ...rest] = message.split("\n");
  const crash = results.errors?.crashes?.[0];
  const violation = results.errors?.["protocol-violations"]?.[0];
  const node = crash?.node ?? /\bnode (\S+?):? /i.exec(reason)?.[1];
  const tails = crash ? { stdoutTail: [...crash.stdoutTail], stderrTail: [...crash.stderrTail] } : tailsIn(rest);
  if (violation && tails.stdoutTail.length === 0) tails.stdoutTail.push(violation.line);
  if (tails.stderrTail.length === 0 && node && runDir) {
    tails.stderrTail.push(...logTail(join(runDir, RUN_FILES.nodeLogs, `${node}.log`)));
  }
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

/** Feeds ops already in memory through the drafts that asked for them. */
function feedOps(ops: readonly Op[], drafts: readonly CheckerDraft[]): void {
  const visitors = drafts.flatMap((draft) => (draft.visit ? [draft.visit] : []));
  for (const op of ops) for (const visit of visitors) visit(op);
}

/** Streams history.jsonl once through the drafts that asked for it. */
async function feedHistory(runDir: string, drafts: readonly CheckerDraft[]): Promise<void> {
  const visitors = drafts.flatMap((draft) => (draft.visit ? [draft.visit] : []));
  if (visitors.length === 0) return;
  await forEachOp(runDir, (op) => {
    for (const visit of visitors) visit(op);
  });
}

/** How many findings per checker the console prints (the page shows them all). */
const CONSOLE_FINDINGS = 4;

/**
 * The console's lines: per non-valid checker its summary and findings, then where to look (for
 * a folder real Maelstrom wrote, given as `history`, its own files: it has no report of ours).
 */
export function explanationLines(
  explanation: RunExplanation,
  runDir: string | undefined,
  cwd = process.cwd(),
  history?: ReadHistory,
): string[] {
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
    if (more > 0) out.push(`  … and ${more} more ${history ? `in ${RUN_FILES.results}` : "on the report page"}`);
  }
  if (runDir && history) out.push(...whereToLookInMaelstromFolder(runDir, cwd, history));
  else if (runDir) out.push(...whereToLook(runDir, cwd, explanation));
  return out;
}

/** A real Maelstrom folder: its own files, and our results.json beside them. */
function whereToLookInMaelstromFolder(runDir: string, cwd: string, history: ReadHistory): string[] {
  const folder = shortened(runDir, cwd);
  return [`Run folder: ${folder} (${history.file}, jepsen.log; this analysis in ${RUN_FILES.results} and results.edn)`];
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
  const drawsFailure = (finding: Finding) => finding.links?.some((link) => link.href.startsWith(LINEARIZABILITY_FILE));
  const drawn = explanation.checkers.some((checker) => checker.findings.some(drawsFailure));
  if (drawn && existsSync(join(runDir, LINEARIZABILITY_FILE))) {
    out.push(`Partial linearizations: ${join(folder, LINEARIZABILITY_FILE)}`);
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

/**
 * Prints the explanation of one finished run (the runner calls this after the verdict line);
 * `history` for a folder real Maelstrom wrote, whose files are not ours.
 */
export function printExplanation(
  explanation: RunExplanation,
  runDir: string | undefined,
  log: (line: string) => void,
  history?: ReadHistory,
): void {
  // A valid run still says what its nodes did wrong outside the checkers (Maelstrom passes such runs).
  const nodesMisbehaved = explanation.violations.length > 0 || explanation.unmatched !== undefined;
  if (explanation.outcome === "valid" && !nodesMisbehaved) {
    if (runDir && !history) log(whereToLook(runDir, process.cwd(), explanation).at(-1)!);
    return;
  }
  log("");
  for (const line of explanationLines(explanation, runDir, process.cwd(), history)) log(line);
}
