/**
 * A node's output as the runner reads it, the same for a process and a simulated instance:
 * each stdout line is checked against Maelstrom's closed envelope and routed into the
 * network; the first line that breaks the protocol (invalid JSON, an extra top-level key, an
 * unknown src or dest) silences the node's later output, as in Maelstrom (process.clj), but
 * said plainly and recorded. The last lines of stdout and stderr are kept for crash reports.
 */
import { isJsonInteger, parseJsonExact } from "../json-exact.ts";
import { LOG_LINE_PREVIEW_CHARS } from "../lines.ts";
import { RUNNER_LIMITS } from "../options.ts";
import { isPlainObject } from "../schema.ts";
import type { NodeHostOptions, ViolationType } from "./world.ts";

const ENVELOPE_KEYS = new Set(["src", "dest", "body", "id"]);

/** Keeps the last `limit` items. */
class Tail {
  private readonly items: string[] = [];
  constructor(private readonly limit: number) {}
  push(item: string): void {
    this.items.push(item.length > LOG_LINE_PREVIEW_CHARS ? `${item.slice(0, LOG_LINE_PREVIEW_CHARS)}…` : item);
    if (this.items.length > this.limit) this.items.shift();
  }
  lines(): string[] {
    return [...this.items];
  }
}

/** One node's stdout and stderr lines: validated, routed, and their tails kept. */
export class NodeOutput {
  readonly stdoutTail = new Tail(RUNNER_LIMITS.crashTailLines);
  readonly stderrTail = new Tail(RUNNER_LIMITS.crashTailLines);
  /** Set after the first protocol violation: later output is not delivered. */
  private silenced = false;

  constructor(
    private readonly options: Pick<NodeHostOptions, "id" | "network" | "onViolation" | "isReplyMadeLateByPause">,
  ) {}

  /** One stdout line (without its `\n`); `delivering` is false once the runner killed the node. */
  stdoutLine(line: string, delivering: boolean): void {
    this.stdoutTail.push(line);
    if (this.silenced || !delivering) return;
    const problem = this.route(line);
    if (problem) {
      this.silenced = true;
      this.options.onViolation({ node: this.options.id, ...problem, line: line.slice(0, LOG_LINE_PREVIEW_CHARS) });
    }
  }

  /** One stderr line (without its `\n`), kept for the crash report. */
  stderrLine(line: string): void {
    this.stderrTail.push(line);
  }

  /** Validates one output line against the closed envelope and sends it; returns what was wrong. */
  private route(line: string): { type: ViolationType; reason: string } | undefined {
    let parsed: unknown;
    try {
      parsed = parseJsonExact(line);
    } catch {
      return { type: "line-not-valid-json", reason: notJsonReason(line) };
    }
    const malformed = (reason: string) => ({ type: "malformed-message" as const, reason });
    if (!isPlainObject(parsed)) return malformed("stdout line is not a JSON object");
    for (const key of Object.keys(parsed)) {
      if (!ENVELOPE_KEYS.has(key))
        return malformed(`extra top-level key ${JSON.stringify(key)} (only src, dest, body allowed)`);
    }
    const { src, dest } = parsed;
    if (typeof src !== "string") return malformed("src must be a string");
    if (typeof dest !== "string") return malformed("dest must be a string");
    if ("id" in parsed && !isJsonInteger(parsed.id)) return malformed("id must be an integer");
    const body = parsed.body ?? {};
    if (!isPlainObject(body)) return malformed("body must be a JSON object");
    const network = this.options.network;
    if (!network.isRegistered(src)) return { type: "invalid-src", reason: `unknown src ${JSON.stringify(src)}` };
    if (!network.isRegistered(dest)) {
      if (this.options.isReplyMadeLateByPause?.(dest)) return undefined; // dropped, as a real network would
      return {
        type: "invalid-dest",
        reason: `unknown dest ${JSON.stringify(dest)} (a client that has gone away, or no such node)`,
      };
    }
    network.send(src, dest, body);
    return undefined;
  }
}

/**
 * The beginner's mistake, said plainly (Maelstrom's process.clj asks "was this line intended
 * for STDERR?"): text that does not even look like JSON is almost always a log line.
 */
function notJsonReason(line: string): string {
  if (/^\s*[[{]/.test(line)) return "invalid JSON on stdout (a truncated or unescaped message?)";
  return (
    "non-protocol text on stdout. Stdout carries only JSON messages, one per line; " +
    "log to stderr instead (node.log(...) in maelstrom-lib, console.error(...) in TypeScript, os.Stderr in Go)"
  );
}
