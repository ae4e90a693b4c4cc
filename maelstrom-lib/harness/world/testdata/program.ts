/**
 * Test helper: a node program file, as it is, run in this process on memory I/O and a fake
 * clock. The file is loaded as the simulation loads `--bin` (sim-program.ts: one bundle, one
 * fresh module instance per start) with the simulation's globals (sim-globals.ts), so its
 * `new Node()` finds the test's input, output and clock, and its timers, Date and randomness
 * are the test's too. Lets a solution's retries, deadlines and recovery be tested exactly,
 * message by message, without a `serve(node)` function exported for the test.
 */
import { join } from "node:path";
import { type Boot, memoryCluster } from "../../../links/testdata/memory-cluster.ts";
import type { FakeClock } from "../../../node/clock.ts";
import { memoryIo } from "../../../node/testdata/memory-node.ts";
import type { NodeOptions } from "../../../node/node.ts";
import { instanceGlobals, type InstanceHost } from "../sim-globals.ts";
import { NodeProgram } from "../sim-program.ts";

const REPO_ROOT = join(import.meta.dir, "../../../..");

/** Loads the program at `bin` (relative to the repository root); each boot starts a fresh instance of it. */
export async function programBoot(bin: string): Promise<Boot> {
  const path = join(REPO_ROOT, bin);
  const program = await NodeProgram.load(path);
  let instances = 0;
  return (options) => {
    const host = instanceHost(path, options);
    const globals = instanceGlobals(host, ++instances, (require) => program.importMeta(require));
    return program.instantiate(globals);
  };
}

/** One instance of the program at `bin` on memory I/O (memoryIo's helpers); `ran` settles when its input ends. */
export async function programNode(bin: string, clock?: FakeClock) {
  const io = memoryIo(clock);
  const ran = (await programBoot(bin))(io.options);
  return { ...io, ran };
}

/** Instances of the program at `bin` as a memoryCluster (its played network, kill and restart). */
export async function programCluster(bin: string, nodeIds: readonly string[], options?: { latencyMs?: number }) {
  return memoryCluster(nodeIds, await programBoot(bin), options);
}

/** The instance's outside world: the runtime's I/O and clock; an escape or exit fails the test. */
function instanceHost(bin: string, options: Required<NodeOptions>): InstanceHost {
  return {
    bin,
    args: [],
    index: 0,
    runtimeHost: options,
    // Bun.stdin.stream(): the test's memory input, which carries text.
    input: options.input as AsyncIterable<string>,
    stdout: (text) => options.output(text),
    stderr: (text) => {
      for (const line of text.split("\n")) if (line.length > 0) options.log(line);
    },
    exit: (code) => {
      throw new Error(`${bin} called process.exit(${code}) in a test`);
    },
    escape: (what) => {
      throw new Error(`${bin} escaped the simulation in a test: ${what}`);
    },
    schedule: (delayMs, fn) => options.clock.after(delayMs, fn),
    nowMs: () => options.clock.nowMs(),
  };
}
