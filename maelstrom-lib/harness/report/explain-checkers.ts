/**
 * Why one checker is not valid, in words: each workload checker's result keys (as the
 * checkers in checkers/ write them, Maelstrom's results.edn keys) turned into a one-line
 * summary and a few findings, each naming the history ops it involves. An explainer that
 * needs the history (to put times and nodes on what results.json leaves out) gets it streamed
 * op by op, never whole: a broadcast history at 1000 ops/s holds gigabytes of reads.
 */
import { opSends } from "../checkers/kafka/history.ts";
import type { Op } from "../contracts/types.ts";
import { nanosToSeconds } from "../contracts/history.ts";
import { namedTxnLines } from "../checkers/elle/txns.ts";
import { existsSync } from "node:fs";
import { join } from "node:path";

/** One thing a checker found, with the history indices of the ops it is about. */
export interface Finding {
  text: string;
  ops: number[];
  /** Lines that show what the text names: each transaction with its operations. */
  details?: string[];
  /** A file of the run folder holding every case of this kind (`elle/G1b.txt`). */
  file?: string;
}

/** A checker's non-valid verdict explained. */
export interface CheckerExplanation {
  /** The results.json key ("workload", "stats", …). */
  checker: string;
  valid: unknown;
  /** One line: what went wrong, with counts. */
  summary: string;
  /** The first examples, explained. */
  findings: Finding[];
}

/** A checker result as results.json holds it. */
export type ResultMap = Record<string, unknown>;

/**
 * A checker's explanation before the history is read: the summary at once; `visit`, when an
 * explainer needs the history, is fed every op in order; `findings` is called after that.
 */
export interface CheckerDraft {
  checker: string;
  valid: unknown;
  summary: string;
  visit?: (op: Op) => void;
  findings: () => Finding[];
}

/** How many examples each finding list shows. */
export const EXAMPLES_SHOWN = 3;


/** Seconds since the start of the run, as the console and page print them. */
export function secondsOf(timeNs: number): string {
  return `${nanosToSeconds(timeNs).toFixed(2)} s`;
}

const show = (value: unknown): string => JSON.stringify(value) ?? String(value);
const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? "" : "s"}`;
const listOf = (values: readonly unknown[]): string => values.slice(0, EXAMPLES_SHOWN).map(show).join(", ") + (values.length > EXAMPLES_SHOWN ? ", …" : "");
const where = (op: Op | undefined): string => (op?.node ? ` on ${op.node}` : "");

/**
 * Starts explaining one checker's result; undefined when it is valid. `runDir`, when given,
 * lets a finding point to the file of the run folder that holds all its cases.
 */
export function draftChecker(checker: string, result: ResultMap, runDir?: string): CheckerDraft | undefined {
  if (result["valid?"] === true) return undefined;
  const explain =
    "lost" in result && "attempt-count" in result ? explainSetFull
    : "acceptable" in result && "final-reads" in result ? explainCounter
    : "bad-error-types" in result ? explainKafka
    : "anomaly-types" in result || "consistency-models" in result ? explainTxn
    : "attempted-count" in result && "duplicated" in result ? explainUniqueIds
    : isEchoErrors(result.errors) ? explainEcho
    : "by-f" in result ? explainStats
    : "ok-fraction" in result ? explainAvailability
    : explainGeneric;
  return { checker, valid: result["valid?"], ...explain(result, runDir) };
}

type Draft = Pick<CheckerDraft, "summary" | "visit" | "findings">;
type Explainer = (result: ResultMap, runDir?: string) => Draft;

/** A draft whose findings need no history. */
const ready = (summary: string, findings: Finding[] = []): Draft => ({ summary, findings: () => findings });

/** set-full (broadcast, g-set): lost values, and "unknown" when nothing ever became stable. */
const explainSetFull: Explainer = (result) => {
  const lost = (result.lost as unknown[] | undefined) ?? [];
  const neverRead = (result["never-read"] as unknown[] | undefined) ?? [];
  if (lost.length === 0) {
    const summary =
      result["stable-count"] === 0
        ? `no value became stable: ${plural(Number(result["attempt-count"] ?? 0), "value")} added, no read after them returned them${neverRead.length ? ` (never read: ${listOf(neverRead)})` : ""}`
        : `${plural(Number(result["stale-count"] ?? 0), "stale value")} (linearizable check): ${listOf((result.stale as unknown[]) ?? [])}`;
    return ready(summary);
  }
  const summary = `lost ${plural(Number(result["lost-count"] ?? lost.length), "value")}, e.g. ${listOf(lost)}: acknowledged, then missing from every read after some point`;
  const trackers = lost.slice(0, EXAMPLES_SHOWN).map((value) => new LostValueTracker(value));
  return {
    summary,
    visit: (op) => {
      for (const tracker of trackers) tracker.visit(op);
    },
    findings: () => trackers.map((tracker) => tracker.finding()),
  };
};

/** What happened to one lost value: when it was acknowledged, seen, and how many reads missed it afterwards. */
class LostValueTracker {
  private readonly key: string;
  /** Membership in a read: native `includes` for numbers and strings (reads can hold 10⁴ values), JSON for the rest. */
  private readonly isIn: (values: readonly unknown[]) => boolean;
  private readonly invocations = new Map<unknown, Op>();
  private ack: Op | undefined;
  private firstSeen: Op | undefined;
  private lastSeen: Op | undefined;
  private missedCount = 0;
  private lastMissed: Op | undefined;

  constructor(private readonly value: unknown) {
    this.key = show(value);
    this.isIn = typeof value === "object" && value !== null ? (values) => values.some((element) => show(element) === this.key) : (values) => values.includes(value);
  }

  visit(op: Op): void {
    if (op.process === "nemesis") return;
    if (op.type === "invoke") {
      this.invocations.set(op.process, op);
      return;
    }
    if (op.type !== "ok") return;
    if (op.f !== "read") {
      if (!this.ack && (op.value === this.value || show(op.value) === this.key)) this.ack = op;
    } else if (Array.isArray(op.value) || op.value === null) {
      // A null read is the empty set, as set-full's (set nil) is.
      if (this.isIn(op.value ?? [])) {
        this.firstSeen ??= op;
        this.lastSeen = op;
        this.missedCount = 0;
        this.lastMissed = undefined;
      } else if (this.ack && (this.invocations.get(op.process)?.time ?? op.time) > this.ack.time) {
        this.missedCount++;
        this.lastMissed = op;
      }
    }
  }

  finding(): Finding {
    const { key, ack, firstSeen, lastSeen, lastMissed: last } = this;
    if (!ack) {
      const seenText = firstSeen ? `first returned by a read${where(firstSeen)} at ${secondsOf(firstSeen.time)}` : "neither its acknowledgement nor a read of it is in history.jsonl";
      return { text: `${key}: never acknowledged; ${seenText}`, ops: firstSeen ? [firstSeen.index] : [] };
    }
    const seen = lastSeen ? `; last returned by a read${where(lastSeen)} at ${secondsOf(lastSeen.time)}` : "; no read ever returned it";
    const missed = last ? `; ${plural(this.missedCount, "read")} after that missed it, the last${where(last)} at ${secondsOf(last.time)}${last.final ? " (a final read)" : ""}` : "";
    return {
      text: `${key}: acknowledged at ${secondsOf(ack.time)}${where(ack)}${seen}${missed}`,
      ops: [ack.index, ...(lastSeen ? [lastSeen.index] : []), ...(last ? [last.index] : [])],
    };
  }
}

/** The counter checker (g-counter, pn-counter): final reads outside every possible total. */
const explainCounter: Explainer = (result) => {
  const errors = (result.errors as Op[] | null) ?? [];
  const acceptable = (result.acceptable as [number, number][] | undefined) ?? [];
  const finalReads = (result["final-reads"] as unknown[] | undefined) ?? [];
  const ranges = acceptable.map(([lo, hi]) => (lo === hi ? String(lo) : `${lo}…${hi}`)).join(" or ");
  const summary = `${errors.length} of ${plural(finalReads.length, "final read")} returned an impossible total (possible: ${ranges || "none"})`;
  const findings = errors.slice(0, EXAMPLES_SHOWN).map((op) => ({
    text: `final read${where(op)} at ${secondsOf(op.time)} returned ${show(op.value)}, but the adds sum to ${ranges}`,
    ops: [op.index],
  }));
  return ready(summary, findings);
};

/** Kafka's error types: counts per type and the first example of each, in words. */
const explainKafka: Explainer = (result) => {
  const bad = (result["bad-error-types"] as string[] | undefined) ?? [];
  const counts = bad.map((type) => `${type} ${kafkaErrorCount(result[type])}`);
  // The lost write's offset is in its writer's completion, which results.json refers to by index.
  const lostWriter = ((result["lost-write"] as ResultMap | undefined)?.errs as ResultMap[] | undefined)?.[0]?.writer as OpRef | undefined;
  const writers = new Map<number, Op>();
  return {
    summary: `error types ${counts.join(", ")}`,
    visit: lostWriter
      ? (op) => {
          if (op.index === lostWriter.index) writers.set(op.index, op);
        }
      : undefined,
    findings: () =>
      bad.flatMap((type) => {
        const finding = kafkaFinding(type, result[type] as ResultMap | undefined, writers);
        return finding ? [finding] : [];
      }),
  };
};

function kafkaErrorCount(entry: unknown): number {
  const record = entry as { count?: number; unseen?: Record<string, number> } | undefined;
  if (record?.unseen) return Object.values(record.unseen).reduce((sum, count) => sum + count, 0);
  return record?.count ?? 0;
}

/** A kafka op reference (`opRef`): index, time, process, f. */
type OpRef = { index: number; time: number; process: unknown; f: string };

function kafkaFinding(type: string, entry: ResultMap | undefined, history: ReadonlyMap<number, Op>): Finding | undefined {
  if (!entry) return undefined;
  if (type === "unseen") {
    const messages = (entry.messages as Record<string, unknown[]> | undefined) ?? {};
    const [key, values] = Object.entries(messages)[0] ?? [];
    const total = kafkaErrorCount(entry);
    return { text: `unseen: ${plural(total, "acknowledged message")} no poll ever returned, e.g. key ${key}: ${listOf(values ?? [])}`, ops: [] };
  }
  const first = ((entry.errs as ResultMap[] | undefined) ?? [])[0];
  if (!first) return undefined;
  const refs = [first.writer, first.reader, first.op, first["max-read"], ...((first.ops as unknown[]) ?? [])].filter(Boolean) as OpRef[];
  return { text: `${type}: ${kafkaText(type, first, history)}`, ops: refs.map((ref) => ref.index) };
}

/** One kafka error example in words (keys as checkers/kafka/index.ts writes them). */
function kafkaText(type: string, e: ResultMap, history: ReadonlyMap<number, Op>): string {
  const key = `key ${show(e.key)}`;
  const at = (ref: unknown) => (ref ? ` at ${secondsOf((ref as OpRef).time)}` : "");
  const values = e.values as unknown[] | undefined;
  switch (type) {
    case "lost-write": {
      const writer = history.get((e.writer as OpRef).index);
      const offset = writer ? opSends(writer).find((send) => send.key === e.key && show(send.value) === show(e.value))?.offset : undefined;
      return `${key}${offset === undefined ? "" : ` offset ${offset}`}: message ${show(e.value)} was sent ok${at(e.writer)}, but no poll returned it, though a poll${at(e["max-read"])} read past it (up to index ${show(e["max-read-index"])} of the key's log)`;
    }
    case "G1a":
      return `a poll${at(e.reader)} returned ${key} message ${show(e.value)}, whose send failed`;
    case "G1c-realtime":
      return `a poll${at(e.reader)} returned ${key} message ${show(e.value)} before its send was invoked`;
    case "duplicate":
      return `${key} holds message ${show(e.value)} ${show(e.count)} times, at offsets ${listOf((e.offsets as unknown[]) ?? [])}`;
    case "inconsistent-offsets":
      return `${key} offset ${show(e.offset)} holds different messages: ${listOf((e.values as unknown[]) ?? [])}`;
    case "int-poll-skip":
    case "poll-skip":
      return `polls of ${key}${at(e.op ?? (e.ops as unknown[])?.[1])} jumped ${values ? `from ${show(values[0])} to ${show(values[1])} ` : ""}over ${listOf((e.skipped as unknown[]) ?? [])}`;
    case "int-nonmonotonic-poll":
    case "nonmonotonic-poll":
      return `polls of ${key}${at(e.op ?? (e.ops as unknown[])?.[1])} went backwards, ${show(values?.[0])} then ${show(values?.[1])}`;
    case "nonmonotonic-send":
      return `one process's sends to ${key} landed out of order: ${show(values?.[0])} after ${show(values?.[1])}`;
    default:
      return show(e).slice(0, 300);
  }
}

/** The Elle-style txn checker: anomaly types with counts, each one's first case in Elle's words. */
/**
 * Elle's txn checkers: each anomaly type's first case, the transactions it names shown with
 * their operations (Elle names them T9, T16 by history index), and the run folder's
 * `elle/<type>.txt`, which holds its other cases, when the checker wrote one.
 */
const explainTxn: Explainer = (result, runDir) => {
  if (typeof result.error === "string") return ready(`could not check: ${result.error}`);
  const types = (result["anomaly-types"] as string[] | undefined) ?? [];
  const counts = (result["anomaly-counts"] as Record<string, number> | undefined) ?? {};
  const anomalies = (result.anomalies as Record<string, ResultMap[]> | undefined) ?? {};
  const not = (result.not as string[] | undefined) ?? [];
  const summary = `anomalies ${types.map((type) => `${type} ${counts[type] ?? anomalies[type]?.length ?? "?"}`).join(", ")}${not.length ? `; not ${not.join(", ")}` : ""}`;
  const findings = types.flatMap((type): Finding[] => {
    const first = anomalies[type]?.[0];
    if (!first) return [];
    const named = [first.op, first.writer, ...((first.cycle as unknown[]) ?? []), ...((first.ops as unknown[]) ?? [])];
    const isTxn = (op: unknown): op is { index: number } =>
      typeof (op as { index?: unknown } | undefined)?.index === "number";
    const txns = named.filter(isTxn);
    const explanation = String(first.explanation ?? show(first));
    const details = namedTxnLines(explanation, txns);
    const file = `elle/${type}.txt`;
    const hasFile = runDir !== undefined && existsSync(join(runDir, file));
    const ops = [...new Set(txns.map((op) => op.index))];
    const extras = { ...(details.length ? { details } : {}), ...(hasFile ? { file } : {}) };
    return [{ text: `${type}: ${explanation}`, ops, ...extras }];
  });
  return ready(summary, findings);
};

/** Jepsen's unique-ids checker: ids handed out more than once. */
const explainUniqueIds: Explainer = (result) => {
  if (typeof result.error === "string") return ready(`could not check: ${result.error}`);
  const duplicated = Object.entries((result.duplicated as Record<string, number> | undefined) ?? {});
  const summary = `${plural(Number(result["duplicated-count"] ?? duplicated.length), "id")} handed out more than once, of ${result["acknowledged-count"]} acknowledged`;
  const findings = duplicated.slice(0, EXAMPLES_SHOWN).map(([id, count]) => ({ text: `id ${id} was returned ${count} times`, ops: [] }));
  return ready(summary, findings);
};

function isEchoErrors(errors: unknown): boolean {
  return Array.isArray(errors) && errors.length > 0 && typeof errors[0] === "object" && errors[0] !== null && "expected" in errors[0];
}

/** The echo checker: each echo that did not come back as sent. */
const explainEcho: Explainer = (result) => {
  const errors = result.errors as { expected: unknown; received: Op | null }[];
  const findings = errors.slice(0, EXAMPLES_SHOWN).map(({ expected, received }) => {
    const got = !received
      ? "no completion"
      : received.type === "ok"
        ? `echo_ok with ${show((received.value as { echo?: unknown } | null)?.echo)}`
        : `${received.type}${received.error === undefined ? "" : ` ${show(received.error)}`}`;
    const at = received ? ` at ${secondsOf(received.time)}${where(received)}` : "";
    return { text: `sent ${show(expected)}, got ${got}${at}`, ops: received ? [received.index] : [] };
  });
  const echoes = errors.length === 1 ? "1 echo" : `${errors.length} echoes`;
  return ready(`${echoes} did not come back as sent`, findings);
};

/** Jepsen's stats checker: an operation that never once succeeded. */
const explainStats: Explainer = (result) => {
  const byF = (result["by-f"] as Record<string, ResultMap> | undefined) ?? {};
  const never = Object.entries(byF).filter(([, counts]) => counts["valid?"] !== true);
  const summary = never.length
    ? `no ${never.map(([f]) => f).join(", no ")} ever succeeded`
    : "no operation completed";
  const findings = never.map(([f, counts]) => ({
    text: `${f}: ${counts.count} completed, 0 ok (${counts["fail-count"]} fail, ${counts["info-count"]} info)`,
    ops: [],
  }));
  return ready(summary, findings);
};

/** Maelstrom's availability checker: too few ok completions for --availability. */
const explainAvailability: Explainer = (result) =>
  ready(`only ${(Number(result["ok-fraction"]) * 100).toFixed(1)}% of operations succeeded, below what --availability asks`);

/** Any other checker (echo, a new workload): its `error` or `errors`, shown as they are. */
const explainGeneric: Explainer = (result) => {
  if (typeof result.error === "string") return ready(`could not check: ${result.error.split("\n")[0]}`);
  const errors = Array.isArray(result.errors) ? result.errors : [];
  const findings = errors.slice(0, EXAMPLES_SHOWN).map((error) => ({ text: show(error).slice(0, 300), ops: opIndicesIn(error) }));
  return ready(errors.length ? plural(errors.length, "error") : "not valid (see results.json)", findings);
};

function opIndicesIn(value: unknown): number[] {
  if (typeof value !== "object" || value === null) return [];
  return Object.values(value).flatMap((inner) =>
    typeof inner === "object" && inner !== null && typeof (inner as { index?: unknown }).index === "number" ? [(inner as { index: number }).index] : [],
  );
}
