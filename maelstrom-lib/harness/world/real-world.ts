/**
 * The real world: every node is an OS process (process.ts) speaking JSON lines over pipes,
 * on the wall clock, as under Maelstrom. Any executable works here. Time moves by itself, so
 * driving a run is just awaiting it; SIGINT and SIGTERM reach the run through this world.
 */
import { RealClock, type Clock } from "../primitives/clock.ts";
import { PreciseWakeUps, type WakeUps } from "../primitives/wake-ups.ts";
import { NodeProcess } from "./node-process.ts";
import type { NodeHost, NodeHostOptions, World, WorldReport } from "./world.ts";

/** OS processes on the wall clock. */
export class RealWorld implements World {
  readonly clock: Clock = new RealClock();

  /** A worker thread's exact sleep: Bun's timers would wake whole milliseconds late. */
  wakeUps(): WakeUps {
    return new PreciseWakeUps();
  }
  readonly description = "as processes on the wall clock";

  startNode(options: NodeHostOptions): NodeHost {
    return new NodeProcess(options);
  }

  drive<T>(work: () => Promise<T>): Promise<T> {
    return work();
  }

  watchInterrupts(onInterrupt: (signal: "SIGINT" | "SIGTERM") => void): () => void {
    const signals = ["SIGINT", "SIGTERM"] as const;
    const handlers = signals.map((signal) => {
      const handler = () => onInterrupt(signal);
      process.on(signal, handler);
      return () => process.off(signal, handler);
    });
    return () => {
      for (const remove of handlers) remove();
    };
  }

  report(): WorldReport {
    return { fields: {}, warnings: [] };
  }

  close(): void {}
}
