/**
 * The client as defrpc makes it (Maelstrom's client.clj): the request checked before it is
 * sent, the reply after it comes back, each failure under Maelstrom's name and in its words.
 * Unit tests on the real network with a fake clock, then a node run by the runner, simulated.
 */
import { describe, expect, test } from "bun:test";
import {
  Client,
  MalformedReply,
  MalformedRequest,
  type MalformedRpc,
  RPCTimeout,
  UnmatchedReplyLog,
} from "./client.ts";
import { parseCommand } from "../cli/cli.ts";
import { FakeClock } from "../primitives/clock.ts";
import { classifyError } from "../run/generator.ts";
import { Network } from "./net.ts";
import type { WireMessage } from "../contracts/journal.ts";
import { Rng } from "../primitives/rng.ts";
import { runSimulation } from "../run/simulate.ts";
import { NodeProgram } from "./sim-program.ts";
import type { Workload } from "../contracts/types.ts";
import pnCounter from "../workloads/pn-counter.ts";
import { ADD } from "../../protocol/g-counter.ts";
import { repo, TEST_STORE } from "../testdata/test-runs.ts";

/** A client c0 bound to a node n0 that answers every request with `reply` (and keeps what it got). */
function setup(reply: (request: Record<string, unknown>) => Record<string, unknown>) {
  const clock = new FakeClock();
  const network = new Network({ clock, rng: new Rng(1), latencyMs: 0, latencyDist: "constant" });
  const received: WireMessage[] = [];
  network.register("n0", (message) => {
    received.push(message);
    queueMicrotask(() => network.send("n0", message.src, { ...reply(message.body), in_reply_to: message.body.msg_id }));
  });
  return { client: new Client("c0", "n0", network, clock), received };
}

describe("client requests (defrpc's send schema)", () => {
  test("a request that fits goes out with its RPC's type and a fresh msg_id, and its reply comes back", async () => {
    const { client, received } = setup(() => ({ type: "add_ok" }));
    expect(await client.call(ADD, { delta: 3 })).toEqual({ type: "add_ok", in_reply_to: 1 });
    expect(await client.call(ADD, { delta: -2 })).toEqual({ type: "add_ok", in_reply_to: 2 });
    expect(received.map((message) => message.body)).toEqual([
      { type: "add", delta: 3, msg_id: 1 },
      { type: "add", delta: -2, msg_id: 2 },
    ]);
  });

  test.each([
    [{ delta: 0.5 }, 'bad value for "delta": 0.5 is not Int'],
    [{}, 'missing required key "delta"'],
    [{ delta: 1, note: "x" }, 'disallowed key "note"'],
    [{ type: "sub", delta: 1 }, 'expected type "add", got "sub"'],
  ])("a request %p is malformed-rpc-request, explained, and never reaches the node", async (body, reason) => {
    const { client, received } = setup(() => ({ type: "add_ok" }));
    const error = await client.call(ADD, body).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(MalformedRequest);
    const malformed = error as MalformedRequest;
    expect(malformed.type).toBe("malformed-rpc-request");
    expect(malformed.reason).toBe(reason);
    // check-body's words: the schema the body should have had, what was sent instead, and why.
    expect(malformed.message).toBe(
      "Malformed RPC request. Maelstrom should have constructed a message body like:\n\n" +
        '{"type": (eq "add"),\n "delta": Int,\n "msg_id": Int}\n\n' +
        `... but instead sent\n\n${JSON.stringify(malformed.body)}\n\nThis is malformed because:\n\n${reason}`,
    );
    expect(malformed.body.msg_id).toBe(1);
    expect(received).toEqual([]);
    // The client is free again, and the next request gets the next msg_id, as in Maelstrom.
    await client.call(ADD, { delta: 1 });
    expect(received.map((message) => message.body.msg_id)).toEqual([2]);
  });

  test("a reply that breaks its schema is malformed-rpc-response, with the request that was sent", async () => {
    const { client } = setup(() => ({ type: "add_ok", value: 3 }));
    const error = (await client.call(ADD, { delta: 3 }).catch((thrown: unknown) => thrown)) as MalformedReply;
    expect(error).toBeInstanceOf(MalformedReply);
    expect(error.type).toBe("malformed-rpc-response");
    expect(error.message).toContain(
      'Maelstrom sent node n0 the following request:\n\n{"type":"add","delta":3,"msg_id":1}',
    );
    expect(error.message).toContain(
      '(optional-key "msg_id"): Int}\n\n... but instead received\n\n{"type":"add_ok","value":3,"in_reply_to":1}',
    );
    expect(error.message).toEndWith('This is malformed because:\n\ndisallowed key "value"');
  });

  test(
    "both kinds complete the op as :info with Maelstrom's name, the explanation and the class Maelstrom's " +
      "throw+ gives",
    () => {
      const request = new MalformedRequest("why", { type: "add" }, ADD.request);
      const reply = new MalformedReply(
        "why",
        { type: "add_ok" },
        { node: "n0", body: { type: "add" }, schema: ADD.reply },
      );
      for (const error of [request, reply] as MalformedRpc[]) {
        expect(classifyError(error, "add", pnCounter)).toEqual({
          type: "info",
          value: undefined,
          error: error.type,
          exception: error.message,
          "exception-class": "clojure.lang.ExceptionInfo",
        });
      }
      // Anything else the client throws is grouped under its own class.
      expect(classifyError(new TypeError("x is undefined"), "add", pnCounter)["exception-class"]).toBe("TypeError");
    },
  );
});

/**
 * A client c0 bound to n0, which answers each request with whatever `answer` makes of it (sent
 * as is, so it may lack in_reply_to), with the run's log of unmatched replies attached.
 */
type Answer = { dest?: string; body: Record<string, unknown> };
function unmatchedSetup(answer: (request: Record<string, unknown>) => Answer[]) {
  const clock = new FakeClock();
  const network = new Network({ clock, rng: new Rng(1), latencyMs: 0, latencyDist: "constant" });
  const firsts: string[] = [];
  const log = new UnmatchedReplyLog((reply) => firsts.push(reply.text));
  network.register("n0", (message) => {
    queueMicrotask(() => {
      for (const { dest, body } of answer(message.body)) network.send("n0", dest ?? message.src, body);
    });
  });
  const client = new Client("c0", "n0", network, clock, log);
  /** One call that times out after the node has answered: the RPCTimeout it threw. */
  const timeOut = async (): Promise<RPCTimeout> => {
    const call = client.call(ADD, { delta: 1 }, 100).catch((thrown: unknown) => thrown);
    await Bun.sleep(1); // the node's answer is delivered
    clock.advance(100);
    return (await call) as RPCTimeout;
  };
  return { client, log, firsts, timeOut };
}

describe("replies the client cannot match", () => {
  test("a reply without in_reply_to still times out, and the timeout says what was wrong with it", async () => {
    const { log, firsts, timeOut } = unmatchedSetup(() => [{ body: { type: "add_ok" } }]);
    const timeout = await timeOut();
    expect(timeout).toBeInstanceOf(RPCTimeout);
    const text =
      "n0 sent c0 an add_ok with no in_reply_to; the client cannot match it to its request " +
      "(it was waiting for msg_id 1)";
    expect(timeout.unmatched.map((reply) => reply.text)).toEqual([text]);
    expect(timeout.message).toBe(`no reply within 100 ms; ${text}`);
    // Maelstrom's verdict is kept: the op is a net-timeout, as before.
    expect(classifyError(timeout, "add", pnCounter)).toEqual({ type: "info", value: undefined, error: "net-timeout" });
    expect(firsts).toEqual([text]);
    log.timedOut(7, timeout);
    expect(log.record()).toEqual({
      count: 1,
      examples: [{ node: "n0", client: "c0", type: "add_ok", "awaited-msg-id": 1, message: 1, op: 7, text }],
    });
  });

  test("an in_reply_to the client never sent, or of the wrong type, is named with the msg_id awaited", async () => {
    const { log, timeOut } = unmatchedSetup((request) => [
      { body: { type: "add_ok", in_reply_to: Number(request.msg_id) + 1000 } },
      { body: { type: "add_ok", in_reply_to: String(request.msg_id) } },
    ]);
    const timeout = await timeOut();
    expect(timeout.unmatched.map((reply) => reply.text)).toEqual([
      "n0 sent c0 an add_ok with in_reply_to 1001, but c0 never sent a request with that msg_id " +
        "(it was waiting for msg_id 1): a wrong id, or a reply meant for another client",
      'n0 sent c0 an add_ok with in_reply_to "1", a string; ' +
        "in_reply_to must be the request's msg_id, a number (it was waiting for msg_id 1)",
    ]);
    expect(log.record()!.count).toBe(2);
  });

  test("a reply to an earlier request (late, or a second) is skipped quietly; the awaited one matches", async () => {
    const late = { body: { type: "add_ok", in_reply_to: 1 } };
    const { client, log, timeOut } = unmatchedSetup((request) =>
      request.msg_id === 1 ? [] : [late, { body: { type: "add_ok", in_reply_to: request.msg_id } }],
    );
    expect((await timeOut()).unmatched).toEqual([]); // msg_id 1 never answered in time
    expect(await client.call(ADD, { delta: 1 })).toEqual({ type: "add_ok", in_reply_to: 2 });
    expect(log.record()).toBeUndefined();
  });

  test("a timeout carries at most three unmatched replies; the run counts them all and keeps ten", async () => {
    const { log, timeOut } = unmatchedSetup(() => Array.from({ length: 12 }, () => ({ body: { type: "add_ok" } })));
    expect((await timeOut()).unmatched).toHaveLength(3);
    const record = log.record()!;
    expect(record.count).toBe(12);
    expect(record.examples).toHaveLength(10);
  });
});

describe("a workload whose generator emits malformed requests, on a simulated node", () => {
  test("every such op is :info malformed-rpc-request, the node gets none of them, and the console says " +
    "so", async () => {
    const bin = "maelstrom-lib/harness/testdata/pn-counter-crdt.ts";
    const argv = ["test", "-w", "pn-counter", "--bin", bin, "--node-count", "1", "--time-limit", "1", "--rate", "20"];
    const command = parseCommand([...argv, "--store", TEST_STORE, "--no-progress", "--sim", "--seed", "1"], repo);
    if (command.kind !== "test") throw new Error("expected a test command");
    // pn-counter, but every add carries half a delta: pn_counter.clj's add! wants an Int.
    const halfDeltas: Workload = { ...pnCounter, generator: () => ({ next: () => ({ f: "add", value: 0.5 }) }) };
    const lines: string[] = [];
    const program = await NodeProgram.load(command.opts.bin);
    const outcome = await runSimulation(command.opts, program, { log: (line) => lines.push(line) }, halfDeltas);
    const history = (await Bun.file(`${outcome.runDir}/history.jsonl`).text())
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const adds = history.filter((op) => op.f === "add" && op.type !== "invoke");
    expect(adds.length).toBeGreaterThan(3);
    for (const op of adds) {
      expect(op.type).toBe("info");
      expect(op.error).toBe("malformed-rpc-request");
      expect(op.exception).toContain('bad value for "delta": 0.5 is not Int');
    }
    // The final reads still went out and came back: only the malformed requests were held back.
    expect(history.some((op) => op.f === "read" && op.type === "ok")).toBe(true);
    const journal = (await Bun.file(`${outcome.runDir}/net-journal.jsonl`).text())
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(journal.some((event) => event.body.type === "add")).toBe(false);
    expect(journal.some((event) => event.body.type === "read")).toBe(true);
    expect(lines).toContain(
      `WARN malformed-rpc-request: ${adds.length} requests broke the request schema (all in history.jsonl); the first:`,
    );
    expect(lines).toContain("     Malformed RPC request. Maelstrom should have constructed a message body like:");
  }, 30_000);
});
