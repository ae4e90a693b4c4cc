/**
 * A node's output as the runner reads it, the same for a process and a simulated instance:
 * each stdout line is checked against Maelstrom's closed envelope and routed into the
 * network. The first line that breaks the protocol (invalid JSON, JSON nested deeper than
 * Jackson allows, a line too long, an extra top-level key, an unknown src or dest) silences the
 * node: the rest of its stdout is left unread, as in Maelstrom, whose stdout thread stops there
 * (process.clj); unlike Maelstrom we say so plainly and record it. Nothing a node writes can
 * throw into the runner. The last lines of stdout and stderr are kept for crash reports.
 */
import type { ProtocolViolation, ViolationType } from "../contracts/node-reports.ts";
import { RUNNER_LIMITS } from "../contracts/options.ts";
import { MAX_JSON_DEPTH, nestsDeeperThan, parseJsonExact } from "../primitives/json-exact.ts";
import { LOG_LINE_PREVIEW_CHARS } from "../primitives/lines.ts";
import { isJsonInteger, isPlainObject } from "../../protocol/schema.ts";
import { isClient } from "./net.ts";
import type { NodeHostOptions } from "./world.ts";

const ENVELOPE_KEYS = new Set(["src", "dest", "body", "id"]);

/** A line cut to LOG_LINE_PREVIEW_CHARS, for tails and reports. */
export function cutLine(line: string): string {
  return line.length > LOG_LINE_PREVIEW_CHARS ? `${line.slice(0, LOG_LINE_PREVIEW_CHARS)}…` : line;
}

/** Keeps the last `limit` items, each cut to a preview. */
class Tail {
  private readonly items: string[] = [];
  constructor(private readonly limit: number) {}
  push(item: string): void {
    this.items.push(cutLine(item));
    if (this.items.length > this.limit) this.items.shift();
  }
  lines(): string[] {
    return [...this.items];
  }
}

type Problem = { type: ViolationType; reason: string };

/** One node's stdout and stderr lines: validated, routed, and their tails kept. */
export class NodeOutput {
  readonly stdoutTail = new Tail(RUNNER_LIMITS.crashTailLines);
  readonly stderrTail = new Tail(RUNNER_LIMITS.crashTailLines);
  /** Set after the first protocol violation: later output is not read. */
  private silenced = false;
  private readonly impersonationsWarned = new Set<string>();

  constructor(
    private readonly options: Pick<
      NodeHostOptions,
      "id" | "network" | "onViolation" | "onWarning" | "isReplyMadeLateByPause"
    >,
  ) {}

  /**
   * One stdout line (without its `\n`); `delivering` is false once the runner killed the node.
   * Returns false once the node is silenced: its later output need not be read.
   */
  stdoutLine(line: string, delivering: boolean): boolean {
    this.stdoutTail.push(line);
    if (!delivering) return true;
    if (this.silenced) return false;
    let problem: Problem | undefined;
    try {
      problem = this.route(line);
    } catch (error) {
      // A runner bug that this line set off: the node's output stops, the run goes on.
      const why = String(error);
      this.options.onWarning(
        `the runner failed on a line from ${this.options.id} and stops reading its output: ${why}`,
      );
      this.silenced = true;
      return false;
    }
    if (!problem) return true;
    this.silence({ ...problem, line: line.slice(0, LOG_LINE_PREVIEW_CHARS) });
    return false;
  }

  /** A stdout line over RUNNER_LIMITS.stdoutLineChars: a violation naming its size; the rest is not read. */
  oversizeLine(start: string, lengthChars: number, delivering: boolean): boolean {
    this.stdoutTail.push(`${start}… (over ${lengthChars} characters)`);
    if (!delivering) return true;
    if (this.silenced) return false;
    const limit = RUNNER_LIMITS.stdoutLineChars;
    const reason =
      `a stdout line of more than ${lengthChars.toLocaleString("en-US")} characters; the runner reads lines ` +
      `of at most ${limit.toLocaleString("en-US")} (no node could be sent a longer one)`;
    this.silence({ type: "line-too-long", reason, line: start });
    return false;
  }

  /** One stderr line (without its `\n`), kept for the crash report. */
  stderrLine(line: string): void {
    this.stderrTail.push(line);
  }

  private silence(violation: Omit<ProtocolViolation, "node">): void {
    this.silenced = true;
    this.options.onViolation({ node: this.options.id, ...violation });
  }

  /** Validates one output line against the closed envelope and sends it; returns what was wrong. */
  private route(line: string): Problem | undefined {
    if (nestsDeeperThan(line, MAX_JSON_DEPTH)) {
      const reason = `JSON nested more than ${MAX_JSON_DEPTH} levels deep (Jackson's limit, under Maelstrom's parser)`;
      return { type: "line-not-valid-json", reason };
    }
    let parsed: unknown;
    try {
      parsed = parseJsonExact(line);
    } catch {
      return { type: "line-not-valid-json", reason: notJsonReason(line) };
    }
    const malformed = (reason: string) => ({ type: "malformed-message" as const, reason });
    if (!isPlainObject(parsed)) return malformed("stdout line is not a JSON object");
    for (const key of Object.keys(parsed)) {
      if (!ENVELOPE_KEYS.has(key)) {
        return malformed(`extra top-level key ${JSON.stringify(key)} (only src, dest, body allowed)`);
      }
    }
    const { src, dest } = parsed;
    if (typeof src !== "string") return malformed("src must be a string");
    if (typeof dest !== "string") return malformed("dest must be a string");
    if ("id" in parsed && !isJsonInteger(parsed.id)) return malformed("id must be an integer");
    const body = parsed.body ?? {};
    if (!isPlainObject(body)) return malformed("body must be a JSON object");
    return this.send(src, dest, body, line);
  }

  /** Sends a well-formed message, unless its src or dest is unknown (then that is the problem). */
  private send(src: string, dest: string, body: Record<string, unknown>, line: string): Problem | undefined {
    const network = this.options.network;
    if (!network.isRegistered(src)) return { type: "invalid-src", reason: `unknown src ${JSON.stringify(src)}` };
    if (!network.isRegistered(dest)) {
      if (this.options.isReplyMadeLateByPause?.(dest)) return undefined; // dropped, as a real network would
      return {
        type: "invalid-dest",
        reason: `unknown dest ${JSON.stringify(dest)} (a client that has gone away, or no such node)`,
      };
    }
    if (src !== this.options.id) this.warnImpersonation(src, line);
    network.send(src, dest, body);
    return undefined;
  }

  /**
   * Maelstrom's network checks only that src exists, so a node may send as another node or as
   * a client, and the message is delivered as theirs: almost always a bug (a copied envelope,
   * src and dest swapped). Said once per node and kind, naming the node.
   */
  private warnImpersonation(src: string, line: string): void {
    const kind = isClient(src) ? "a live client" : "another node";
    if (this.impersonationsWarned.has(kind)) return;
    this.impersonationsWarned.add(kind);
    this.options.onWarning(
      `${this.options.id} sent a message as ${kind}, ${JSON.stringify(src)} (src should be its own id; delivered ` +
        `anyway, as Maelstrom does; later ones not reported): ${cutLine(line)}`,
    );
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
    "log to stderr instead (node.log(...) in maelstrom-lib, console.error(...) in TypeScript, os.Stderr in Go, " +
    "print(..., file=sys.stderr) in Python)"
  );
}

/**
 * Said when a node that never answered sent no line at all on stdout. A pipe, unlike a
 * terminal, is not flushed at each line by most languages' standard output, so a reply the
 * node did write can sit in its buffer until the node exits: the classic is Python's print.
 */
export const UNFLUSHED_STDOUT_HINT =
  "  Nothing at all came on its stdout. If it did write a reply, the reply may be sitting in its output buffer:\n" +
  "  a pipe, unlike a terminal, is not flushed at each line. Flush after each message, ending it with a newline:\n" +
  "    Python: print(..., flush=True), or sys.stdout.reconfigure(line_buffering=True) once, or python3 -u\n" +
  "    Go: w.Flush() on a bufio.Writer (fmt.Println to os.Stdout is not buffered)\n" +
  "    Rust: flush a BufWriter, and io::stdout().flush() after print! (println! flushes its line)\n" +
  "    Ruby: $stdout.sync = true once, or $stdout.flush\n" +
  "    JS: console.log or process.stdout.write go out at once; call flush() on a writer you made (Bun.stdout.writer())";
