/**
 * Wing & Gong's linearizability search with Lowe's just-in-time linearization and a cache of
 * visited configurations, as Knossos' wgl.clj and Porcupine's checker.go implement it.
 *
 * The history is a doubly linked list of call and return events. From the head, the search
 * tries each call in turn: if the model allows it, the op is linearized (its call and return
 * leave the list) and the scan restarts from the head; reaching a return means that op can no
 * longer be placed, so the search backtracks to the last choice. A configuration (the set of
 * linearized ops plus the model state) seen before is not explored twice. Crashed ops have no
 * return: they may be linearized at any point after their call, or never. Reaching the end of
 * the list means every ok op has been linearized. One pruning beyond Knossos and Porcupine: an
 * op that never changes the state (a read, a cas from x to x) and is allowed now is placed now
 * without a choice point, since it could always be moved to now (see `run`).
 *
 * Like Porcupine (checker.go keeps the longest linearizable prefix per op), the search also keeps
 * the longest partial linearizations it reached before a dead end, for the report to draw: a
 * few, each a reference into the stack (the stack is a persistent list, so keeping one is O(1)).
 *
 * Configurations are kept compactly (why this is fast and small): ok ops are numbered in call
 * order, so a linearized set is "every ok op below `low`", a short window of words up to the
 * highest linearized ok op `high`, and the crashed ops' bits. Its hash is kept incrementally
 * (Zobrist: one random word per op, XORed in and out).
 */
import type { KeyHistory } from "./history.ts";
import { compile, INCONSISTENT, isReadOnly, NIL_STATE, step, type CompiledModel } from "./model.ts";

/** How long and how big a search may get before it answers "unknown". */
export interface SearchBounds {
  /** performance.now() after which the search gives up (cause "timeout"). */
  deadline: number;
  /** Most configurations to remember (cause "out-of-memory", as Knossos aborts on low memory). */
  maxConfigs: number;
}

/** A configuration the search reached: model state and the ops linearized so far. */
export interface Configuration {
  state: number;
  /** The op linearized last to get here (-1: none). */
  lastOp: number;
  linearized(op: number): boolean;
}

/**
 * A dead end of the search: ops linearized in this order (model state `state` after them),
 * when the next event was the return of `blocked`, which none of the possible next steps
 * could get linearized before.
 */
export interface PartialLinearization {
  ops: number[];
  state: number;
  blocked: number;
}

export type SearchOutcome =
  | { valid: true; configs: number }
  | { valid: "unknown"; cause: "timeout" | "out-of-memory"; configs: number }
  | { valid: false; configs: number; failedOp: number; furthest: Configuration[]; partials: PartialLinearization[] };

/** How many of the configurations that got furthest are kept for the failure report. */
const FURTHEST_KEPT = 32;
/** How many of the longest partial linearizations are kept for the picture. */
const PARTIALS_KEPT = 4;

/** One choice on the stack; `below` links to the one under it, so a kept top holds its whole path. */
interface Choice {
  op: number;
  state: number;
  low: number;
  high: number;
  forced: boolean;
  depth: number;
  below: Choice | undefined;
  /** On the path of a kept dead end: a dead end here is a prefix of it. */
  onKeptPath: boolean;
}

/** A kept dead end before its ops are read out of the stack. */
interface DeadEnd {
  top: Choice | undefined;
  depth: number;
  state: number;
  blocked: number;
}
/** How often (loop iterations) the clock is read. */
const CLOCK_EVERY = 4096;

/** Searches one key's history against the cas-register model. */
export function searchKey(history: KeyHistory, bounds: SearchBounds): SearchOutcome & { model: CompiledModel } {
  const model = compile(history.ops);
  return { ...new Search(history, model).run(bounds), model };
}

class Search {
  private readonly okCount: number;
  private readonly infoWords: number;
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  /** Per list node: op id for a call node, ~op id for a return node. */
  private readonly event: Int32Array;
  private readonly callNode: Int32Array;
  /** Per op: its return node, or 0 for a crashed op. */
  private readonly returnNode: Int32Array;
  private readonly zobrist: Int32Array;
  private readonly okBits: Uint32Array;
  private readonly infoBits: Uint32Array;
  private readonly cache = new Map<number, Uint32Array[]>();
  private cacheSize = 0;
  private low = 0;
  private high = -1;
  private hash = 0;
  private furthestLow = 0;
  private furthest: Configuration[] = [];
  private readonly tail: number;
  private state = NIL_STATE;
  /** The last choice made (the stack's top), to undo on backtracking. */
  private top: Choice | undefined;
  /** The longest dead ends so far, longest first. */
  private readonly deadEnds: DeadEnd[] = [];

  constructor(
    history: KeyHistory,
    private readonly model: CompiledModel,
  ) {
    const n = history.ops.length;
    const nodes = history.events.length + 2;
    this.okCount = history.okCount;
    this.infoWords = Math.ceil((n - history.okCount) / 32);
    this.okBits = new Uint32Array(Math.ceil(history.okCount / 32) + 1);
    this.infoBits = new Uint32Array(this.infoWords);
    this.next = new Int32Array(nodes);
    this.prev = new Int32Array(nodes);
    this.event = new Int32Array(nodes);
    this.callNode = new Int32Array(n);
    this.returnNode = new Int32Array(n);
    this.tail = nodes - 1;
    history.events.forEach((event, i) => {
      const node = i + 1;
      this.event[node] = event;
      if (event >= 0) this.callNode[event] = node;
      else this.returnNode[~event] = node;
    });
    for (let node = 0; node < nodes; node++) {
      this.next[node] = node + 1;
      this.prev[node] = node - 1;
    }
    this.zobrist = new Int32Array(n);
    let seed = 0x2545f491;
    for (let i = 0; i < n; i++) {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      this.zobrist[i] = seed;
    }
    this.furthest.push(this.snapshot(NIL_STATE, -1));
  }

  run(bounds: SearchBounds): SearchOutcome {
    let entry = this.next[0]!;
    for (let iteration = 1; ; iteration++) {
      if (iteration % CLOCK_EVERY === 0 && performance.now() > bounds.deadline) {
        return { valid: "unknown", cause: "timeout", configs: this.cacheSize };
      }
      if (entry === this.tail) return { valid: true, configs: this.cacheSize };
      const event = this.event[entry]!;
      if (event < 0) {
        // A return: its op could not be placed in this branch; undo the last choice.
        this.keepDeadEnd(~event);
        entry = this.backtrack();
        if (entry < 0) return this.invalid();
        continue;
      }
      const after = step(this.model, this.state, event);
      if (after === INCONSISTENT) {
        entry = this.next[entry]!;
        continue;
      }
      // An op that never changes the state (a read, a cas from x to x) and is allowed now can
      // always move to now, the earliest point it may take effect: if no linearization starts
      // with it here, none from here exists at all, so it is not a choice to come back to.
      // (A write of the value already there is no such op: later, it may change the state.)
      const forced = isReadOnly(this.model, event);
      const low = this.low;
      const high = this.high;
      this.mark(event, true);
      if (!this.remember(after, event)) {
        this.mark(event, false);
        this.low = low;
        this.high = high;
        entry = forced ? this.backtrack() : this.next[entry]!;
        if (entry < 0) return this.invalid();
        continue;
      }
      const depth = (this.top?.depth ?? 0) + 1;
      this.top = { op: event, state: this.state, low, high, forced, depth, below: this.top, onKeptPath: false };
      this.state = after;
      this.lift(event);
      if (this.cacheSize > bounds.maxConfigs)
        return { valid: "unknown", cause: "out-of-memory", configs: this.cacheSize };
      entry = this.next[0]!;
    }
  }

  /**
   * Undoes choices back to the last one with an alternative (not forced), and returns the list
   * node to try next in its place; -1 when there is nothing left to undo.
   */
  private backtrack(): number {
    for (;;) {
      const choice = this.top;
      if (!choice) return -1;
      this.top = choice.below;
      this.state = choice.state;
      this.mark(choice.op, false);
      this.low = choice.low;
      this.high = choice.high;
      this.unlift(choice.op);
      if (!choice.forced) return this.next[this.callNode[choice.op]!]!;
    }
  }

  private invalid(): SearchOutcome {
    const partials = this.deadEnds.map(({ top, depth, state, blocked }) => {
      const ops = new Array<number>(depth);
      for (let choice = top; choice; choice = choice.below) ops[choice.depth - 1] = choice.op;
      return { ops, state, blocked };
    });
    return { valid: false, configs: this.cacheSize, failedOp: this.furthestLow, furthest: this.furthest, partials };
  }

  /**
   * Keeps the current path if it is among the longest dead ends (ties: the first found stays)
   * and is no prefix of one kept: as with Porcupine's longest prefix per op, a path that a
   * longer one continues shows nothing the longer one does not. (A choice marked as on a kept
   * path may be on one since dropped; such a path was shorter than every kept one, and so is
   * any prefix of it.)
   */
  private keepDeadEnd(blocked: number): void {
    const top = this.top;
    const depth = top?.depth ?? 0;
    const kept = this.deadEnds;
    if (kept.length === PARTIALS_KEPT && depth <= kept[kept.length - 1]!.depth) return;
    if (top ? top.onKeptPath : kept.length > 0) return;
    let at = kept.length;
    while (at > 0 && kept[at - 1]!.depth < depth) at--;
    kept.splice(at, 0, { top, depth, state: this.state, blocked });
    if (kept.length > PARTIALS_KEPT) kept.pop();
    for (let choice = top; choice && !choice.onKeptPath; choice = choice.below) choice.onKeptPath = true;
  }

  /** Sets or clears op's bit and the hash; on set, moves `low` and `high` forward as needed. */
  private mark(op: number, on: boolean): void {
    this.hash ^= this.zobrist[op]!;
    if (op >= this.okCount) {
      const bit = op - this.okCount;
      this.infoBits[bit >>> 5]! ^= 1 << (bit & 31);
      return;
    }
    this.okBits[op >>> 5]! ^= 1 << (op & 31);
    if (!on) return;
    if (op > this.high) this.high = op;
    if (op === this.low) {
      let low = op + 1;
      while (low < this.okCount && (this.okBits[low >>> 5]! & (1 << (low & 31))) !== 0) low++;
      this.low = low;
    }
  }

  /** Adds the current configuration (with `state`) to the cache; false if it was there. */
  private remember(state: number, lastOp: number): boolean {
    const hash = (this.hash ^ Math.imul(state + 1, 0x9e3779b1)) | 0;
    let bucket = this.cache.get(hash);
    if (bucket) {
      for (const key of bucket) if (this.matches(key, state)) return false;
    } else {
      bucket = [];
      this.cache.set(hash, bucket);
    }
    const key = this.encode(state);
    bucket.push(key);
    this.cacheSize++;
    if (this.low > this.furthestLow) {
      this.furthestLow = this.low;
      this.furthest = [];
    }
    if (this.low === this.furthestLow && this.furthest.length < FURTHEST_KEPT)
      this.furthest.push(this.decode(key, lastOp));
    return true;
  }

  private windowWords(): number {
    return this.high > this.low ? (this.high >>> 5) - (this.low >>> 5) + 1 : 0;
  }

  /** The configuration as words: state, low, high+1, the ok window, the crashed ops' bits. */
  private encode(state: number): Uint32Array {
    const window = this.windowWords();
    const key = new Uint32Array(3 + window + this.infoWords);
    key[0] = state;
    key[1] = this.low;
    key[2] = this.high + 1;
    key.set(this.okBits.subarray(this.low >>> 5, (this.low >>> 5) + window), 3);
    key.set(this.infoBits, 3 + window);
    return key;
  }

  private matches(key: Uint32Array, state: number): boolean {
    if (key[0] !== state || key[1] !== this.low || key[2] !== this.high + 1) return false;
    const window = this.windowWords();
    const first = this.low >>> 5;
    for (let w = 0; w < window; w++) if (key[3 + w] !== this.okBits[first + w]) return false;
    for (let w = 0; w < this.infoWords; w++) if (key[3 + window + w] !== this.infoBits[w]) return false;
    return true;
  }

  private snapshot(state: number, lastOp: number): Configuration {
    return this.decode(this.encode(state), lastOp);
  }

  /** A stored key as a Configuration (for the failure report only). */
  private decode(key: Uint32Array, lastOp: number): Configuration {
    const okCount = this.okCount;
    const low = key[1]!;
    const high = key[2]! - 1;
    const window = high > low ? (high >>> 5) - (low >>> 5) + 1 : 0;
    return {
      state: key[0]!,
      lastOp,
      linearized(op: number): boolean {
        if (op >= okCount) {
          const bit = op - okCount;
          return (key[3 + window + (bit >>> 5)]! & (1 << (bit & 31))) !== 0;
        }
        if (op < low) return true;
        if (op > high) return false;
        return (key[3 + (op >>> 5) - (low >>> 5)]! & (1 << (op & 31))) !== 0;
      },
    };
  }

  /** Takes op's call (and return, if it has one) out of the list. */
  private lift(op: number): void {
    this.unlink(this.callNode[op]!);
    const ret = this.returnNode[op]!;
    if (ret !== 0) this.unlink(ret);
  }

  /** Puts them back, in the reverse order (the list is restored exactly, LIFO). */
  private unlift(op: number): void {
    const ret = this.returnNode[op]!;
    if (ret !== 0) this.relink(ret);
    this.relink(this.callNode[op]!);
  }

  private unlink(node: number): void {
    this.next[this.prev[node]!] = this.next[node]!;
    this.prev[this.next[node]!] = this.prev[node]!;
  }

  private relink(node: number): void {
    this.next[this.prev[node]!] = node;
    this.prev[this.next[node]!] = node;
  }
}
