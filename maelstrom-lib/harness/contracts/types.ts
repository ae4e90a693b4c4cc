/**
 * The contracts between the runner's core and its workloads: history operations (Jepsen's
 * op maps), the op sources (generators), the workload clients, the checkers and their
 * explanations. Types only; no behaviour lives here.
 */
import type { Rpc } from "../../protocol/schema.ts";
import type { TestOptions } from "./options.ts";
import type { Rng } from "../primitives/rng.ts";

/** Jepsen op types: an invocation and its completion. */
export type OpType = "invoke" | "ok" | "fail" | "info";

/** A worker's process number (changes after an :info), or the nemesis. */
export type ProcessId = number | "nemesis";

/** One history entry, as Jepsen records it (history.jsonl holds one per line). */
export interface Op {
  index: number;
  /** Nanoseconds since the start of the run (Jepsen's :time). */
  time: number;
  type: OpType;
  process: ProcessId;
  f: string;
  value: unknown;
  /** For fail/info completions: `[name, text]`, `"net-timeout"`, or a description. */
  error?: unknown;
  /** Set on final-phase ops (Maelstrom's :final?). */
  final?: boolean;
  /** Set on :info completions caused by an exception (e.g. a malformed reply): its message. */
  exception?: string;
  /** The exception's class as Jepsen names it (`clojure.lang.ExceptionInfo` for Maelstrom's client errors). */
  "exception-class"?: string;
  /** The node the worker talks to (not in Jepsen's history, handy in reports). */
  node?: string;
}

/** What a generator asks a worker to do. */
export interface OpRequest {
  f: string;
  value: unknown;
  final?: boolean;
}

/** What a generator hands a worker: an op, a pause before asking again, or the end. */
export type NextOp = OpRequest | { sleepMs: number } | undefined;

/** Who is asking for an op. */
export interface WorkerInfo {
  /** Worker thread number, 0 … concurrency-1; bound to node nodeIds[thread % n]. */
  thread: number;
  /** Current process number (thread, then thread + concurrency after an :info, …). */
  process: number;
  node: string;
  /** Milliseconds since the start of this phase. */
  phaseElapsedMs: number;
}

/**
 * A source of ops. In the main phase the runner's global stagger decides *when* an op goes
 * out and `next` decides *what* it is; in the final phase each worker asks on its own.
 * `undefined` ends the phase for that worker.
 */
export interface OpSource {
  next(worker: WorkerInfo): NextOp;
  /** Sees every completion, for generators that react to results (kafka, key pools). */
  observe?(invoke: Op, completion: Op): void;
}

/** The outcome a workload client reports for one op. */
export interface Completion {
  type: "ok" | "fail" | "info";
  value: unknown;
  error?: unknown;
}

/**
 * One synchronous Maelstrom client talking to one node: at most one outstanding request.
 * `call` sends `{type: rpc.request.type, ...body}` and resolves with the reply body, or throws:
 *  - `MalformedRequest` when the request breaks its schema (then nothing is sent),
 *  - `RPCErrorReply` for a `type: "error"` reply,
 *  - `RPCTimeout` when no matching reply came within the timeout,
 *  - `MalformedReply` when the reply breaks its schema.
 */
export interface ClientConnection {
  readonly clientId: string;
  readonly node: string;
  call(rpc: Rpc, body: Record<string, unknown>, timeoutMs?: number): Promise<Record<string, unknown>>;
}

/** Per-client state and the RPCs of one workload (a new one per Maelstrom client). */
export interface WorkloadClient {
  invoke(op: OpRequest, worker: WorkerInfo): Promise<Completion>;
}

/** Validity as Jepsen merges it: false beats "unknown" beats true. */
export type Validity = true | false | "unknown";

/**
 * What any checker returns: `valid?` plus named details (keys as in Maelstrom's results.edn).
 * Each checker declares its own result type (SetFullResult, KafkaResult, …) as a type alias,
 * not an interface, so that it stays assignable to this one and a workload's `check` may return
 * it, or any `{ "valid?": …, ...details }` literal.
 */
export type CheckResult = { "valid?": Validity; "beyond-maelstrom"?: readonly BeyondMaelstromFinding[] } & Record<
  string,
  unknown
>;

/**
 * Something a check of ours found that real Maelstrom does not look for. A checker lists such
 * findings under `beyond-maelstrom` and leaves them out of its own `valid?`, which stays
 * Maelstrom's; the run reports them apart and counts them only under --strict
 * (checkers/beyond-maelstrom.ts).
 */
export type BeyondMaelstromFinding = {
  /** Which of our checks found it, e.g. "G0" of the rw-register checker. */
  check: string;
  /** One console line: what was found and why Maelstrom would not see it. */
  description: string;
  /** Cases or examples, as the checker reports them. */
  details?: unknown;
};

/** One thing a checker found, in words, with the history indices of the ops it is about. */
export interface Finding {
  text: string;
  ops: number[];
  /** Pages or files of the run folder that show it (run-folder-relative), for the report page. */
  links?: { href: string; label: string }[];
  /** Lines that show what the text names: each transaction with its operations. */
  details?: string[];
  /** A file of the run folder holding every case of this kind (`elle/G1b.txt`). */
  file?: string;
}

/**
 * A checker's not-valid result explained, before the history is read (Elle's analyzers return
 * their explainer with their graph; Porcupine's model describes its own operations): the summary
 * at once; `visit`, when the explanation needs the history (times and nodes results.json leaves
 * out), is fed every op in order, streamed, never whole; `findings` is called after that.
 */
export interface ExplanationDraft {
  /** One line: what went wrong, with counts. */
  summary: string;
  visit?: (op: Op) => void;
  findings(): Finding[];
}

/**
 * Files a checker makes for the run folder (Jepsen's checkers write theirs into the store), by
 * path relative to the folder: the checker adds them and stays pure; the store writes them.
 */
export type RunFiles = Map<string, string>;

/** What any checker can look at besides the history. */
export interface CheckContext {
  opts: TestOptions;
  /** The run's folder (list-append still writes its Elle files there itself); undefined in unit tests. */
  runDir?: string;
  /** Where a checker puts the files it makes for the run folder; undefined when there is no folder (unit tests). */
  files?: RunFiles;
}

/** Everything a workload needs to build its generators and clients. */
export interface WorkloadContext {
  opts: TestOptions;
  rng: Rng;
}

/**
 * One Maelstrom workload: its clients, generators, checker and the checker's explainer (one file
 * each in workloads/). `R` is the checker's own result type, which its explainer reads.
 */
export interface Workload<R extends CheckResult = CheckResult> {
  name: string;
  /** Reusable clients survive an :info (Maelstrom: unique-ids, lin-kv, txn-*). */
  reusableClient: boolean;
  /** The `f` of every client op it issues; a history with any other is not this workload's. */
  fs: ReadonlySet<string>;
  /** Txn workloads: the micro-op names of their txn values (`r` and `w`, or `r` and `append`). */
  microOps?: ReadonlySet<string>;
  /** Ops whose timeouts and indefinite errors count as :fail rather than :info. */
  idempotent: ReadonlySet<string>;
  /**
   * false (g-counter, g-set, pn-counter): every error or timeout is :info, whatever its code.
   * true (default): Maelstrom's `with-errors` classification by definite/indefinite codes.
   */
  classifyErrors?: boolean;
  /** Ops the stats checker counts but whose validity it ignores (kafka: "crash", which always ends in :info). */
  statsIgnoredFs?: ReadonlySet<string>;
  /** Client RPC timeout in ms (default TIMING.clientTimeoutMs). */
  clientTimeoutMs?: number;
  /** Per-node setup through a dedicated setup client (broadcast sends topology). Throws to abort the run. */
  setup?(client: ClientConnection, ctx: WorkloadContext): Promise<void>;
  /** A new client's per-client state and RPCs. */
  newClient(connection: ClientConnection, ctx: WorkloadContext): WorkloadClient;
  /** The main phase's op source, shared by all workers. */
  generator(ctx: WorkloadContext): OpSource;
  /** The final phase (after heal + recovery), if the workload has one: each worker runs its own copy. */
  finalGenerator?(ctx: WorkloadContext): OpSource;
  /** Wall-clock cap on the final phase in ms (kafka: 10 s); none if absent. */
  finalTimeLimitMs?: number;
  /** The workload checker: a pure function of the history. */
  check(history: readonly Op[], ctx: CheckContext): R;
  /** Its checker's explainer (exported by the checker's module): why a result that is not valid is not. */
  explain(result: R): ExplanationDraft;
}
