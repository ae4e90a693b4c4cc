/**
 * Test helper: a node on memory I/O and a fake clock. Input is pushed as lines, every output
 * line is kept, and time moves only when the test advances `clock`: unit tests of the runtime
 * and of solutions (deadlines, retries, beats) without real sleeps. `memoryIo` is the same
 * without the Node, for a program that builds its own (harness/world/testdata/program.ts).
 */
import { FakeClock } from "../clock.ts";
import { MemoryInput } from "../io.ts";
import type { Message, Protocol, Untyped } from "../messages.ts";
import { Node, type NodeOptions } from "../node.ts";

/** Everything a node's runtime takes from outside, on memory. */
type MemoryNodeOptions = Required<NodeOptions> & { input: MemoryInput };

/** Lets the node's read loop and any pending microtasks and promise chains run. */
export const settle = () => Bun.sleep(1);

/** Memory I/O for one node: `options` for its runtime, `writes` each sink call, `lines()` every line written. */
export function memoryIo(clock = new FakeClock()) {
  const input = new MemoryInput();
  const writes: string[] = [];
  const logs: string[] = [];
  const options: MemoryNodeOptions = {
    input,
    clock,
    output: (text) => writes.push(text),
    log: (line) => logs.push(line),
  };
  const lines = () =>
    writes
      .join("")
      .split("\n")
      .filter((line) => line.length > 0);
  const messages = (): Message[] => lines().map((line) => JSON.parse(line));
  const bodies = () => messages().map((message) => message.body);
  /** The bodies this node sent to `dest`, in order. */
  const sentTo = (dest: string) =>
    messages()
      .filter((message) => message.dest === dest)
      .map((message) => message.body);
  /** Sends init (from c0) and lets the node answer it; the node must be running. */
  const init = async (nodeId: string, nodeIds: string[]) => {
    input.pushMessages({
      src: "c0",
      dest: nodeId,
      body: { type: "init", node_id: nodeId, node_ids: nodeIds, msg_id: 0 },
    });
    await settle();
  };
  return { options, input, clock, writes, logs, lines, messages, bodies, sentTo, init };
}

/** A node on memory I/O (see memoryIo). */
export function memoryNode<P extends Protocol = Untyped>(clock = new FakeClock()) {
  const io = memoryIo(clock);
  return { ...io, node: new Node<P>(io.options) };
}
