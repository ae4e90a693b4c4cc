/**
 * What the nemesis did, op by op in time order, for a table on the report page and on the
 * console: "cut n3 n4 off from n0 n1 n2 (majority)", "healed the network", "killed n1 (one)",
 * "restarted n1", and when, in seconds since the start of the run. The bands on the plots say
 * the same at a glance; this says it exactly, with the moments to look up in the history.
 *
 * Each nemesis op is an :info invocation and an :info completion (nemesis.ts performs one at a
 * time, so the two are consecutive among the nemesis's ops); the row is timed by the invocation,
 * as the bands start, and its words come from the completion's :value through the fault's
 * descriptor (nemesis/faults/): what a start hit and what a stop undid.
 */
import { nanosToSeconds } from "../contracts/history.ts";
import type { Op } from "../contracts/types.ts";
import { faultNamed, faultOfOp } from "../nemesis/faults/index.ts";
import { escapeXml, truncate } from "../primitives/svg-text.ts";
import { faultKey } from "./fault-bands.ts";

/** One nemesis op, as the table lists it. */
export interface NemesisEvent {
  /** Its invocation, seconds since the start of the run. */
  atSec: number;
  /** The fault's name (nemesis/faults/), or the op's :f for an op no registered fault has. */
  kind: string;
  /** What it did, in words. */
  text: string;
  /** False when it changed nothing (a partition with an empty grudge, a kill that hit no running node). */
  effective: boolean;
}

/** How many events the console prints; the page lists them all. */
export const CONSOLE_NEMESIS_EVENTS = 10;
/**
 * How much of an event's words a console row shows (a 25-node majorities-ring takes a screenful; the page has it all).
 */
export const CONSOLE_EVENT_MAX_CHARS = 90;
/** How much of an unknown op's value a row shows. */
const VALUE_MAX_CHARS = 80;

/** Collects the nemesis's events from history ops fed in order (client ops are ignored). */
export class NemesisEventCollector {
  private readonly events: NemesisEvent[] = [];
  private pendingInvoke: Op | undefined;

  /** `nodeIds` (from test.json) lets a partition's words name nodes no grudge mentions. */
  constructor(private readonly nodeIds: readonly string[] = []) {}

  add(op: Op): void {
    if (op.process !== "nemesis") return;
    const invoke = this.pendingInvoke;
    if (invoke === undefined || invoke.f !== op.f) {
      if (invoke !== undefined) this.events.push(unfinished(invoke));
      this.pendingInvoke = op; // the invocation; its completion comes next
      return;
    }
    this.pendingInvoke = undefined;
    this.events.push(this.event(invoke, op));
  }

  /** The events in time order; an op the run ended in the middle of comes last. */
  result(): NemesisEvent[] {
    const last = this.pendingInvoke === undefined ? [] : [unfinished(this.pendingInvoke)];
    return [...this.events, ...last].map((event) => ({ ...event }));
  }

  private event(invoke: Op, completion: Op): NemesisEvent {
    const atSec = nanosToSeconds(invoke.time);
    const known = faultOfOp(invoke.f);
    if (!known) return { atSec, kind: invoke.f, text: `${invoke.f} ${shortValue(completion.value)}`, effective: true };
    const { fault, injects } = known;
    if (!injects) return { atSec, kind: fault.name, text: fault.describeStop(completion.value), effective: true };
    const description = fault.describe(invoke.value, completion.value, this.nodeIds);
    return { atSec, kind: fault.name, text: description.event ?? description.label, effective: description.effective };
  }
}

/** An invocation whose completion never came: the run stopped in the middle of it. */
function unfinished(invoke: Op): NemesisEvent {
  const kind = faultOfOp(invoke.f)?.fault.name ?? invoke.f;
  const text = `${invoke.f} ${shortValue(invoke.value)} began, and never completed`;
  return { atSec: nanosToSeconds(invoke.time), kind, text, effective: true };
}

function shortValue(value: unknown): string {
  return truncate(JSON.stringify(value) ?? "null", VALUE_MAX_CHARS);
}

/** The events of a whole history (for tests and for a history already in memory). */
export function nemesisEvents(history: Iterable<Op>, nodeIds: readonly string[] = []): NemesisEvent[] {
  const collector = new NemesisEventCollector(nodeIds);
  for (const entry of history) collector.add(entry);
  return collector.result();
}

/** An event's time as the table prints it: seconds, to the hundredth. */
function atText(event: NemesisEvent): string {
  return event.atSec.toFixed(2);
}

/**
 * The console's table: a heading, then the first `maxRows` events, one a line, times and kinds
 * aligned, each cut to `CONSOLE_EVENT_MAX_CHARS`, then how many more the page lists. No lines
 * when the nemesis did nothing.
 */
export function nemesisEventLines(events: readonly NemesisEvent[], maxRows = CONSOLE_NEMESIS_EVENTS): string[] {
  if (events.length === 0) return [];
  const shown = events.slice(0, maxRows);
  const timeWidth = Math.max(...shown.map((event) => atText(event).length));
  const kindWidth = Math.max(...shown.map((event) => event.kind.length));
  const rows = shown.map((event) => {
    const text = truncate(event.text, CONSOLE_EVENT_MAX_CHARS);
    return `  ${atText(event).padStart(timeWidth)} s  ${event.kind.padEnd(kindWidth)}  ${text}`;
  });
  const more = events.length - shown.length;
  const heading = `nemesis: ${events.length} event${events.length === 1 ? "" : "s"} (seconds since the start):`;
  return [heading, ...rows, ...(more > 0 ? [`  … and ${more} more on the report page`] : [])];
}

/** The page's table of every event, each kind keyed by its band colour; empty when there is none. */
export function renderNemesisEvents(events: readonly NemesisEvent[]): string {
  if (events.length === 0) return "";
  const rows = events.map((event) => {
    const kind = faultNamed(event.kind) ? faultKey([event.kind]) : escapeXml(event.kind);
    const muted = event.effective ? "" : ` class="muted"`;
    return (
      `<tr class="nemesis-event" data-kind="${escapeXml(event.kind)}" data-at-sec="${event.atSec}">` +
      `<td class="num">${atText(event)}</td><td class="kind">${kind}</td><td${muted}>${escapeXml(event.text)}</td></tr>`
    );
  });
  const idle = events.filter((event) => !event.effective).length;
  const idleNote = idle ? ` Greyed: ${idle} that changed nothing (the dashed bands on the plots).` : "";
  const when = "at the moment each op began (seconds since the start of the run";
  const where = "history.jsonl has its ops as process <code>nemesis</code>";
  const header = `<tr><th class="num">at (s)</th><th>fault</th><th>what it did</th></tr>`;
  return `<h2 id="nemesis">Nemesis</h2>
<p class="note">Everything the nemesis did, in time order, ${when}; ${where}).${idleNote}</p>
<table class="nemesis-events">${header}${rows.join("")}</table>`;
}
