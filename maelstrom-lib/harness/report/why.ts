/**
 * The top of the run page: the outcome and its reason, for every outcome. An aborted run
 * shows Maelstrom's name for what happened, the runner's reason and the node's last output
 * lines; an invalid or unknown one lists each checker's findings, each op linked to its bar
 * on the timeline page. The words come from explain.ts, which the console prints too.
 */
import type { RunResults } from "../contracts/results.ts";
import type { CheckerExplanation, RunExplanation } from "./explain.ts";
import { escapeXml } from "../primitives/svg-text.ts";
import { RUN_FILES } from "../contracts/run-files.ts";
import { VERDICT_COLORS } from "./page-assets.ts";

/** The page of the timeline, which the findings link into. */
export const TIMELINE_FILE = RUN_FILES.timeline;

/**
 * A run's outcome in words: Jepsen's three verdicts, aborted, incomplete (no results.json), or
 * missing (no verdict in it).
 */
export type Verdict = keyof typeof VERDICT_COLORS;

/** A coloured verdict badge (the colours `maelstrom serve` uses). */
export function verdictBadge(verdict: Verdict, className = "badge"): string {
  return (
    `<span class="${className} verdict-${verdict}" ` + `style="background:${VERDICT_COLORS[verdict]}">${verdict}</span>`
  );
}

/** A run's outcome from its results alone, without reading the history (the runs list needs no more). */
export function outcomeOf(results: RunResults | undefined): Verdict {
  if (!results) return "incomplete";
  if (results.aborted !== undefined || (results.errors?.crashes?.length ?? 0) > 0) return "aborted";
  const valid = results["valid?"];
  return valid === true ? "valid" : valid === false ? "invalid" : "unknown";
}

/** The verdict section: badge, headline, then the abort box or the findings. */
export function renderWhy(
  explanation: RunExplanation,
  nodeLogs: readonly string[],
  requestOf: ReadonlyMap<number, number> = new Map(),
): string {
  const unmatched = explanation.unmatched ? renderUnmatched(explanation.unmatched) : "";
  const body = explanation.abort
    ? `${unmatched}${renderAbort(explanation, nodeLogs)}`
    : [
        ...explanation.violations.map(renderViolation),
        unmatched,
        ...explanation.checkers.map((checker) => renderCheckerFindings(checker, requestOf)),
      ].join("\n");
  const warnings = explanation.runnerWarnings
    .map((warning) => `<p class="note runner-warning">Runner: ${escapeXml(warning)}.</p>`)
    .join("\n");
  return `<section id="why" class="why why-${explanation.outcome}">
<p>${verdictBadge(explanation.outcome, "verdict")} <span class="headline">${escapeXml(explanation.headline)}</span></p>
${body}
${warnings}
</section>`;
}

function renderAbort(explanation: RunExplanation, nodeLogs: readonly string[]): string {
  const abort = explanation.abort!;
  const logName = abort.node ? `${abort.node}.log` : undefined;
  const log =
    logName && nodeLogs.includes(logName)
      ? ` The node's whole log: <a ` +
        `href="${RUN_FILES.nodeLogs}/${encodeURIComponent(logName)}">${RUN_FILES.nodeLogs}/${escapeXml(logName)}</a>.`
      : "";
  const tail = (name: string, lines: string[]) =>
    `<p class="tail-name">${escapeXml(abort.node ?? "the node")}'s last ${name} lines:</p><pre class="tail ` +
    `tail-${name}">${lines.length ? escapeXml(lines.join("\n")) : "(nothing)"}</pre>`;
  return `<p class="abort">No checker ran: Maelstrom analyzes only runs that finish.${log}</p>
${tail("stderr", abort.stderrTail)}
${tail("stdout", abort.stdoutTail)}`;
}

/** A node's first bad stdout line: after it the runner, like Maelstrom, dropped the node's output. */
function renderViolation(violation: RunExplanation["violations"][number]): string {
  return (
    `<div class="violation"><p><b>protocol</b>: ${escapeXml(violation.node)} broke the protocol ` +
    `(${escapeXml(violation.reason)}); Maelstrom ignores a node's output from its first bad line on, so its later ` +
    `replies never arrived. Stdout is for protocol messages only: log to stderr. The line:</p>` +
    `<pre>${escapeXml(violation.line)}</pre></div>`
  );
}

/**
 * Replies the clients could not match: each example says what was wrong with it, and links the
 * op that timed out on the timeline and the message's arrow in messages.svg.
 */
function renderUnmatched(unmatched: NonNullable<RunExplanation["unmatched"]>): string {
  const items = unmatched.examples.map(({ text, op, message }) => {
    const links = [
      ...(op === undefined ? [] : [`<a class="op-link" href="${TIMELINE_FILE}#op-${op}">op ${op}</a>`]),
      ...(message === undefined
        ? []
        : [`<a class="msg-link" href="${RUN_FILES.messagesSvg}#m${message}" title="the reply in the diagram">msg</a>`]),
    ];
    const shown = links.length ? ` <span class="ops">(${links.join(" ")})</span>` : "";
    return `<li>${escapeXml(text)}${shown}</li>`;
  });
  const rule =
    "Every reply must carry <code>in_reply_to</code>: the <code>msg_id</code> of the request it answers, " +
    "sent back to its sender.";
  const summary = `<p><b>unmatched replies</b>: ${escapeXml(unmatched.summary)}. ${rule}</p>`;
  return `<div class="unmatched">${summary}<ul>${items.join("")}</ul></div>`;
}

/**
 * One checker's findings as a list; each op links to the timeline, and to its request's arrow in
 * messages.svg when found; the transactions a finding names are shown under it, with the file of
 * its other cases.
 */
function renderCheckerFindings(checker: CheckerExplanation, requestOf: ReadonlyMap<number, number>): string {
  const items = checker.findings.map((finding) => {
    const links = finding.ops
      .map((index) => {
        const message = requestOf.get(index);
        const arrow =
          message === undefined
            ? ""
            : ` <a class="msg-link" href="${RUN_FILES.messagesSvg}#m${message}" title="its request in the message ` +
              `diagram">msg</a>`;
        return `<a class="op-link" href="${TIMELINE_FILE}#op-${index}">op ${index}</a>${arrow}`;
      })
      .join(" ");
    const pages = (finding.links ?? [])
      .map((link) => `<a class="page-link" href="${escapeXml(link.href)}">${escapeXml(link.label)}</a>`)
      .join(" ");
    const refs = [links, pages].filter(Boolean).join(" · ");
    const txns = finding.details?.length ? `<pre class="txns">${escapeXml(finding.details.join("\n"))}</pre>` : "";
    const fileLink = finding.file && `<a href="${encodeURI(finding.file)}">${escapeXml(finding.file)}</a>`;
    const file = fileLink ? `<p class="more-cases">More cases: ${fileLink}</p>` : "";
    return `<li>${escapeXml(finding.text)}${refs ? ` <span class="ops">(${refs})</span>` : ""}${txns}${file}</li>`;
  });
  const list = items.length ? `<ul>${items.join("")}</ul>` : "";
  return (
    `<div class="findings" data-checker="${escapeXml(checker.checker)}"><p>` +
    `<b>${escapeXml(checker.checker)}</b>: ${escapeXml(checker.summary)}</p>${list}</div>`
  );
}
