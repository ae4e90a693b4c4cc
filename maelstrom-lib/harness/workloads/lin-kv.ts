/**
 * The lin-kv workload (Maelstrom's `workload/lin_kv.clj` on Jepsen's
 * `tests/linearizable_register.clj`): clients read, write and compare-and-set single keys of
 * a key-value store, and Knossos' linearizability check judges each key against a
 * compare-and-set register (checkers/linearizable/).
 *
 * Keys are worked on by groups of 2n threads (n = node count), Jepsen's independent
 * concurrent generator: in each group the first n threads only read, the others mix writes
 * and cases 1:2, values 0…4. A key is retired once more than 20 distinct processes have worked
 * on it (`gen/process-limit`; each :info gives its thread a new process), and the group moves
 * to the next unused key. Maelstrom sets no per-key op limit, so without crashes each group
 * keeps its first key for the whole run.
 */
import { explainLinearizable } from "../checkers/linearizable/explain.ts";
import { checkLinearizable, type LinearizableResult } from "../checkers/linearizable/index.ts";
import { CAS, READ, WRITE } from "../../protocol/lin-kv.ts";
import type { Op, OpRequest, OpSource, WorkerInfo, Workload } from "../contracts/types.ts";
import type { Rng } from "../primitives/rng.ts";

/** linearizable_register.clj: `(gen/process-limit (:process-limit opts 20))`. */
export const PROCESS_LIMIT = 20;
/** linearizable_register.clj: values are `(rand-int 5)`. */
const VALUES = 5;
/** lin_kv.clj: the client timeout is `max(10 × mean latency, 1000)` ms. */
const MIN_TIMEOUT_MS = 1000;

/**
 * Why `concurrency` workers cannot run lin-kv on `nodeCount` nodes, or undefined when they can.
 * Each key is worked by a group of 2n threads (linearizable_register.clj's
 * `(independent/concurrent-generator (* 2 n) ...)`), and Jepsen's independent.clj asserts the
 * thread count is at least one group and a whole number of groups.
 */
export function concurrencyProblem(nodeCount: number, concurrency: number): string | undefined {
  const groupSize = 2 * nodeCount;
  if (concurrency >= groupSize && concurrency % groupSize === 0) return undefined;
  const nodes = `${nodeCount} node${nodeCount === 1 ? "" : "s"}`;
  return (
    `lin-kv works each key with 2 threads per node, so --concurrency must be a multiple of ${groupSize} ` +
    `(2n for ${nodes}), as Jepsen's independent generator asserts; it is ${concurrency}`
  );
}

/** One group of threads and the key it is working on. */
interface Group {
  key: number;
  /** Every process any of the group's threads has had while on this key (Jepsen's `all-processes`). */
  processes: Set<number>;
}

/**
 * Jepsen's `independent/concurrent-generator` with `gen/reserve n reads (gen/mix [w cas cas])`
 * and `gen/process-limit 20` inside, keyed by 0, 1, 2, … The concurrency must be a positive
 * multiple of 2n, as Jepsen asserts.
 */
export class IndependentRegisterOps implements OpSource {
  private readonly groupSize: number;
  private readonly groups: Group[];
  /** Each thread's current process (its thread number until its first :info). */
  private readonly processOf: number[];
  private nextKey: number;

  constructor(
    private readonly rng: Rng,
    private readonly nodeCount: number,
    private readonly concurrency: number,
  ) {
    this.groupSize = 2 * nodeCount;
    // The command line refuses this before any node starts (cli.ts); this guards other callers.
    const problem = concurrencyProblem(nodeCount, concurrency);
    if (problem) throw new Error(problem);
    this.processOf = Array.from({ length: concurrency }, (_, thread) => thread);
    const groupCount = concurrency / this.groupSize;
    this.groups = Array.from({ length: groupCount }, (_, g) => ({ key: g, processes: this.currentProcesses(g) }));
    this.nextKey = groupCount;
  }

  next(worker: WorkerInfo): OpRequest | undefined {
    const g = Math.floor(worker.thread / this.groupSize);
    const group = this.groups[g]!;
    if (group.processes.size > PROCESS_LIMIT) {
      group.key = this.nextKey++;
      group.processes = this.currentProcesses(g);
      // With more than 20 threads per key (over 10 nodes) Jepsen's process limit never lets an
      // op through and its generator spins through keys forever; we end the phase instead.
      if (group.processes.size > PROCESS_LIMIT) return undefined;
    }
    const key = group.key;
    if (worker.thread % this.groupSize < this.nodeCount) return { f: "read", value: [key, null] };
    if (this.rng.int(0, 3) === 0) return { f: "write", value: [key, this.rng.int(0, VALUES)] };
    return { f: "cas", value: [key, [this.rng.int(0, VALUES), this.rng.int(0, VALUES)]] };
  }

  /** An :info gives the thread a new process (old + concurrency), which counts against the key at once. */
  observe(_invoke: Op, completion: Op): void {
    if (completion.type !== "info" || typeof completion.process !== "number") return;
    const thread = completion.process % this.concurrency;
    const process = completion.process + this.concurrency;
    this.processOf[thread] = process;
    this.groups[Math.floor(thread / this.groupSize)]!.processes.add(process);
  }

  private currentProcesses(group: number): Set<number> {
    return new Set(this.processOf.slice(group * this.groupSize, (group + 1) * this.groupSize));
  }
}

const linKv: Workload<LinearizableResult> = {
  name: "lin-kv",
  fs: new Set(["read", "write", "cas"]),
  reusableClient: true,
  idempotent: new Set(["read"]),
  newClient: (connection, { opts }) => {
    const timeoutMs = Math.max(10 * opts.latencyMs, MIN_TIMEOUT_MS);
    return {
      async invoke(op) {
        const [key, value] = op.value as [unknown, unknown];
        switch (op.f) {
          case "read": {
            const reply = await connection.call(READ, { key }, timeoutMs);
            return { type: "ok", value: [key, reply.value] };
          }
          case "write":
            await connection.call(WRITE, { key, value }, timeoutMs);
            return { type: "ok", value: op.value };
          case "cas": {
            const [from, to] = value as [unknown, unknown];
            await connection.call(CAS, { key, from, to }, timeoutMs);
            return { type: "ok", value: op.value };
          }
          default:
            throw new Error(`lin-kv: unknown op ${op.f}`);
        }
      },
    };
  },
  generator: ({ rng, opts }) => new IndependentRegisterOps(rng, opts.nodeIds.length, opts.concurrency),
  check: (history, { files }) => checkLinearizable(history, { files }),
  explain: explainLinearizable,
};

export default linKv;
