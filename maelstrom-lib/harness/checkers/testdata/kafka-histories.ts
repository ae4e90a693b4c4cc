/**
 * Builds kafka histories by hand (for checker tests) or at scale (for the checker benchmark),
 * in exactly the shapes the kafka workload client records.
 */
import type { Op, OpType } from "../../contracts/types.ts";

/** `[offset, msg]` pairs per key, as a poll_ok carries them. */
export type PolledMsgs = Record<string, [number, unknown][]>;

/** Appends invoke/completion pairs to a history; time advances 1 ms per entry. */
export class KafkaHistoryBuilder {
  readonly ops: Op[] = [];
  private timeNs = 0;

  private add(type: OpType, process: number, f: string, value: unknown, error?: unknown): this {
    this.timeNs += 1_000_000;
    const op: Op = { index: this.ops.length, time: this.timeNs, type, process, f, value };
    if (error !== undefined) op.error = error;
    this.ops.push(op);
    return this;
  }

  /** A send of `value` to `key`; ok ones record `offset`, fail/info ones do not. */
  send(process: number, key: string, value: unknown, offset: number, type: "ok" | "fail" | "info" = "ok"): this {
    this.add("invoke", process, "send", [["send", key, value]]);
    if (type === "ok") return this.add("ok", process, "send", [["send", key, [offset, value]]]);
    const error = type === "fail" ? ["temporarily-unavailable", "test"] : "net-timeout";
    return this.add(type, process, "send", [["send", key, value]], error);
  }

  /** A poll that returned `msgs` (ok), or failed / crashed without data. */
  poll(process: number, msgs: PolledMsgs, type: "ok" | "fail" | "info" = "ok"): this {
    this.add("invoke", process, "poll", [["poll"]]);
    if (type === "ok") return this.add("ok", process, "poll", [["poll", msgs]]);
    return this.add(type, process, "poll", [["poll"]], "net-timeout");
  }

  /** An ok assign of `keys`. */
  assign(process: number, keys: string[]): this {
    this.add("invoke", process, "assign", keys);
    return this.add("ok", process, "assign", keys);
  }

  /** A crash op (always :info). */
  crash(process: number): this {
    this.add("invoke", process, "crash", null);
    return this.add("info", process, "crash", null);
  }
}

/**
 * A large correct history, shaped like a `--rate 1000` run of `seconds` seconds with
 * `processes` workers: keys take 16 sends each, every process polls its assigned keys,
 * and a final drain per process reads every key from the start. Offsets start at
 * `offsetBase` so benchmarks can try huge ones.
 */
export function largeKafkaHistory(seconds: number, processes: number, offsetBase = 0): Op[] {
  const h = new KafkaHistoryBuilder();
  const opCount = seconds * 1000;
  const writesPerKey = 16;
  const nextOffset = new Map<string, number>();
  const log = new Map<string, [number, unknown][]>();
  const readFrom = new Map<number, Map<string, number>>();
  let keyNumber = 0;
  let writesToKey = 0;
  for (let n = 0; n < opCount; n++) {
    const process = n % processes;
    const key = String(keyNumber);
    if (n % 2 === 0) {
      const offset = nextOffset.get(key) ?? offsetBase;
      nextOffset.set(key, offset + 1);
      const value = ++writesToKey;
      h.send(process, key, value, offset);
      log.set(key, [...(log.get(key) ?? []), [offset, value]]);
      if (writesToKey === writesPerKey) {
        keyNumber++;
        writesToKey = 0;
      }
    } else {
      const positions = readFrom.get(process) ?? new Map<string, number>();
      readFrom.set(process, positions);
      if (!positions.has(key)) {
        h.assign(process, [key]);
        positions.clear();
        positions.set(key, 0);
      }
      const from = positions.get(key)!;
      const pairs = (log.get(key) ?? []).slice(from);
      positions.set(key, from + pairs.length);
      h.poll(process, pairs.length ? { [key]: pairs } : {});
    }
  }
  for (let process = 0; process < processes; process++) {
    const all = [...log.keys()];
    h.crash(process);
    const fresh = process + processes;
    h.assign(fresh, all);
    h.poll(fresh, Object.fromEntries(all.map((key) => [key, log.get(key)!])));
  }
  return h.ops;
}
