/**
 * Test helper: a cluster of nodes on memory I/O and one fake clock, wired by a played network
 * with a fixed latency, where a node can be killed (its process gone, messages to it dropped)
 * and started again as a fresh process that gets `init` and nothing else, as Jepsen's kill
 * nemesis does. Lets recovery be tested without real processes or real sleeps. A node is
 * booted by a function: a library's `serve(node)` (`serving`), or a whole program file
 * (harness/world/testdata/program.ts).
 */
import { FakeClock } from "../../node/clock.ts";
import { MemoryInput } from "../../node/io.ts";
import type { GenericBody, Message, Protocol } from "../../node/messages.ts";
import { Node, type NodeOptions } from "../../node/node.ts";
import { settle } from "../../node/testdata/memory-node.ts";

/** Builds one node process of protocol `P`: registers its handlers on `node` and runs it. */
export type Serve<P extends Protocol> = (node: Node<P>) => Promise<void>;

/** Starts one node process on these I/O and clock; it runs until its input ends. */
export type Boot = (options: Required<NodeOptions>) => unknown;

/** Boots a process that serves `serve` on a Node of its own. */
export function serving<P extends Protocol>(serve: Serve<P>): Boot {
  return (options) => serve(new Node<P>(options));
}

/** One node-to-node message as the played network delivered (or dropped) it. */
export interface Delivery {
  sentMs: number;
  src: string;
  dest: string;
  body: GenericBody;
  dropped: boolean;
}

/** How long one fake-clock step is when the test runs time on. */
const STEP_MS = 5;

/** Starts a node on each of `nodeIds` with `boot` and initialises it. */
export async function memoryCluster(nodeIds: readonly string[], boot: Boot, options: { latencyMs?: number } = {}) {
  const latencyMs = options.latencyMs ?? 10;
  const clock = new FakeClock();
  const inputs = new Map<string, MemoryInput>();
  const deliveries: Delivery[] = [];
  const replies: Message[] = [];
  const logs: string[] = [];
  /** Drops a node-to-node message when true (a partition, or a lost packet). */
  let dropIf: (src: string, dest: string, body: GenericBody) => boolean = () => false;
  let nextMsgId = 1;

  const route = (text: string) => {
    for (const line of text.split("\n").filter(Boolean)) {
      const message = JSON.parse(line) as Message;
      if (!nodeIds.includes(message.dest)) {
        replies.push(message);
        continue;
      }
      const delivery = {
        sentMs: clock.nowMs(),
        src: message.src,
        dest: message.dest,
        body: message.body,
        dropped: false,
      };
      deliveries.push(delivery);
      clock.after(latencyMs, () => {
        const input = inputs.get(message.dest);
        // A dead node's messages are lost, as are those a partition cuts.
        if (!input || dropIf(message.src, message.dest, message.body)) delivery.dropped = true;
        else input.push(`${line}\n`);
      });
    }
  };

  /** Starts a fresh process for `id` and initialises it. */
  const start = async (id: string) => {
    const input = new MemoryInput();
    inputs.set(id, input);
    void boot({ input, clock, output: route, log: (line) => logs.push(`${id}: ${line}`) });
    input.pushMessages({ src: "c0", dest: id, body: { type: "init", node_id: id, node_ids: nodeIds, msg_id: 0 } });
    await settle();
  };

  for (const id of nodeIds) await start(id);

  return {
    clock,
    deliveries,
    logs,
    /** Kills `id`'s process: its memory is gone and messages to it are dropped. */
    kill(id: string) {
      inputs.get(id)?.end();
      inputs.delete(id);
    },
    /** Starts `id` again: a fresh process that gets init (and nothing else). */
    start,
    /** Drops node-to-node messages for which `predicate` holds (until called again). */
    dropWhen(predicate: (src: string, dest: string, body: GenericBody) => boolean) {
      dropIf = predicate;
    },
    /** Sends a client request to `id`; resolves with its reply once one comes (time must run). */
    async request(id: string, body: GenericBody, withinMs = 10_000): Promise<GenericBody | undefined> {
      const msgId = nextMsgId++;
      inputs.get(id)!.pushMessages({ src: "c1", dest: id, body: { ...body, msg_id: msgId } });
      for (let waited = 0; waited <= withinMs; waited += STEP_MS) {
        await settle();
        const reply = replies.find((message) => message.body.in_reply_to === msgId);
        if (reply) return reply.body;
        clock.advance(STEP_MS);
      }
      return undefined;
    },
    /** Moves the fake time on by `ms`, letting every node work at each step. */
    async run(ms: number) {
      for (let elapsed = 0; elapsed < ms; elapsed += STEP_MS) {
        clock.advance(STEP_MS);
        await settle();
      }
    },
    /** Ends every node's input. */
    stop() {
      for (const input of inputs.values()) input.end();
    },
  };
}
