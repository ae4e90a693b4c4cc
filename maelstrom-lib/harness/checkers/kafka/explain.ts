/**
 * Why a kafka result is not valid, in words: each bad error type with its count, and its first
 * example as a sentence (the keys are those index.ts writes: writer, reader, op, max-read, …).
 * A lost write's offset is in its writer's completion, which the result refers to by index, so
 * that one example reads the history.
 */
import type { ExplanationDraft, Finding, Op } from "../../contracts/types.ts";
import { listOf, plural, secondsOf, show } from "../explaining.ts";
import { opSends } from "./history.ts";
import type { CondensedErrors, KafkaResult, UnseenResult } from "./index.ts";

/** An op as an error example refers to it (`opRef`): its index and time are all the words need. */
type OpRef = { index: number; time: number };

/** Why a kafka result is not valid: its bad error types, counted, and the first example of each. */
export function explainKafka(result: KafkaResult): ExplanationDraft {
  const bad = result["bad-error-types"];
  const counts = bad.map((type) => `${type} ${errorCount(type, result)}`);
  const lostWriter = opRefIn(examplesOf(result["lost-write"])[0]?.writer);
  const writers = new Map<number, Op>();
  return {
    summary: `error types ${counts.join(", ")}`,
    visit: lostWriter
      ? (op) => {
          if (op.index === lostWriter.index) writers.set(op.index, op);
        }
      : undefined,
    findings: () => bad.flatMap((type) => finding(type, result, writers) ?? []),
  };
}

function errorCount(type: string, result: KafkaResult): number {
  if (type === "unseen" && result.unseen) return unseenCount(result.unseen);
  const entry = result[type];
  return isCondensed(entry) ? entry.count : 0;
}

function unseenCount(unseen: UnseenResult): number {
  return Object.values(unseen.unseen).reduce((sum, count) => sum + count, 0);
}

function isCondensed(entry: unknown): entry is CondensedErrors {
  return typeof entry === "object" && entry !== null && "errs" in entry && Array.isArray(entry.errs);
}

/** The examples of one error type (none when the entry is not one). */
function examplesOf(entry: unknown): Record<string, unknown>[] {
  return isCondensed(entry) ? entry.errs : [];
}

/** An example's op reference, if `value` is one. */
function opRefIn(value: unknown): OpRef | undefined {
  if (typeof value !== "object" || value === null || !("index" in value) || !("time" in value)) return undefined;
  const { index, time } = value;
  return typeof index === "number" && typeof time === "number" ? { index, time } : undefined;
}

function finding(type: string, result: KafkaResult, history: ReadonlyMap<number, Op>): Finding | undefined {
  if (type === "unseen") {
    if (!result.unseen) return undefined;
    const [key, values] = Object.entries(result.unseen.messages)[0] ?? [];
    const total = unseenCount(result.unseen);
    const example = `key ${key}: ${listOf(values ?? [])}`;
    return { text: `unseen: ${plural(total, "acknowledged message")} no poll ever returned, e.g. ${example}`, ops: [] };
  }
  const first = examplesOf(result[type])[0];
  if (!first) return undefined;
  const others = Array.isArray(first.ops) ? first.ops : [];
  const named = [first.writer, first.reader, first.op, first["max-read"], ...others];
  const refs = named.flatMap((ref) => opRefIn(ref) ?? []);
  return { text: `${type}: ${exampleText(type, first, history)}`, ops: refs.map((ref) => ref.index) };
}

/** One kafka error example in words. */
function exampleText(type: string, e: Record<string, unknown>, history: ReadonlyMap<number, Op>): string {
  const key = `key ${show(e.key)}`;
  const at = (ref: unknown) => {
    const op = opRefIn(ref);
    return op ? ` at ${secondsOf(op.time)}` : "";
  };
  const values = Array.isArray(e.values) ? e.values : undefined;
  const list = (value: unknown) => listOf(Array.isArray(value) ? value : []);
  const laterOp = e.op ?? (Array.isArray(e.ops) ? e.ops[1] : undefined);
  switch (type) {
    case "lost-write": {
      const writerIndex = opRefIn(e.writer)?.index;
      const writer = writerIndex === undefined ? undefined : history.get(writerIndex);
      const sent = writer && opSends(writer).find((send) => send.key === e.key && show(send.value) === show(e.value));
      const offset = sent?.offset === undefined ? "" : ` offset ${sent.offset}`;
      return (
        `${key}${offset}: message ${show(e.value)} was sent ok${at(e.writer)}, but no poll returned it, ` +
        `though a poll${at(e["max-read"])} read past it (up to index ${show(e["max-read-index"])} of the key's log)`
      );
    }
    case "G1a":
      return `a poll${at(e.reader)} returned ${key} message ${show(e.value)}, whose send failed`;
    case "G1c-realtime":
      return `a poll${at(e.reader)} returned ${key} message ${show(e.value)} before its send was invoked`;
    case "duplicate":
      return `${key} holds message ${show(e.value)} ${show(e.count)} times, at offsets ${list(e.offsets)}`;
    case "inconsistent-offsets":
      return `${key} offset ${show(e.offset)} holds different messages: ${list(e.values)}`;
    case "int-poll-skip":
    case "poll-skip": {
      const jump = values ? `from ${show(values[0])} to ${show(values[1])} ` : "";
      return `polls of ${key}${at(laterOp)} jumped ${jump}over ${list(e.skipped)}`;
    }
    case "int-nonmonotonic-poll":
    case "nonmonotonic-poll":
      return `polls of ${key}${at(laterOp)} went backwards, ${show(values?.[0])} then ${show(values?.[1])}`;
    case "nonmonotonic-send":
      return `one process's sends to ${key} landed out of order: ${show(values?.[0])} after ${show(values?.[1])}`;
    default:
      return show(e).slice(0, 300);
  }
}
