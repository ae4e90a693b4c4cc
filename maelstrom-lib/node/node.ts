/**
 * The Maelstrom node: reads messages from stdin, dispatches them to handlers, writes replies,
 * sends and rpcs to peers and services, and runs periodic work. See README "The runtime".
 */
import { type Cancel, type Clock, every, realClock } from "./clock.ts";
import { ErrorCode } from "../protocol/errors.ts";
import { RPCError, rpcErrorFromBody } from "./errors.ts";
import { type InputSource, type LogSink, type OutputSink, stderrLog, stdinSource, stdoutSink } from "./io.ts";
import type {
  BaseBody,
  GenericBody,
  Handler,
  Message,
  MessageType,
  Protocol,
  ReplyBody,
  RequestBody,
  Untyped,
} from "./messages.ts";
import { type LineHandler, LineSplitter, preview } from "./wire.ts";

/** How long an rpc waits for its reply unless told otherwise. */
export const DEFAULT_RPC_TIMEOUT_MS = 1000;

/** The first this many replies nobody waits for are logged; after that, one in DROPPED_REPLIES_LOG_EVERY. */
const DROPPED_REPLIES_LOGGED_IN_FULL = 20;
const DROPPED_REPLIES_LOG_EVERY = 1000;
/** Output is written early once this much is buffered, so one huge input chunk cannot hoard memory. */
const MAX_BUFFERED_OUTPUT_CHARS = 4 * 1024 * 1024;

/**
 * Where a simulated node's runtime finds its I/O and clock: the runner's deterministic
 * simulation puts them on the globalThis each node instance sees; a real process has nothing
 * there. Spelled as harness/world/sim-globals.ts spells it.
 */
const SIM_HOST_KEY = Symbol.for("@gossip-glomers-ts/maelstrom/sim-host");

/** Where a node's I/O and time come from; every field defaults to the real process (or the simulation's host). */
export interface NodeOptions {
  /** Input chunks (default: stdin). */
  input?: InputSource;
  /** Protocol output (default: stdout, written synchronously). */
  output?: OutputSink;
  /** Log lines (default: stderr). */
  log?: LogSink;
  /** Time and timers (default: the real clock, in milliseconds since the Unix epoch). */
  clock?: Clock;
}

/** Options of one rpc. */
export interface RpcOptions {
  /** Reject with RPCError(0, timeout) if no reply arrived by then (default DEFAULT_RPC_TIMEOUT_MS). */
  timeoutMs?: number;
}

interface PendingRpc {
  dest: string;
  resolve: (body: GenericBody) => void;
  reject: (error: RPCError) => void;
  cancelTimeout: Cancel;
}

interface PeriodicTask {
  periodMs: number;
  fn: () => unknown;
  cancel: Cancel | undefined;
  /** An async tick is still running: the next one is skipped rather than piled up. */
  running: boolean;
}

type AnyHandler = (message: Message) => unknown;
type Lifecycle = "waiting-for-init" | "running" | "closed";

const NEVER_SETTLES = new Promise<never>(() => {});
const noop = () => {};

/**
 * A Maelstrom node. Register handlers with `on`, then `await run()`. `P` is the program's
 * protocol: the messages it handles and sends, and their replies (`new Node<EchoProtocol>()`);
 * without one, every body is a GenericBody.
 */
export class Node<P extends Protocol = Untyped> implements LineHandler {
  private readonly handlers = new Map<string, AnyHandler>();
  private readonly initCallbacks: (() => unknown)[] = [];
  /** Run once, just before the first request after init is handled; then emptied. */
  private firstRequestCallbacks: (() => unknown)[] = [];
  private readonly pending = new Map<number, PendingRpc>();
  private readonly periodicTasks = new Set<PeriodicTask>();
  private readonly input: InputSource;
  private readonly output: OutputSink;
  private readonly logSink: LogSink;
  /**
   * The node's time and timers: solutions read the time and wait with it (`sleep(node.clock, ms)`)
   * instead of Date.now() and Bun.sleep, so a test can run them on a FakeClock.
   */
  readonly clock: Clock;
  private readonly splitter = new LineSplitter(this);
  private readonly unrepliedTypes = new Set<string>();

  private lifecycle: Lifecycle = "waiting-for-init";
  private droppedReplies = 0;
  private runStarted = false;
  /** True when reading the real stdin: then the node also guards the process (see run). */
  private readonly ownsProcess: boolean;
  private nodeId: string | undefined;
  private allNodeIds: readonly string[] = [];
  private peerIds: readonly string[] = [];
  private nextMsgId = 1;
  /** Output lines (without `\n`) not yet handed to the sink: flushed once per input chunk, or in a microtask. */
  private outLines: string[] = [];
  private outChars = 0;
  private flushScheduled = false;
  private readonly flushBound = () => this.flush();

  constructor(options: NodeOptions = {}) {
    const host = (globalThis as { [SIM_HOST_KEY]?: NodeOptions })[SIM_HOST_KEY];
    this.ownsProcess = options.input === undefined && host === undefined;
    this.input = options.input ?? host?.input ?? stdinSource();
    this.output = options.output ?? host?.output ?? stdoutSink();
    this.logSink = options.log ?? host?.log ?? stderrLog();
    this.clock = options.clock ?? host?.clock ?? realClock;
  }

  /** This node's id (e.g. "n0"). Valid only after init: read it in a handler or in onInit. */
  get id(): string {
    if (this.nodeId === undefined) throw new Error("node.id read before init: use it in a handler or in node.onInit");
    return this.nodeId;
  }

  /** Every node id in the test, this one included, in the same order on every node. Only after init. */
  get nodeIds(): readonly string[] {
    if (this.nodeId === undefined)
      throw new Error("node.nodeIds read before init: use it in a handler or in node.onInit");
    return this.allNodeIds;
  }

  /**
   * Every node id in the test but this one ("every node but me"), in `nodeIds`' order. Only
   * after init, like `nodeIds`.
   */
  get peers(): readonly string[] {
    if (this.nodeId === undefined)
      throw new Error("node.peers read before init: use it in a handler or in node.onInit");
    return this.peerIds;
  }

  /** True once init has been answered. */
  get initialised(): boolean {
    return this.nodeId !== undefined;
  }

  /**
   * Handles requests of `type`. The handler's return value (or its promise's) is the reply,
   * sent with `in_reply_to`; returning nothing sends nothing. Throw RPCError for an error
   * reply; anything else thrown becomes error 13 (crash) and is logged. One handler per type.
   * A typed node handles only the types its protocol lists.
   */
  on<T extends MessageType<P>>(type: T, handler: Handler<P, T>): this {
    if (type === "init") throw new Error('"init" is answered by the runtime: use node.onInit(fn) to run code after it');
    if (this.handlers.has(type)) throw new Error(`duplicate handler: ${type}`);
    this.handlers.set(type, handler as unknown as AnyHandler);
    return this;
  }

  /** Runs `fn` once, right after init_ok is written (node.id, node.nodeIds and node.peers are valid there). */
  onInit(fn: () => unknown): this {
    if (this.initialised) throw new Error("node.onInit called after init: call it before node.run()");
    this.initCallbacks.push(fn);
    return this;
  }

  /**
   * Runs `fn` once, just before the first request after init is handled. Maelstrom sets its
   * nodes up concurrently, so right after init a peer may not be registered yet and a message
   * to it is an invalid destination; by the first request from a client or a peer, setup is
   * over (Maelstrom's core.clj runs db setup on every node before any client starts).
   */
  onFirstRequest(fn: () => unknown): this {
    this.firstRequestCallbacks.push(fn);
    return this;
  }

  /** Sends `body` to `dest` without waiting for anything. Only after init (throws before). */
  send<T extends MessageType<P>>(dest: string, body: RequestBody<P, T>): void {
    this.assertCanSend("send", dest, body);
    this.writeMessage(this.nodeId!, dest, body);
  }

  /**
   * Sends `body` with a fresh msg_id and resolves with the reply body. Rejects with RPCError
   * for an error reply (KeyDoesNotExist / PreconditionFailed for codes 20 / 22) and with
   * RPCError(0) after `timeoutMs`; a reply arriving later is dropped. Only after init. After
   * stdin closes the promise never settles (the node is shutting down). The reply is typed by
   * the request's type through the node's protocol.
   */
  async rpc<T extends MessageType<P>>(
    dest: string,
    body: RequestBody<P, T>,
    options: RpcOptions = {},
  ): Promise<ReplyBody<P, T> & BaseBody> {
    this.assertCanSend("rpc", dest, body);
    const timeoutMs = options.timeoutMs ?? DEFAULT_RPC_TIMEOUT_MS;
    if (!(timeoutMs > 0)) throw new RangeError(`rpc timeoutMs must be > 0, got ${timeoutMs}`);
    if (this.lifecycle === "closed") return NEVER_SETTLES;
    const msgId = this.nextMsgId++;
    const request = withField(body, "msg_id", msgId);
    const entry: PendingRpc = { dest, resolve: noop, reject: noop, cancelTimeout: noop };
    try {
      const reply = new Promise<GenericBody>((resolve, reject) => {
        entry.resolve = resolve;
        entry.reject = reject;
      });
      entry.cancelTimeout = this.clock.after(timeoutMs, () =>
        entry.reject(new RPCError(ErrorCode.Timeout, `rpc ${body.type} to ${dest} timed out after ${timeoutMs} ms`)),
      );
      this.pending.set(msgId, entry);
      this.writeMessage(this.nodeId!, dest, request);
      return (await reply) as ReplyBody<P, T> & BaseBody;
    } finally {
      this.pending.delete(msgId);
      entry.cancelTimeout();
    }
  }

  /**
   * Calls `fn` every `periodMs` from init until stdin closes; returns a function that stops
   * it. If an async `fn` is still running when the next tick is due, that tick is skipped.
   * Errors are logged and the timer keeps going.
   */
  every(periodMs: number, fn: () => unknown): () => void {
    if (!(periodMs > 0) || !Number.isFinite(periodMs))
      throw new RangeError(`every() needs periodMs > 0, got ${periodMs}`);
    const task: PeriodicTask = { periodMs, fn, cancel: undefined, running: false };
    if (this.lifecycle === "closed") return () => {};
    this.periodicTasks.add(task);
    if (this.lifecycle === "running") this.startTask(task);
    return () => this.stopTask(task);
  }

  /** Writes a log line to stderr (never stdout). */
  log(...parts: unknown[]): void {
    this.logSink(parts.map((part) => (typeof part === "string" ? part : safeStringify(part))).join(" "));
  }

  /**
   * Serves messages until stdin closes, then stops every timer and resolves. On the real
   * stdin it also logs (instead of dying on) unhandled rejections and uncaught exceptions,
   * e.g. an rpc whose promise nobody awaited: a node that exits aborts the whole Maelstrom run.
   */
  async run(): Promise<void> {
    if (this.runStarted) throw new Error("node.run() called twice");
    this.runStarted = true;
    if (this.ownsProcess) this.keepProcessAlive();
    for await (const chunk of this.input) {
      this.splitter.push(chunk);
      this.flush();
    }
    // A last line without `\n` still counts (Maelstrom never sends one).
    const tail = this.splitter.end();
    if (tail.trim().length > 0) this.line(tail);
    this.close();
  }

  // --- input --------------------------------------------------------------------------

  /** @internal One input line (LineSplitter callback). Never throws: bad input is logged. */
  line(text: string): void {
    if (text.length === 0) return;
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch (error) {
      this.logSink(`malformed input (invalid JSON: ${(error as Error).message}): ${preview(text)}`);
      return;
    }
    try {
      this.receive(message, text);
    } catch (error) {
      // A bug in the runtime itself; the node must still keep serving.
      this.logSink(`internal error handling ${preview(text)}: ${(error as Error)?.stack ?? error}`);
    }
  }

  /** @internal A line too long to keep was dropped (LineSplitter callback). */
  oversizeLine(start: string, lengthChars: number): void {
    this.logSink(`malformed input (line over ${lengthChars} chars dropped): ${start}…`);
  }

  private receive(raw: unknown, text: string): void {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      this.logSink(`malformed input (not a JSON object): ${preview(text)}`);
      return;
    }
    const message = raw as Message;
    const body = message.body as GenericBody | undefined;
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      this.logSink(`malformed input (body is not an object): ${preview(text)}`);
      return;
    }
    const inReplyTo = body.in_reply_to;
    if (inReplyTo !== undefined && inReplyTo !== null) {
      this.receiveReply(message, inReplyTo, text);
      return;
    }
    const msgId = body.msg_id;
    if (msgId !== undefined && msgId !== null && !Number.isInteger(msgId)) {
      this.logSink(`malformed input (msg_id is not an integer): ${preview(text)}`);
      return;
    }
    const type = body.type;
    if (typeof type !== "string" || typeof message.src !== "string" || typeof message.dest !== "string") {
      this.logSink(`malformed input (needs string src, dest and body.type): ${preview(text)}`);
      this.replyError(
        message,
        new RPCError(ErrorCode.MalformedRequest, "message needs string src, dest and body.type"),
      );
      return;
    }
    if (type === "init") {
      this.receiveInit(message, text);
      return;
    }
    const handler = this.handlers.get(type);
    if (handler === undefined) {
      this.logSink(`no handler for type ${JSON.stringify(type)}: ${preview(text)}`);
      this.replyError(message, new RPCError(ErrorCode.NotSupported, `no handler for ${type}`));
      return;
    }
    if (this.lifecycle !== "running") {
      this.logSink(`message before init: ${preview(text)}`);
      this.replyError(message, new RPCError(ErrorCode.TemporarilyUnavailable, "node not initialised yet"));
      return;
    }
    if (this.firstRequestCallbacks.length > 0) {
      for (const callback of this.firstRequestCallbacks.splice(0)) this.runInBackground("onFirstRequest", callback);
    }
    this.dispatch(handler, message);
  }

  /** Runs a handler. Synchronous results are replied to here, without a promise or closure. */
  private dispatch(handler: AnyHandler, message: Message): void {
    let result: unknown;
    try {
      result = handler(message);
    } catch (error) {
      this.replyError(message, error);
      return;
    }
    if (result === undefined) return;
    if (typeof (result as Promise<unknown>)?.then === "function") {
      (result as Promise<unknown>).then(
        (reply) => this.reply(message, reply),
        (error) => this.replyError(message, error),
      );
      return;
    }
    this.reply(message, result);
  }

  private receiveReply(message: Message, inReplyTo: unknown, text: string): void {
    const pending = typeof inReplyTo === "number" ? this.pending.get(inReplyTo) : undefined;
    if (pending === undefined || pending.dest !== message.src) {
      // A late reply (after its rpc timed out) or one to a send(): nobody waits for it. Logged
      // sparingly: a protocol that acks its sends could produce thousands.
      this.droppedReplies++;
      if (
        this.droppedReplies <= DROPPED_REPLIES_LOGGED_IN_FULL ||
        this.droppedReplies % DROPPED_REPLIES_LOG_EVERY === 0
      ) {
        this.logSink(`dropped reply with no pending rpc (${this.droppedReplies} so far): ${preview(text)}`);
      }
      return;
    }
    const body = message.body;
    if (body.type === "error") pending.reject(rpcErrorFromBody(body));
    else pending.resolve(body);
  }

  private receiveInit(message: Message, text: string): void {
    const body = message.body;
    if (this.nodeId !== undefined) {
      this.logSink(`second init ignored (already ${this.nodeId}): ${preview(text)}`);
      this.replyError(message, new RPCError(ErrorCode.Abort, `already initialised as ${this.nodeId}`));
      return;
    }
    const nodeIds = body.node_ids;
    if (
      typeof body.node_id !== "string" ||
      !Array.isArray(nodeIds) ||
      !nodeIds.every((id) => typeof id === "string") ||
      !nodeIds.includes(body.node_id)
    ) {
      this.logSink(`malformed init: ${preview(text)}`);
      this.replyError(
        message,
        new RPCError(ErrorCode.MalformedRequest, "init needs node_id (a string) within node_ids (strings)"),
      );
      return;
    }
    this.nodeId = body.node_id;
    this.allNodeIds = Object.freeze([...(nodeIds as string[])]);
    this.peerIds = Object.freeze(this.allNodeIds.filter((id) => id !== this.nodeId));
    this.lifecycle = "running";
    this.reply(message, { type: "init_ok" });
    for (const task of this.periodicTasks) this.startTask(task);
    for (const callback of this.initCallbacks) this.runInBackground("onInit", callback);
  }

  // --- output -------------------------------------------------------------------------

  /** Sends a handler's result as the reply to `request`; nothing if it cannot be replied to. */
  private reply(request: Message, result: unknown): void {
    if (result === undefined || result === null) return;
    if (typeof result !== "object" || Array.isArray(result) || typeof (result as BaseBody).type !== "string") {
      this.replyError(
        request,
        new Error(`handler for ${request.body.type} returned ${safeStringify(result)}, not a body with a string type`),
      );
      return;
    }
    const msgId = request.body.msg_id;
    if (typeof msgId !== "number") {
      this.noteUnrepliable(request);
      return;
    }
    try {
      this.writeMessage(this.replySource(request), request.src, withField(result, "in_reply_to", msgId));
    } catch (error) {
      // The body cannot be serialised (a BigInt, a cycle): a bug in the handler.
      this.replyError(request, error);
    }
  }

  /** Sends an error reply (RPCError as is, anything else as 13 and logged), if the request can have one. */
  private replyError(request: Message, error: unknown): void {
    const rpcError = error instanceof RPCError ? error : undefined;
    if (rpcError === undefined) {
      this.logSink(
        `handler for ${safeStringify(request.body?.type)} crashed: ${(error as Error)?.stack ?? safeStringify(error)}`,
      );
    }
    const msgId = request.body?.msg_id;
    if (typeof msgId !== "number" || !Number.isInteger(msgId) || typeof request.src !== "string") return;
    const body = rpcError
      ? rpcError.toBody()
      : { type: "error", code: ErrorCode.Crash, text: String((error as Error)?.message ?? error) };
    this.writeMessage(this.replySource(request), request.src, withField(body, "in_reply_to", msgId));
  }

  /** A reply to a message without msg_id would confuse its sender: drop it, and say so once per type. */
  private noteUnrepliable(request: Message): void {
    const type = String(request.body.type);
    if (this.unrepliedTypes.has(type)) return;
    this.unrepliedTypes.add(type);
    this.logSink(`handler for ${type} returned a reply but the message had no msg_id; not replying (logged once)`);
  }

  /** Before init the node has no id yet: an (error) reply then comes from whom the request was addressed to. */
  private replySource(request: Message): string {
    return this.nodeId ?? (typeof request.dest === "string" ? request.dest : "");
  }

  /**
   * Queues one output line: the envelope has exactly src, dest and body, serialised in one
   * JSON.stringify. The buffer goes out at the end of the input chunk, or in a microtask for
   * output made by timers and promises. Throws (queuing nothing) if the body cannot be serialised.
   */
  private writeMessage(src: string, dest: string, body: object): void {
    const line = JSON.stringify({ src, dest, body });
    this.outLines.push(line);
    this.outChars += line.length;
    if (this.outChars > MAX_BUFFERED_OUTPUT_CHARS) this.flush();
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(this.flushBound);
    }
  }

  /** Hands buffered lines to the output in one write. */
  private flush(): void {
    this.flushScheduled = false;
    if (this.outLines.length === 0) return;
    // One join is cheaper than growing a string line by line.
    const text = `${this.outLines.join("\n")}\n`;
    this.outLines = [];
    this.outChars = 0;
    this.output(text);
  }

  // --- timers and shutdown --------------------------------------------------------------

  private startTask(task: PeriodicTask): void {
    task.cancel = every(this.clock, task.periodMs, () => this.tick(task));
  }

  private stopTask(task: PeriodicTask): void {
    task.cancel?.();
    task.cancel = undefined;
    this.periodicTasks.delete(task);
  }

  private tick(task: PeriodicTask): void {
    if (task.running) return;
    let result: unknown;
    try {
      result = task.fn();
    } catch (error) {
      this.logSink(`every(${task.periodMs}) task failed: ${(error as Error)?.stack ?? error}`);
      return;
    }
    if (typeof (result as Promise<unknown>)?.then !== "function") return;
    task.running = true;
    (result as Promise<unknown>).then(
      () => (task.running = false),
      (error) => {
        task.running = false;
        this.logSink(`every(${task.periodMs}) task failed: ${(error as Error)?.stack ?? error}`);
      },
    );
  }

  private keepProcessAlive(): void {
    process.on("unhandledRejection", (reason) => {
      this.logSink(`unhandled rejection, node keeps running: ${(reason as Error)?.stack ?? safeStringify(reason)}`);
    });
    process.on("uncaughtException", (error) => {
      this.logSink(`uncaught exception, node keeps running: ${error?.stack ?? safeStringify(error)}`);
    });
  }

  private runInBackground(what: string, fn: () => unknown): void {
    try {
      const result = fn();
      if (typeof (result as Promise<unknown>)?.then === "function") {
        (result as Promise<unknown>).catch((error) =>
          this.logSink(`${what} failed: ${(error as Error)?.stack ?? error}`),
        );
      }
    } catch (error) {
      this.logSink(`${what} failed: ${(error as Error)?.stack ?? error}`);
    }
  }

  /** stdin ended: stop all timers and pending rpc timeouts so the process can exit. */
  private close(): void {
    this.lifecycle = "closed";
    for (const task of [...this.periodicTasks]) this.stopTask(task);
    // Pending rpcs never settle now; their timers must not keep the process alive.
    for (const entry of this.pending.values()) entry.cancelTimeout();
    this.pending.clear();
    this.flush();
  }

  private assertCanSend(what: string, dest: string, body: BaseBody): void {
    if (this.nodeId === undefined) {
      throw new Error(
        `node.${what} before init: the node has no id yet (send from a handler, node.onInit or node.every)`,
      );
    }
    if (typeof dest !== "string")
      throw new TypeError(`node.${what}: dest must be a string, got ${safeStringify(dest)}`);
    if (typeof body !== "object" || body === null || Array.isArray(body) || typeof body.type !== "string") {
      throw new TypeError(`node.${what}: body must be an object with a string type, got ${safeStringify(body)}`);
    }
  }
}

/**
 * A shallow copy of `body` with one more field (last, replacing any earlier value). Copying
 * the few top-level fields is much cheaper than serialising and splicing, and leaves the
 * caller's object untouched (a handler may return a shared constant).
 */
function withField(body: object, key: "in_reply_to" | "msg_id", value: number): object {
  const copy: Record<string, unknown> = {};
  for (const field in body) copy[field] = (body as Record<string, unknown>)[field];
  copy[key] = value;
  return copy;
}

/** JSON.stringify for log lines: never throws. */
function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
