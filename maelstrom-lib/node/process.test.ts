/**
 * The runtime as a real process: protocol replies, error codes, rpc timeouts and late
 * replies, KV errors, timers at EOF, hostile input and output batching.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { envelopeProblem, LineProcess } from "./testdata/line-process.ts";

const TEST_NODE = "maelstrom-lib/node/testdata/test-node.ts";
const ECHO_NODE = "01-echo/main.ts";

let running: LineProcess[] = [];
afterEach(() => {
  for (const node of running) node.kill();
  running = [];
});

async function start(script: string, nodeId = "n0", nodeIds = [nodeId]): Promise<LineProcess> {
  const node = await LineProcess.started(script, nodeId, nodeIds);
  running.push(node);
  return node;
}

describe("replies and errors", () => {
  test("echo reply is exactly src, dest and body with in_reply_to", async () => {
    const node = await start(ECHO_NODE, "n3", ["n1", "n3"]);
    node.send({ id: 7, src: "c2", dest: "n3", body: { type: "echo", echo: "Please echo 42", msg_id: 5 } });
    expect((await node.nextLine()).text).toBe(
      '{"src":"n3","dest":"c2","body":{"type":"echo_ok","echo":"Please echo 42","in_reply_to":5}}',
    );
  });

  test(
    "unknown type → 10, missing type → 12, throw → 13, RPCError → its code; " + "the node keeps serving",
    async () => {
      const node = await start(TEST_NODE);
      node.send(
        { src: "c1", dest: "n0", body: { type: "no_such_type", msg_id: 2 } },
        { src: "c1", dest: "n0", body: { msg_id: 3 } },
        { src: "c1", dest: "n0", body: { type: "throw", msg_id: 4 } },
        { src: "c1", dest: "n0", body: { type: "abort", msg_id: 5 } },
        { src: "c1", dest: "n0", body: { type: "bad_reply", msg_id: 6 } },
        { src: "c1", dest: "n0", body: { type: "throw_async", msg_id: 7 } },
        { src: "c1", dest: "n0", body: { type: "echo", echo: 1, msg_id: 8 } },
      );
      const replies = (await node.nextLines(7)).map((line) => line.message.body);
      const byRequest = new Map(replies.map((body) => [body.in_reply_to, body]));
      expect(byRequest.get(2)).toMatchObject({ type: "error", code: 10 });
      expect(byRequest.get(3)).toMatchObject({ type: "error", code: 12 });
      expect(byRequest.get(4)).toMatchObject({ type: "error", code: 13, text: "boom" });
      expect(byRequest.get(5)).toEqual({ type: "error", code: 30, text: "conflict on purpose", in_reply_to: 5 });
      expect(byRequest.get(6)).toMatchObject({ type: "error", code: 13 });
      expect(byRequest.get(7)).toMatchObject({ type: "error", code: 13, text: "async boom" });
      expect(byRequest.get(8)).toEqual({ type: "echo_ok", echo: 1, in_reply_to: 8 });
      expect(node.stderr).toContain("no handler for type");
      expect(node.stderr).toContain("Error: boom");
    },
  );

  test("no reply to a message without msg_id; a second init gets an error, never a second init_ok", async () => {
    const node = await start(TEST_NODE);
    node.send(
      { src: "c1", dest: "n0", body: { type: "fire_and_forget" } },
      { src: "c1", dest: "n0", body: { type: "no_such_type" } },
      { src: "c1", dest: "n0", body: { type: "throw" } },
      { src: "c9", dest: "n0", body: { type: "init", node_id: "n0", node_ids: ["n0"], msg_id: 1 } },
    );
    const reply = await node.nextLine();
    expect(reply.message).toMatchObject({ dest: "c9", body: { type: "error", code: 14, in_reply_to: 1 } });
    expect(await node.quietFor(200)).toBe(true);
  });

  test("requests before init get error 11; malformed init gets 12", async () => {
    const node = LineProcess.spawn(["bun", TEST_NODE]);
    running.push(node);
    node.send(
      { src: "c1", dest: "n0", body: { type: "echo", echo: "early", msg_id: 1 } },
      { src: "c0", dest: "n0", body: { type: "init", node_id: 5, node_ids: "n0", msg_id: 1 } },
    );
    const [early, badInit] = await node.nextLines(2);
    expect(early!.message).toEqual({
      src: "n0",
      dest: "c1",
      body: { type: "error", code: 11, text: "node not initialised yet", in_reply_to: 1 },
    });
    expect(badInit!.message.body).toMatchObject({ type: "error", code: 12, in_reply_to: 1 });
    await node.init("n0", ["n0"]);
  });
});

describe("rpc", () => {
  test("resolves with the peer's reply; the reply to the client carries it", async () => {
    const node = await start(TEST_NODE, "n0", ["n0", "n1"]);
    node.send({ src: "c1", dest: "n0", body: { type: "call", peer: "n1", timeout_ms: 2000, msg_id: 2 } });
    const ping = await node.nextLine();
    expect(ping.message).toEqual({ src: "n0", dest: "n1", body: { type: "ping", msg_id: 1 } });
    node.send({ src: "n1", dest: "n0", body: { type: "pong", in_reply_to: 1 } });
    expect((await node.nextLine()).message).toEqual({
      src: "n0",
      dest: "c1",
      body: { type: "call_ok", reply: { type: "pong", in_reply_to: 1 }, in_reply_to: 2 },
    });
  });

  test("times out with RPCError 0; a late reply is dropped quietly and the node keeps serving", async () => {
    const node = await start(TEST_NODE, "n0", ["n0", "n1"]);
    node.send({ src: "c1", dest: "n0", body: { type: "call", peer: "n1", timeout_ms: 100, msg_id: 2 } });
    expect((await node.nextLine()).message.body).toEqual({ type: "ping", msg_id: 1 });
    const failed = await node.nextLine(2000);
    expect(failed.message.body).toEqual({
      type: "call_failed",
      name: "RPCError",
      code: 0,
      definite: false,
      in_reply_to: 2,
    });
    // The late reply, and one nobody asked for: no output, no crash.
    node.send(
      { src: "n1", dest: "n0", body: { type: "pong", in_reply_to: 1 } },
      { src: "n1", dest: "n0", body: { type: "pong", in_reply_to: 999 } },
      { src: "n1", dest: "n0", body: { type: "error", code: 13, in_reply_to: 1 } },
    );
    expect(await node.quietFor(200)).toBe(true);
    expect(node.stderr).toContain("dropped reply with no pending rpc");
    node.send({ src: "c1", dest: "n0", body: { type: "echo", echo: "still here", msg_id: 3 } });
    expect((await node.nextLine()).message.body).toEqual({ type: "echo_ok", echo: "still here", in_reply_to: 3 });
  });

  test("an error reply rejects with RPCError carrying the peer's code", async () => {
    const node = await start(TEST_NODE, "n0", ["n0", "n1"]);
    node.send({ src: "c1", dest: "n0", body: { type: "call", peer: "n1", timeout_ms: 2000, msg_id: 2 } });
    await node.nextLine();
    node.send({ src: "n1", dest: "n0", body: { type: "error", code: 11, text: "busy", in_reply_to: 1 } });
    expect((await node.nextLine()).message.body).toEqual({
      type: "call_failed",
      name: "RPCError",
      code: 11,
      definite: true,
      in_reply_to: 2,
    });
  });

  test("KV cas sends create_if_not_exists; codes 22 and 20 become PreconditionFailed and KeyDoesNotExist", async () => {
    const node = await start(TEST_NODE);
    node.send({ src: "c1", dest: "n0", body: { type: "kv_cas", from: 1, to: 2, msg_id: 2 } });
    const cas = await node.nextLine();
    expect(cas.message).toEqual({
      src: "n0",
      dest: "seq-kv",
      body: { type: "cas", key: "k", from: 1, to: 2, create_if_not_exists: true, msg_id: 1 },
    });
    node.send({
      src: "seq-kv",
      dest: "n0",
      body: { type: "error", code: 22, text: "current value 5 is not 1", in_reply_to: 1 },
    });
    expect((await node.nextLine()).message.body).toMatchObject({
      type: "call_failed",
      name: "PreconditionFailed",
      code: 22,
    });

    node.send({ src: "c1", dest: "n0", body: { type: "kv_read", msg_id: 3 } });
    expect((await node.nextLine()).message.body).toEqual({ type: "read", key: "k", msg_id: 2 });
    node.send({
      src: "seq-kv",
      dest: "n0",
      body: { type: "error", code: 20, text: "key does not exist", in_reply_to: 2 },
    });
    expect((await node.nextLine()).message.body).toEqual({ type: "kv_read_ok", value: -1, in_reply_to: 3 });
  });
});

describe("timers and shutdown", () => {
  test("every() ticks after init and stops at stdin EOF: the process exits", async () => {
    const node = await start(TEST_NODE);
    node.send({ src: "c1", dest: "n0", body: { type: "start_ticking", period_ms: 20, msg_id: 2 } });
    expect((await node.nextLine()).message.body).toEqual({ type: "start_ticking_ok", in_reply_to: 2 });
    const ticks = await node.nextLines(3);
    expect(ticks.map((line) => line.message.body.n)).toEqual([1, 2, 3]);
    expect(await node.closeStdin(3000)).toBe(0);
    expect(node.stderr).toContain("stdin closed after");
  });

  test("an unawaited rpc that times out and a throwing bare timer are logged, not fatal", async () => {
    const node = await start(TEST_NODE, "n0", ["n0", "n1"]);
    node.send({ src: "c1", dest: "n0", body: { type: "floating_rpc", msg_id: 2 } });
    await node.nextLines(2); // the ping and floating_rpc_ok
    await Bun.sleep(200);
    node.send({ src: "c1", dest: "n0", body: { type: "echo", echo: "alive", msg_id: 3 } });
    expect((await node.nextLine()).message.body).toEqual({ type: "echo_ok", echo: "alive", in_reply_to: 3 });
    expect(node.stderr).toContain("unhandled rejection, node keeps running");
    expect(node.stderr).toContain("uncaught exception, node keeps running");
  });

  test("a pending rpc does not keep the process alive after EOF", async () => {
    const node = await start(TEST_NODE, "n0", ["n0", "n1"]);
    node.send({ src: "c1", dest: "n0", body: { type: "call", peer: "n1", timeout_ms: 60_000, msg_id: 2 } });
    await node.nextLine();
    expect(await node.closeStdin(3000)).toBe(0);
  });
});

describe("hostile input", () => {
  test("1,200 malformed lines never kill the node nor corrupt stdout", async () => {
    const node = await start(ECHO_NODE);
    const { lines, replyable } = hostileLines(1200, 20261125);
    for (let start = 0; start < lines.length; start += 100) node.send(...lines.slice(start, start + 100));
    node.send({ src: "c1", dest: "n0", body: { type: "echo", echo: "survived", msg_id: 424242 } });
    let last: Record<string, unknown> | undefined;
    while (last?.in_reply_to !== 424242) last = (await node.nextLine(10_000)).message.body;
    expect(last).toEqual({ type: "echo_ok", echo: "survived", in_reply_to: 424242 });
    const problems = node.lines.map(envelopeProblem).filter((problem) => problem !== undefined);
    expect(problems).toEqual([]);
    for (const text of node.lines.slice(1, -1)) {
      const { dest, body } = JSON.parse(text);
      expect(replyable.has(`${dest} ${body.in_reply_to}`)).toBe(true);
    }
    expect(node.lines.length).toBeGreaterThan(50);
    expect(await node.closeStdin()).toBe(0);
  }, 30_000);
});

describe("output batching", () => {
  test("10,000 requests in one write: 10,000 complete replies, in order", async () => {
    const node = await start(ECHO_NODE);
    const requests = Array.from({ length: 10_000 }, (_, index) => ({
      src: "c1",
      dest: "n0",
      body: { type: "echo", echo: `m${index}`, msg_id: index + 2 },
    }));
    node.send(...requests);
    const replies = await node.nextLines(10_000);
    replies.forEach((reply, index) => {
      expect(reply.text).toBe(
        `{"src":"n0","dest":"c1","body":{"type":"echo_ok","echo":"m${index}","in_reply_to":${index + 2}}}`,
      );
    });
    // One write per input chunk (at most 64 KiB of a pipe at a time): far fewer reads than lines.
    expect(node.stdoutChunks).toBeLessThan(1000);
  });
});

/**
 * Deterministic hostile input: invalid JSON, wrong types, missing fields, unknown types, huge
 * strings, deep nesting, bad envelopes. Returns the lines and the "src msg_id" pairs that may
 * legitimately be answered (an integer msg_id and a string src).
 */
function hostileLines(count: number, seed: number): { lines: string[]; replyable: Set<string> } {
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
  const junkValues: unknown[] = [
    null,
    true,
    0,
    -1,
    1.5,
    2 ** 60,
    "",
    "x",
    [],
    {},
    [1, [2, [3]]],
    { a: { b: null } },
    "\u2028",
    "c1\n",
    "é🎉",
  ];
  const srcs: unknown[] = ["c1", "n0", 'c"quoted', "c\nnewline", "", 7, null, [], { id: "c1" }, undefined];
  const msgIds: unknown[] = [2, 3, 0, -5, 1.5, "4", null, [], 2 ** 53, undefined];
  const types: unknown[] = [
    "echo",
    "nope",
    "",
    "init",
    "ECHO",
    "echo_ok",
    "__proto__",
    "constructor",
    "toString",
    12,
    null,
    undefined,
    ["echo"],
  ];
  const lines: string[] = [];
  const replyable = new Set<string>();
  const huge = "x".repeat(300_000);
  const deep = "[".repeat(50_000) + "]".repeat(50_000);
  for (let index = 0; index < count; index++) {
    const kind = index % 10;
    if (kind === 0) {
      lines.push(
        pick(["{", "}", "nul", '{"src":', "[1,2", '"unterminated', "{'single':1}", "\u0000", '{"a":1}}', "💥"]),
      );
      continue;
    }
    if (kind === 1) {
      lines.push(
        pick(["null", "[]", "1", '"str"', "true", "{}", '{"body":null}', '{"body":[]}', '{"body":"x"}', deep]),
      );
      continue;
    }
    const src = pick(srcs);
    const msgId = pick(msgIds);
    const body: Record<string, unknown> = {};
    const type = pick(types);
    if (type !== undefined) body.type = type;
    if (msgId !== undefined) body.msg_id = msgId;
    if (type === "init") {
      // A valid-looking init would re-initialise nothing (already initialised), but keep most broken.
      body.node_id = pick(["n0", 3, null]);
      body.node_ids = pick([["n0"], "n0", [1, 2]]);
    }
    if (kind === 2) body.echo = huge;
    else if (kind === 3) body.echo = JSON.parse(JSON.stringify(pick(junkValues)));
    else if (kind === 4) body.in_reply_to = pick(msgIds);
    const message: Record<string, unknown> = { src, dest: pick(["n0", 1, undefined]), body };
    if (kind === 5) message.body = pick(junkValues);
    if (kind === 6) message.extra = pick(junkValues);
    const text = JSON.stringify(message);
    lines.push(kind === 7 ? text.slice(0, Math.floor(random() * text.length)) : text);
    if (typeof src === "string" && Number.isInteger(msgId)) replyable.add(`${src} ${msgId}`);
  }
  return { lines, replyable };
}
