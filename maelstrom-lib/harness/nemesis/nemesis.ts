/**
 * The nemesis (Jepsen's nemesis/combined.clj packages, as Maelstrom's nemesis.clj composes
 * them). A `Fault` is one kind of fault with a start and a stop op. A `NemesisPackage` is
 * Jepsen's package: its faults' flip-flops mixed (`gen/mix`: each op goes to one of them at
 * random) on one stagger. Maelstrom composes two packages, partition and db (kill and pause),
 * and Jepsen runs them side by side (`gen/any`) on its one nemesis thread, so their ops never
 * overlap: one op at a time here too. Every fault is stopped before the final phase (the
 * packages' final generators, in order) and undone quietly at teardown. Every op is recorded
 * as Jepsen records nemesis ops: an :info invocation and an :info completion by process
 * "nemesis".
 *
 * The partition fault picks one of four partition kinds at random and turns it into a grudge,
 * dest → sources it drops; stop heals everything. Only nodes are ever partitioned. The kill
 * and pause faults are in db-faults.ts. What the rest of the runner knows of each fault (its
 * --nemesis name, package, ops, band) is its descriptor in faults/.
 */
import { sleep, type Clock } from "../primitives/clock.ts";
import type { History } from "../contracts/history.ts";
import type { Network } from "../world/net.ts";
import { byNodeNumber } from "../primitives/node-order.ts";
import type { Rng } from "../primitives/rng.ts";

/** One nemesis op as it is about to happen: its :f and invocation :value, and the act itself. */
export interface FaultOp {
  f: string;
  /** The invocation's :value (the partition kind, the node spec; null for a stop). */
  value: unknown;
  /** Does it; returns the completion's :value (["isolated", grudge], "network-healed", node → result). */
  apply(): unknown | Promise<unknown>;
}

/** One kind of fault the nemesis injects and undoes. */
export interface Fault {
  /** The op that injects the fault (rng draws happen here, before the invocation is recorded). */
  start(): FaultOp;
  /** The op that undoes it. */
  stop(): FaultOp;
  /** Undoes it without recording anything (teardown). */
  clear(): void;
}

/** What one injected fault did, in words, for its band in the report. */
export interface FaultDescription {
  label: string;
  /** What it did as the report's table of nemesis events says it, when that differs from the label. */
  event?: string;
  /** The nodes it hit, in node order. */
  nodes: string[];
  /** False when it changed nothing (an empty grudge; nobody killed or paused). */
  effective: boolean;
}

/** Which of Jepsen's packages a fault is scheduled in: faults of one package share its schedule and rng. */
export interface PackageSpec {
  name: string;
  /** Offset of the package's rng stream from the seed (fixed, so a --seed replays its schedule whatever else runs). */
  rngStream: number;
}

/** Jepsen's package: faults whose flip-flops are mixed on one schedule, drawing from one rng. */
export interface NemesisPackage {
  faults: readonly Fault[];
  /** The package's gaps and mix choices (and, passed to its faults, their targets). */
  rng: Rng;
}

/** What the nemesis needs from the run. */
export interface NemesisEnv {
  history: History;
  clock: Clock;
  /** --nemesis-interval in ms: gaps between one package's ops are uniform in [0, 2·interval). */
  intervalMs: number;
}

export class Nemesis {
  /** The one nemesis thread: each op waits for the one before it. */
  private thread: Promise<unknown> = Promise.resolve();
  /** Ops on the thread or waiting for it. */
  private queued = 0;

  constructor(
    private readonly packages: readonly NemesisPackage[],
    private readonly env: NemesisEnv,
  ) {}

  /** The main phase: each package on its own schedule, the first op at once, until the deadline. */
  async run(deadlineMs: number, aborted: () => boolean): Promise<void> {
    await Promise.all(this.packages.map((pkg) => this.runPackage(pkg, deadlineMs, aborted)));
  }

  /** Before the final phase: one stop per fault, whatever its state (Jepsen's final generators, in order). */
  async stopAll(): Promise<void> {
    for (const pkg of this.packages) for (const fault of pkg.faults) await this.perform(fault.stop(), Infinity);
  }

  /** Teardown: every fault undone, nothing recorded. */
  clear(): void {
    for (const pkg of this.packages) for (const fault of pkg.faults) fault.clear();
  }

  /**
   * Jepsen's stagger + time-limit over a mix of flip-flops: an op is scheduled at the previous
   * op's time plus a gap (or now, if that has passed: lateness carries over, as in generator.clj
   * Stagger), goes to one of the package's faults at random (gen/mix; no draw for one fault),
   * which starts or stops by its own flip-flop; an op scheduled at or after the deadline is
   * dropped, never issued (TimeLimit), and so is one whose turn on the nemesis thread comes
   * only after it. Timers may fire early, so the wait is on the clock, not on one timer.
   */
  private async runPackage(pkg: NemesisPackage, deadlineMs: number, aborted: () => boolean): Promise<void> {
    const { clock, intervalMs } = this.env;
    const active = new Set<Fault>();
    let nextAtMs = clock.nowMs();
    for (;;) {
      const atMs = Math.max(nextAtMs, clock.nowMs());
      if (atMs >= deadlineMs) return;
      await sleepUntil(clock, atMs);
      if (aborted()) return;
      const fault = pkg.faults.length === 1 ? pkg.faults[0]! : pkg.rng.pick(pkg.faults);
      const issued = await this.perform(active.has(fault) ? fault.stop() : fault.start(), deadlineMs);
      if (!issued) return;
      if (active.has(fault)) active.delete(fault);
      else active.add(fault);
      nextAtMs = atMs + pkg.rng.float() * 2 * intervalMs;
    }
  }

  /**
   * Runs `op` on the nemesis thread; one that had to wait for another op and whose turn comes
   * at or after `deadlineMs` is dropped. True if it ran.
   */
  private perform(op: FaultOp, deadlineMs: number): Promise<boolean> {
    const { history, clock } = this.env;
    const waited = this.queued > 0;
    this.queued++;
    const turn = this.thread.then(async () => {
      if (waited && clock.nowMs() >= deadlineMs) return false;
      history.record({ type: "info", process: "nemesis", f: op.f, value: op.value });
      const result = await op.apply();
      history.record({ type: "info", process: "nemesis", f: op.f, value: result });
      return true;
    });
    this.thread = turn.catch(() => {}).finally(() => this.queued--);
    return turn;
  }
}

/** Resolves once `clock` reads at least `atMs` (a timer that fires early is slept again). */
async function sleepUntil(clock: Clock, atMs: number): Promise<void> {
  while (clock.nowMs() < atMs) await sleep(clock, atMs - clock.nowMs());
}

/** The partition fault's history ops (combined.clj's partition package). */
export const PARTITION_OPS = { start: "start-partition", stop: "stop-partition" } as const;

/** The partition fault: start cuts the network by a random grudge, stop heals it. */
export class PartitionFault implements Fault {
  constructor(
    private readonly network: Network,
    private readonly nodeIds: readonly string[],
    private readonly rng: Rng,
  ) {}

  start(): FaultOp {
    const kind = this.rng.pick(PARTITION_KINDS);
    const grudge = grudgeFor(kind, this.nodeIds, this.rng);
    return {
      f: PARTITION_OPS.start,
      value: kind,
      apply: () => {
        this.network.partition(grudge);
        return ["isolated", grudgeToJson(grudge)];
      },
    };
  }

  stop(): FaultOp {
    return {
      f: PARTITION_OPS.stop,
      value: null,
      apply: () => {
        this.network.heal();
        return "network-healed";
      },
    };
  }

  clear(): void {
    this.network.heal();
  }
}

/** The partition kinds Maelstrom's nemesis chooses from. */
export type PartitionKind = "one" | "minority-third" | "majority" | "majorities-ring";

export const PARTITION_KINDS: readonly PartitionKind[] = ["one", "minority-third", "majority", "majorities-ring"];

/** dest → the sources whose messages it drops. */
export type Grudge = Map<string, Set<string>>;

/** A grudge that cuts every link between different components, both ways. */
export function completeGrudge(components: readonly (readonly string[])[]): Grudge {
  const grudge: Grudge = new Map();
  for (const component of components) {
    const others = components.filter((c) => c !== component).flat();
    for (const node of component) grudge.set(node, new Set(others));
  }
  return grudge;
}

/** The smallest number of nodes that is a majority of n (jepsen.util/majority). */
export function majority(n: number): number {
  return Math.floor(n / 2) + 1;
}

/** The largest number strictly under a third of n (jepsen.util/minority-third). */
export function minorityThird(n: number): number {
  return Math.floor((n - 1) / 3);
}

/**
 * Every node sees a majority, but no two see the same one: walk a shuffled ring in windows of
 * a majority; the middle node of each window keeps only that window (Jepsen's
 * majorities-ring-perfect; Jepsen switches to a stochastic variant above 5 nodes, which has the
 * same property and which we do not copy).
 */
export function majoritiesRing(nodes: readonly string[], rng: Rng): Grudge {
  const grudge: Grudge = new Map();
  const n = nodes.length;
  const windowSize = majority(n);
  const ring = rng.shuffle(nodes);
  for (let start = 0; start < n; start++) {
    const window = Array.from({ length: windowSize }, (_, i) => ring[(start + i) % n]!);
    const middle = window[Math.floor(windowSize / 2)]!;
    grudge.set(middle, new Set(nodes.filter((node) => !window.includes(node))));
  }
  return grudge;
}

/** The grudge for one partition of `kind` over `nodes`; empty when the kind cannot split them. */
export function grudgeFor(kind: PartitionKind, nodes: readonly string[], rng: Rng): Grudge {
  const shuffled = rng.shuffle(nodes);
  switch (kind) {
    case "one":
      return nodes.length < 2 ? new Map() : completeGrudge([shuffled.slice(0, 1), shuffled.slice(1)]);
    case "minority-third": {
      const size = minorityThird(nodes.length);
      return size === 0 ? new Map() : completeGrudge([shuffled.slice(0, size), shuffled.slice(size)]);
    }
    case "majority": {
      const size = Math.floor(nodes.length / 2);
      return size === 0 ? new Map() : completeGrudge([shuffled.slice(0, size), shuffled.slice(size)]);
    }
    case "majorities-ring":
      return nodes.length <= 2 ? new Map() : majoritiesRing(nodes, rng);
  }
}

/** A grudge as JSON (for the history): dest → sorted sources. */
export function grudgeToJson(grudge: Grudge): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [dest, sources] of grudge) if (sources.size > 0) out[dest] = [...sources].sort(byNodeNumber);
  return out;
}
