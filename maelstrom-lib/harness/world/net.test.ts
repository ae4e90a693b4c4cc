import { describe, expect, test } from "bun:test";
import { FakeClock, type Clock } from "../primitives/clock.ts";
import { completeGrudge, grudgeFor, majoritiesRing } from "../nemesis/nemesis.ts";
import { Network } from "./net.ts";
import type { JournalEvent, WireMessage } from "../contracts/journal.ts";
import { Rng } from "../primitives/rng.ts";

function setup(latencyMs: number, clock: Clock = new FakeClock()) {
  const journal: JournalEvent[] = [];
  const onEvent = (event: JournalEvent) => journal.push(event);
  const network = new Network({ clock, rng: new Rng(1), latencyMs, latencyDist: "constant", onEvent });
  const received: { at: number; message: WireMessage }[] = [];
  for (const id of ["n0", "n1", "n2", "c0", "seq-kv"]) {
    network.register(id, (message) => received.push({ at: clock.nowMs(), message }));
  }
  return { network, received, journal };
}

/** The lateness the network counted: how many deliveries, their median and their maximum. */
function lateness(network: Network) {
  return { deliveries: network.lateness.count, p50: network.lateness.quantile(0.5), max: network.lateness.maxMs };
}

describe("network", () => {
  test("constant latency on node↔node and node↔service links, none on client links", () => {
    const clock = new FakeClock();
    const { network, received } = setup(100, clock);
    network.send("n0", "n1", { type: "a" });
    network.send("n0", "seq-kv", { type: "b" });
    network.send("c0", "n2", { type: "c" });
    expect(received.map((r) => [r.message.body.type, r.at])).toEqual([["c", 0]]);
    clock.advance(99);
    expect(received.length).toBe(1);
    clock.advance(1);
    expect(received.map((r) => [r.message.body.type, r.at])).toEqual([
      ["c", 0],
      ["a", 100],
      ["b", 100],
    ]);
  });

  test("partitions drop node↔node messages but never client or service traffic", () => {
    const clock = new FakeClock();
    const { network, received } = setup(10, clock);
    network.partition(completeGrudge([["n0"], ["n1", "n2"]]));
    network.send("n0", "n1", { type: "cut" });
    network.send("n2", "n0", { type: "cut" });
    network.send("n1", "n2", { type: "same-side" });
    network.send("n0", "seq-kv", { type: "service" });
    network.send("c0", "n0", { type: "client" });
    clock.advance(50);
    expect(received.map((r) => r.message.body.type).sort()).toEqual(["client", "same-side", "service"]);
    const stats = network.stats();
    expect(stats.servers.msgCount).toBe(4); // dropped messages still count as sent
    expect(stats.servers.recvCount).toBe(2);
    expect(stats.clients).toEqual({ sendCount: 1, recvCount: 1, msgCount: 1 });
    network.heal();
    network.send("n0", "n1", { type: "healed" });
    clock.advance(10);
    expect(received.some((r) => r.message.body.type === "healed")).toBe(true);
  });

  test("the partition is decided at dequeue: a message queued before the cut is dropped", () => {
    const clock = new FakeClock();
    const { network, received } = setup(100, clock);
    network.send("n0", "n1", { type: "first" }); // picked up at once, slept on
    network.send("n0", "n1", { type: "second" }); // still queued when the cut comes
    network.partition(completeGrudge([["n0"], ["n1"]]));
    clock.advance(200);
    expect(received.map((r) => r.message.body.type)).toEqual(["first"]);
  });

  test("head-of-line: a client message waits behind the message its destination sleeps on", () => {
    const clock = new FakeClock();
    const { network, received } = setup(100, clock);
    network.send("n0", "n1", { type: "slow" });
    clock.advance(30);
    network.send("c0", "n1", { type: "client" });
    clock.advance(69);
    expect(received.length).toBe(0);
    clock.advance(1);
    expect(received.map((r) => [r.message.body.type, r.at])).toEqual([
      ["slow", 100],
      ["client", 100],
    ]);
    // Maelstrom's queueing is not the runner's lateness.
    expect(lateness(network)).toEqual({ deliveries: 2, p50: 0, max: 0 });
  });

  test("lateness is delivery time minus the scheduled time", () => {
    const fake = new FakeClock();
    const lateTimers: Clock = { nowMs: () => fake.nowMs(), after: (ms, fn) => fake.after(ms + 7, fn) };
    const { network } = setup(100, lateTimers);
    network.send("n0", "n1", { type: "late" });
    fake.advance(107);
    expect(lateness(network)).toEqual({ deliveries: 1, p50: 7, max: 7 });
  });

  test("a stalled runner makes the whole burst late, not just its first message", () => {
    const fake = new FakeClock();
    const stalledTimers: Clock = { nowMs: () => fake.nowMs(), after: (ms, fn) => fake.after(ms + 45, fn) };
    const { network } = setup(5, stalledTimers);
    for (const type of ["a", "b", "c"]) network.send("n0", "n1", { type });
    fake.advance(100);
    expect(lateness(network).deliveries).toBe(3);
    expect(lateness(network).max).toBe(45);
    expect(Math.abs(network.lateness.quantile(0.5)! - 45)).toBeLessThanOrEqual(0.45); // within 1% above 10 ms
  });

  test("journal events carry ids, nanosecond times, and sends precede receives", () => {
    const clock = new FakeClock();
    const { network, journal } = setup(5, clock);
    network.send("n0", "n1", { type: "x" });
    clock.advance(5);
    expect(journal.map((e) => [e.type, e.id, e.time])).toEqual([
      ["send", 0, 0],
      ["recv", 0, 5_000_000],
    ]);
  });
});

describe("nemesis grudges", () => {
  const nodes = ["n0", "n1", "n2", "n3", "n4"];
  test("one isolates a single node both ways", () => {
    const grudge = grudgeFor("one", nodes, new Rng(2));
    const isolated = [...grudge].filter(([, sources]) => sources.size === 4).map(([dest]) => dest);
    expect(isolated.length).toBe(1);
    for (const other of nodes.filter((n) => n !== isolated[0])) expect(grudge.get(other)).toEqual(new Set(isolated));
  });

  test("majority splits floor(n/2) from the rest; minority-third is a no-op on 3 nodes", () => {
    const grudge = grudgeFor("majority", nodes, new Rng(3));
    const sizes = [...grudge.values()].map((s) => s.size).sort();
    expect(sizes).toEqual([2, 2, 2, 3, 3]);
    expect(grudgeFor("minority-third", ["n0", "n1", "n2"], new Rng(1)).size).toBe(0);
  });

  test("majorities-ring: every node still hears a majority, no two the same one", () => {
    const grudge = majoritiesRing(nodes, new Rng(4));
    const heard = nodes.map((node) =>
      nodes
        .filter((src) => !grudge.get(node)?.has(src))
        .sort()
        .join(","),
    );
    for (const view of heard) expect(view.split(",").length).toBe(3);
    expect(new Set(heard).size).toBe(5);
  });
});

describe("network: killed and restarted nodes", () => {
  test("a killed node gets nothing (no recv event); restarted, it gets only what is sent after, its init first", () => {
    const clock = new FakeClock();
    const { network, received, journal } = setup(100, clock);
    network.send("n1", "n0", { type: "sent-before-kill" }); // due at 100: it will be slept on
    clock.advance(50);
    network.takeDown("n0");
    network.send("c0", "n0", { type: "while-down" });
    clock.advance(10);
    network.bringUp("n0");
    network.send("c0", "n0", { type: "init" });
    network.send("n2", "n0", { type: "gossip" });
    clock.advance(200);
    expect(received.filter((r) => r.message.dest === "n0").map((r) => r.message.body.type)).toEqual(["init", "gossip"]);
    const recvs = journal.filter((e) => e.type === "recv" && e.dest === "n0").map((e) => e.body.type);
    expect(recvs).toEqual(["init", "gossip"]);
  });

  test("a client that has gone is remembered with its last send and when it went", () => {
    const clock = new FakeClock();
    const { network } = setup(0, clock);
    clock.advance(5);
    network.send("c0", "n0", { type: "echo" });
    clock.advance(20);
    network.unregister("c0");
    expect(network.goneClient("c0")).toEqual({ lastSendMs: 5, closedAtMs: 25 });
    expect(network.goneClient("n1")).toBeUndefined();
  });
});
