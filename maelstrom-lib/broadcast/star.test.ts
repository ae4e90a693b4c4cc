/**
 * The star broadcast on a fake clock: five nodes on memory I/O, wired by a network the test
 * plays with a fixed latency. It checks the schedule itself, which the real-process tests
 * (3d's and 3e's main.test.ts) can only see through noisy timings: the hub sends each leaf at
 * most one batch per beat and only on the beat, a value reaches every node within two hops plus
 * one beat, an aligned leaf lands its batches just before the hub's beat, and an idle star
 * falls silent.
 */
import { expect, test } from "bun:test";
import { FakeClock } from "../node/clock.ts";
import { MemoryInput } from "../node/io.ts";
import type { GenericBody, Message } from "../node/messages.ts";
import { Node } from "../node/node.ts";
import { settle } from "../node/testdata/memory-node.ts";
import { StarBroadcast, type StarMessages, type StarSchedule } from "./star.ts";

const NODE_IDS = ["n0", "n1", "n2", "n3", "n4"];
const LATENCY_MS = 100;
/** The fake time between two looks at the cluster: the star's own tick. */
const STEP_MS = 5;

/** One node-to-node message as the played network delivered it. */
interface Delivery {
  sentMs: number;
  deliveredMs: number;
  src: string;
  dest: string;
  body: GenericBody;
}

/** Five star nodes on one fake clock; node-to-node messages take LATENCY_MS. */
async function starCluster(schedule: StarSchedule) {
  const clock = new FakeClock();
  const inputs = new Map<string, MemoryInput>();
  const deliveries: Delivery[] = [];
  const clientReplies: Message[] = [];
  /** When each node first had each value (by broadcast or by a batch). */
  const learnedMs = new Map<string, Map<number, number>>();
  const learn = (id: string, value: number) => {
    const known = learnedMs.get(id)!;
    if (!known.has(value)) known.set(value, clock.nowMs());
  };
  const route = (text: string) => {
    for (const line of text.split("\n").filter(Boolean)) {
      const message = JSON.parse(line) as Message;
      if (!inputs.has(message.dest)) {
        clientReplies.push(message);
        continue;
      }
      const sentMs = clock.nowMs();
      clock.after(LATENCY_MS, () => {
        deliveries.push({
          sentMs,
          deliveredMs: clock.nowMs(),
          src: message.src,
          dest: message.dest,
          body: message.body,
        });
        for (const value of (message.body.values as number[] | undefined) ?? []) learn(message.dest, value);
        inputs.get(message.dest)!.push(`${line}\n`);
      });
    }
  };
  const runs = NODE_IDS.map((id) => {
    const input = new MemoryInput();
    inputs.set(id, input);
    learnedMs.set(id, new Map());
    const node = new Node<StarMessages>({ input, clock, output: route, log: () => {} });
    new StarBroadcast(node, schedule);
    return node.run();
  });
  for (const id of NODE_IDS)
    inputs
      .get(id)!
      .pushMessages({ src: "c0", dest: id, body: { type: "init", node_id: id, node_ids: NODE_IDS, msg_id: 0 } });
  await settle();

  let nextMsgId = 1;
  return {
    clock,
    deliveries,
    learnedMs,
    /** A client broadcast of `value` to `id`. */
    broadcast(id: string, value: number) {
      learn(id, value);
      inputs
        .get(id)!
        .pushMessages({ src: "c1", dest: id, body: { type: "broadcast", message: value, msg_id: nextMsgId++ } });
    },
    /** Moves the fake time on by `ms`, letting every node work at each step. */
    async run(ms: number) {
      for (let elapsed = 0; elapsed < ms; elapsed += STEP_MS) {
        clock.advance(STEP_MS);
        await settle();
      }
    },
    /** Every node's answer to a read. */
    async reads(): Promise<number[][]> {
      const start = clientReplies.length;
      for (const id of NODE_IDS)
        inputs.get(id)!.pushMessages({ src: "c1", dest: id, body: { type: "read", msg_id: nextMsgId++ } });
      await settle();
      return clientReplies.slice(start).map((reply) => [...(reply.body.messages as number[])].sort((a, b) => a - b));
    },
    async stop() {
      for (const input of inputs.values()) input.end();
      await Promise.all(runs);
    },
  };
}

/** How long after its broadcast each value was at every node. */
function spreadMs(learnedMs: Map<string, Map<number, number>>, value: number, broadcastMs: number): number {
  return Math.max(...NODE_IDS.map((id) => learnedMs.get(id)!.get(value) ?? Infinity)) - broadcastMs;
}

test("3d's schedule: one batch per leaf per beat, on the beat; two hops plus a beat; then silence", async () => {
  const hubBeatMs = 100;
  const star = await starCluster({
    hubBeatMs,
    leafBeatMs: 0,
    alignLeavesToHub: false,
    link: { retryMs: 2_000, ackDelayMs: 1_000 },
    ackOnceCopied: true,
  });
  const broadcastAt = new Map<number, number>();
  for (let value = 0; value < 40; value++) {
    const leaf = NODE_IDS[1 + (value % 4)]!;
    broadcastAt.set(value, star.clock.nowMs());
    star.broadcast(leaf, value);
    await star.run(35); // values land at every phase of the hub's beat
  }
  await star.run(4_000);

  const values = [...broadcastAt.keys()];
  for (const read of await star.reads()) expect(read).toEqual(values);
  for (const [value, atMs] of broadcastAt)
    expect(spreadMs(star.learnedMs, value, atMs)).toBeLessThanOrEqual(2 * LATENCY_MS + hubBeatMs + 2 * STEP_MS);

  const fromHub = star.deliveries.filter((delivery) => delivery.src === "n0" && delivery.body.type === "gossip_batch");
  expect(fromHub.length).toBeGreaterThan(0);
  for (const delivery of fromHub) expect(delivery.sentMs % hubBeatMs).toBeLessThan(STEP_MS);
  const perLeafBeat = new Set(fromHub.map((delivery) => `${delivery.dest}@${Math.floor(delivery.sentMs / hubBeatMs)}`));
  expect(perLeafBeat.size).toBe(fromHub.length);

  // Everything acknowledged: the last two seconds carry no message at all.
  const lastSentMs = Math.max(...star.deliveries.map((delivery) => delivery.sentMs));
  expect(star.clock.nowMs() - lastSentMs).toBeGreaterThan(2_000);
  await star.stop();
});

test("3e's schedule: aligned leaves land just before the hub's beat, so a value waits one beat, not two", async () => {
  const beatMs = 700;
  const star = await starCluster({
    hubBeatMs: beatMs,
    leafBeatMs: beatMs,
    alignLeavesToHub: true,
    link: { retryMs: 3_000, ackDelayMs: 2 * beatMs },
    ackOnceCopied: false,
  });
  // Warm-up: the leaves learn when the hub's batches arrive.
  for (let value = 0; value < 20; value++) {
    star.broadcast(NODE_IDS[1 + (value % 4)]!, value);
    await star.run(350);
  }
  const warmedUpMs = star.clock.nowMs();
  const broadcastAt = new Map<number, number>();
  for (let value = 100; value < 120; value++) {
    broadcastAt.set(value, star.clock.nowMs());
    star.broadcast(NODE_IDS[1 + (value % 4)]!, value);
    await star.run(95); // every phase of the beat
  }
  await star.run(4 * beatMs);

  const leafBatches = star.deliveries.filter(
    (delivery) =>
      delivery.dest === "n0" && delivery.deliveredMs > warmedUpMs && (delivery.body.values as number[]).length > 0,
  );
  expect(leafBatches.length).toBeGreaterThan(0);
  for (const delivery of leafBatches) {
    // Before the hub's next beat, by no more than the margin plus a tick or two of slack.
    expect(beatMs - (delivery.deliveredMs % beatMs)).toBeLessThanOrEqual(120 + 3 * STEP_MS);
  }
  for (const [value, atMs] of broadcastAt)
    expect(spreadMs(star.learnedMs, value, atMs)).toBeLessThanOrEqual(beatMs + 2 * LATENCY_MS + 120 + 3 * STEP_MS);
  await star.stop();
});
