/**
 * The runtime in memory: input lines, output lines and a fake clock. Exact
 * output lines, batching per chunk, rpc timeouts and timers without real sleeps.
 */
import { describe, expect, test } from "bun:test";
import { ErrorCode } from "../protocol/errors.ts";
import { KeyDoesNotExist, PreconditionFailed, RPCError } from "./errors.ts";
import { MemoryInput } from "./io.ts";
import { LinKV } from "./kv.ts";
import { Node } from "./node.ts";
import type { BroadcastProtocol } from "../protocol/broadcast.ts";
import type { EchoProtocol } from "../protocol/echo.ts";
import type { GCounterProtocol } from "../protocol/g-counter.ts";
import type { UniqueIdsProtocol } from "../protocol/unique-ids.ts";
import { LineSplitter } from "./wire.ts";
import { memoryNode, settle } from "./testdata/memory-node.ts";

const INIT = { src: "c0", dest: "n1", body: { type: "init", node_id: "n1", node_ids: ["n0", "n1"], msg_id: 1 } };
const INIT_OK = '{"src":"n1","dest":"c0","body":{"type":"init_ok","in_reply_to":1}}';

describe("init and handlers", () => {
  test("answers init once, then a handler's return value is the reply", async () => {
    const { node, input, lines } = memoryNode();
    node.on("echo", (request) => ({ type: "echo_ok", echo: request.body.echo }));
    expect(() => node.id).toThrow("node.id read before init");
    expect(() => node.peers).toThrow("node.peers read before init");
    const ran = node.run();
    input.pushMessages(INIT, { src: "c2", dest: "n1", body: { type: "echo", echo: [1, { a: "b" }], msg_id: 9 } });
    input.end();
    await ran;
    expect(lines()).toEqual([
      INIT_OK,
      '{"src":"n1","dest":"c2","body":{"type":"echo_ok","echo":[1,{"a":"b"}],"in_reply_to":9}}',
    ]);
    expect(node.id).toBe("n1");
    expect(node.nodeIds).toEqual(["n0", "n1"]);
    expect(node.peers).toEqual(["n0"]);
  });

  test("peers are every node but this one, in the order init gave them", async () => {
    const { node, input, init } = memoryNode();
    const ran = node.run();
    await init("n2", ["n3", "n0", "n2", "n1"]);
    expect(node.peers).toEqual(["n3", "n0", "n1"]);
    expect(Object.isFrozen(node.peers)).toBe(true);
    input.end();
    await ran;
  });

  test("duplicate handler and a handler for init fail loudly", () => {
    const node = new Node({ input: new MemoryInput(), output: () => {}, log: () => {} });
    node.on("echo", () => undefined);
    expect(() => node.on("echo", () => undefined)).toThrow("duplicate handler: echo");
    expect(() => node.on("init", () => undefined)).toThrow("use node.onInit");
  });

  test("onInit runs after init_ok is written; send before init throws", async () => {
    const { node, input, lines } = memoryNode();
    expect(() => node.send("n0", { type: "hello" })).toThrow("node.send before init");
    node.onInit(() => node.send("n0", { type: "hello", from: node.id }));
    const ran = node.run();
    input.pushMessages(INIT);
    input.end();
    await ran;
    expect(lines()).toEqual([INIT_OK, '{"src":"n1","dest":"n0","body":{"type":"hello","from":"n1"}}']);
  });

  test("onFirstRequest runs once, before the first request after init is handled, not at init", async () => {
    const { node, input, lines } = memoryNode();
    const seen: string[] = [];
    node.onFirstRequest(() => seen.push(`first, ${node.id}`));
    node.on("echo", (request) => {
      seen.push(`echo ${request.body.echo}`);
      return { type: "echo_ok", echo: request.body.echo };
    });
    const ran = node.run();
    input.pushMessages(INIT);
    await settle();
    expect(seen).toEqual([]);
    input.pushMessages(
      { src: "c2", dest: "n1", body: { type: "echo", echo: 1, msg_id: 2 } },
      { src: "c2", dest: "n1", body: { type: "echo", echo: 2, msg_id: 3 } },
    );
    input.end();
    await ran;
    expect(seen).toEqual(["first, n1", "echo 1", "echo 2"]);
    expect(lines()).toHaveLength(3);
  });

  test("a returned body is copied, not mutated, and a stray in_reply_to is replaced", async () => {
    const { node, input, bodies } = memoryNode();
    const shared = Object.freeze({ type: "ok_shared", in_reply_to: 12345 });
    node.on("get", () => shared);
    const ran = node.run();
    input.pushMessages(INIT, { src: "c1", dest: "n1", body: { type: "get", msg_id: 2 } });
    input.end();
    await ran;
    expect(bodies()[1]).toEqual({ type: "ok_shared", in_reply_to: 2 });
    expect(shared.in_reply_to).toBe(12345);
  });
});

describe("output batching", () => {
  test("all replies to one input chunk go out in one write", async () => {
    const { node, input, writes, lines } = memoryNode();
    node.on("echo", (request) => ({ type: "echo_ok", echo: request.body.echo }));
    const ran = node.run();
    input.pushMessages(INIT);
    await settle();
    const requests = Array.from({ length: 10_000 }, (_, index) => ({
      src: "c1",
      dest: "n1",
      body: { type: "echo", echo: index, msg_id: index + 2 },
    }));
    input.pushMessages(...requests);
    await settle();
    expect(writes.length).toBe(2);
    expect(lines().length).toBe(10_001);
    input.end();
    await ran;
  });

  test("output from a timer or an awaited promise is flushed without new input", async () => {
    const { node, input, clock, lines } = memoryNode();
    node.on("slow", async () => {
      await Promise.resolve();
      return { type: "slow_ok" };
    });
    const ran = node.run();
    input.pushMessages(INIT, { src: "c1", dest: "n1", body: { type: "slow", msg_id: 2 } });
    await settle();
    expect(lines()[1]).toBe('{"src":"n1","dest":"c1","body":{"type":"slow_ok","in_reply_to":2}}');
    node.every(100, () => node.send("n0", { type: "tick" }));
    clock.advance(100);
    await settle();
    expect(lines()[2]).toBe('{"src":"n1","dest":"n0","body":{"type":"tick"}}');
    input.end();
    await ran;
  });

  test("a line split across chunks, and a UTF-8 character split across byte chunks, arrive whole", () => {
    const seen: string[] = [];
    const splitter = new LineSplitter(
      { line: (text) => seen.push(text), oversizeLine: () => seen.push("oversize") },
      20,
    );
    const bytes = new TextEncoder().encode('{"a":"é🎉"}\n{"b":1}\n');
    for (let index = 0; index < bytes.length; index++) splitter.push(bytes.subarray(index, index + 1));
    splitter.push("x".repeat(25));
    splitter.push("still the long line\nok\n\n");
    splitter.push("last without ");
    splitter.push("newline");
    expect(splitter.end()).toBe("last without newline");
    expect(seen).toEqual(['{"a":"é🎉"}', '{"b":1}', "oversize", "ok", ""]);
  });
});

describe("rpc on a fake clock", () => {
  async function initialised() {
    const env = memoryNode();
    const ran = env.node.run();
    env.input.pushMessages(INIT);
    await settle();
    return { ...env, ran };
  }

  test("resolves with the reply; the pending entry is gone afterwards", async () => {
    const { node, input, bodies, clock, ran } = await initialised();
    const reply = node.rpc("n0", { type: "ping" });
    await settle();
    expect(bodies()[1]).toEqual({ type: "ping", msg_id: 1 });
    input.pushMessages({ src: "n0", dest: "n1", body: { type: "pong", in_reply_to: 1 } });
    expect(await reply).toEqual({ type: "pong", in_reply_to: 1 });
    expect(clock.pendingCount).toBe(0);
    input.end();
    await ran;
  });

  test("times out with RPCError 0 at timeoutMs, not before; a late reply is dropped and logged", async () => {
    const { node, input, clock, logs, lines, ran } = await initialised();
    let outcome: unknown = "pending";
    node.rpc("n0", { type: "ping" }, { timeoutMs: 500 }).then(
      (value) => (outcome = value),
      (error) => (outcome = error),
    );
    clock.advance(499);
    await settle();
    expect(outcome).toBe("pending");
    clock.advance(1);
    await settle();
    expect(outcome).toBeInstanceOf(RPCError);
    expect((outcome as RPCError).code).toBe(ErrorCode.Timeout);
    expect(clock.pendingCount).toBe(0);
    const linesBefore = lines().length;
    input.pushMessages({ src: "n0", dest: "n1", body: { type: "pong", in_reply_to: 1 } });
    await settle();
    expect(lines().length).toBe(linesBefore);
    expect(logs.some((line) => line.startsWith("dropped reply with no pending rpc"))).toBe(true);
    input.end();
    await ran;
  });

  test("a reply from someone other than the rpc's destination does not resolve it", async () => {
    const { node, input, clock, ran } = await initialised();
    let settled = false;
    node
      .rpc("n0", { type: "ping" }, { timeoutMs: 500 })
      .finally(() => (settled = true))
      .catch(() => {});
    input.pushMessages({ src: "c7", dest: "n1", body: { type: "pong", in_reply_to: 1 } });
    await settle();
    expect(settled).toBe(false);
    clock.advance(500);
    await settle();
    expect(settled).toBe(true);
    input.end();
    await ran;
  });

  test("KV errors 20 and 22 reject with their subclasses; cas without create has no flag", async () => {
    const { node, input, bodies, ran } = await initialised();
    const kv = new LinKV(node);
    const read = kv.read("k").catch((error: unknown) => error);
    const cas = kv.cas("k", 1, 2).catch((error: unknown) => error);
    await settle();
    expect(bodies().slice(1)).toEqual([
      { type: "read", key: "k", msg_id: 1 },
      { type: "cas", key: "k", from: 1, to: 2, msg_id: 2 },
    ]);
    input.pushMessages(
      { src: "lin-kv", dest: "n1", body: { type: "error", code: 20, text: "key does not exist", in_reply_to: 1 } },
      {
        src: "lin-kv",
        dest: "n1",
        body: { type: "error", code: 22, text: "current value 3 is not 1", in_reply_to: 2 },
      },
    );
    expect(await read).toBeInstanceOf(KeyDoesNotExist);
    expect(await cas).toBeInstanceOf(PreconditionFailed);
    expect(await cas).toMatchObject({ code: 22, text: "current value 3 is not 1", definite: true });
    input.end();
    await ran;
  });
});

describe("every()", () => {
  test("starts at init, skips a tick while an async run is pending, stops on stop() and at EOF", async () => {
    const { node, input, clock } = memoryNode();
    let runs = 0;
    let release: () => void = () => {};
    node.every(100, () => {
      runs++;
      return new Promise<void>((resolve) => (release = resolve));
    });
    let otherRuns = 0;
    const stopOther = node.every(50, () => void otherRuns++);
    const ran = node.run();
    clock.advance(1000);
    expect(runs).toBe(0); // not before init
    input.pushMessages(INIT);
    await settle();
    clock.advance(100);
    expect(runs).toBe(1);
    clock.advance(100);
    expect(runs).toBe(1); // the first run has not finished
    release();
    await settle();
    clock.advance(100);
    expect(runs).toBe(2);
    stopOther();
    const otherBefore = otherRuns;
    clock.advance(500);
    expect(otherRuns).toBe(otherBefore);
    input.end();
    await ran;
    expect(clock.pendingCount).toBe(0);
  });

  test("a throwing task is logged and keeps its schedule", async () => {
    const { node, input, clock, logs } = memoryNode();
    let runs = 0;
    node.every(10, () => {
      runs++;
      throw new Error("tick failed");
    });
    const ran = node.run();
    input.pushMessages(INIT);
    await settle();
    clock.advance(30);
    expect(runs).toBe(3);
    expect(logs.filter((line) => line.includes("tick failed")).length).toBe(3);
    input.end();
    await ran;
  });
});

describe("typed handlers", () => {
  // The @ts-expect-error lines are checked by `tsc --noEmit`: each must be a type error.
  const quiet = () => ({ input: new MemoryInput(), output: () => {}, log: () => {} });

  test("a workload's protocol types request and reply bodies, and read replies as this workload's read_ok", () => {
    const node = new Node<EchoProtocol & UniqueIdsProtocol & BroadcastProtocol>(quiet());
    node.on("echo", (request) => ({ type: "echo_ok", echo: request.body.echo }));
    // @ts-expect-error generate_ok needs an id
    node.on("generate", () => ({ type: "generate_ok" }));
    // @ts-expect-error topology's reply type is topology_ok
    node.on("topology", () => ({ type: "topology_okay" }));
    node.on("broadcast", (request) => {
      // @ts-expect-error message is a number
      const text: string = request.body.message;
      return text === "" ? undefined : { type: "broadcast_ok" };
    });
    // @ts-expect-error broadcast's read_ok carries messages; a counter's value is another program's
    node.on("read", async () => ({ type: "read_ok", value: 3 }));
    // @ts-expect-error a typed node handles only its protocol's types
    node.on("unlisted_note", () => undefined);
    expect(() => node.on("echo", () => undefined)).toThrow("duplicate handler: echo");
  });

  test("another program's read is its own: a counter's read_ok carries a value", () => {
    const node = new Node<GCounterProtocol>(quiet());
    node.on("add", (request) => {
      const delta: number = request.body.delta;
      return delta >= 0 ? { type: "add_ok" } : undefined;
    });
    // @ts-expect-error a counter's read_ok carries its value, not messages
    node.on("read", async () => ({ type: "read_ok", messages: [3] }));
    expect(() => node.on("read", async () => ({ type: "read_ok", value: 3 }))).toThrow("duplicate handler: read");
  });

  test("an untyped node takes any type, with generic bodies", () => {
    const node = new Node(quiet());
    node.on("unlisted_note", (request) => {
      const anything: unknown = request.body.whatever;
      return anything === undefined ? undefined : { type: "unlisted_note_ok", any: "fields" };
    });
    expect(() => node.on("unlisted_note", () => undefined)).toThrow("duplicate handler: unlisted_note");
  });

  test("a program's own message is typed for on, send and rpc", async () => {
    const { node, input, init, sentTo } = memoryNode<EchoProtocol & Probe>();
    node.on("probe", (request) => {
      // @ts-expect-error count is a number
      const text: string = request.body.count;
      return text === "" ? undefined : { type: "probe_ok", count: request.body.count + 1 };
    });
    // @ts-expect-error the reply must carry the count
    expect(() => node.on("probe", () => ({ type: "probe_ok" }))).toThrow("duplicate handler: probe");
    const ran = node.run();
    await init("n1", ["n0", "n1"]);
    // @ts-expect-error count is a number
    node.send("n0", { type: "probe", count: "one" });
    // @ts-expect-error this program has no such message
    node.send("n0", { type: "probe_typo", count: 1 });
    const reply = node.rpc("n0", { type: "probe", count: 1 });
    await settle();
    input.pushMessages({ src: "n0", dest: "n1", body: { type: "probe_ok", count: 2, in_reply_to: 1 } });
    const count: number = (await reply).count;
    expect(count).toBe(2);
    expect(sentTo("n0")).toEqual([
      { type: "probe", count: "one" },
      { type: "probe_typo", count: 1 },
      { type: "probe", count: 1, msg_id: 1 },
    ]);
    input.end();
    await ran;
  });

  test("a library module's node must declare the library's messages", () => {
    const registerProbe = (node: Node<Probe>) =>
      node.on("probe", (request) => ({ type: "probe_ok", count: request.body.count }));
    registerProbe(new Node<EchoProtocol & Probe>(quiet()));
    // @ts-expect-error this program's protocol lacks probe
    expect(() => registerProbe(new Node<EchoProtocol>(quiet()))).not.toThrow();
  });
});

/** A node-to-node message of these tests only, declared the way a program declares its own. */
type Probe = {
  probe: { request: { type: "probe"; count: number }; reply: { type: "probe_ok"; count: number } };
};
