/**
 * The add's deadline on a fake clock, against a seq-kv the test plays with 100 ms per answer:
 * an add that keeps losing its CAS retries until ADD_DEADLINE_MS (3 s) and then fails with
 * error 11, well inside the client's 5 s; one whose CAS wins is acknowledged at once. main.ts
 * runs as it is, in this process (programNode); main.test.ts runs it against the runner's seq-kv.
 */
import { expect, test } from "bun:test";
import type { GenericBody } from "maelstrom-lib";
import { programNode } from "../maelstrom-lib/harness/world/testdata/program.ts";
import { settle } from "../maelstrom-lib/node/testdata/memory-node.ts";

/** How long the played seq-kv takes per answer (fake time). */
const ANSWER_MS = 100;

/** A counter node after init, with an add of 3 from c1 in flight, and a seq-kv that answers with `answer`. */
async function counterWithAdd(answer: (request: GenericBody) => object) {
  const { ran, ...env } = await programNode("4-grow-only-counter/main.ts");
  await env.init("n0", ["n0"]);
  env.input.pushMessages({ src: "c1", dest: "n0", body: { type: "add", delta: 3, msg_id: 1 } });
  const answered = new Set<unknown>();
  /** Answers seq-kv, ANSWER_MS per request, until the add is replied to or the fake time runs out. */
  const playSeqKv = async (untilMs: number) => {
    while (env.sentTo("c1").length === 0 && env.clock.nowMs() < untilMs) {
      await settle();
      const request = env.sentTo("seq-kv").find((body) => !answered.has(body.msg_id));
      if (request === undefined) break;
      answered.add(request.msg_id);
      env.clock.advance(ANSWER_MS);
      env.input.pushMessages({ src: "seq-kv", dest: "n0", body: { ...answer(request), in_reply_to: request.msg_id } });
    }
    await settle();
  };
  const stop = async () => {
    env.input.end();
    await ran;
  };
  return { ...env, playSeqKv, stop };
}

test("an add that keeps losing CAS races fails with error 11 at its 3 s deadline, not before", async () => {
  const counter = await counterWithAdd((request) =>
    request.type === "read" ? { type: "read_ok", value: 10 } : { type: "error", code: 22, text: "precondition failed" },
  );
  await counter.playSeqKv(2_900);
  expect(counter.sentTo("c1")).toEqual([]);
  await counter.playSeqKv(10_000);
  expect(counter.sentTo("c1")).toEqual([{ type: "error", code: 11, text: "too many CAS conflicts", in_reply_to: 1 }]);
  // One read and one CAS every 200 ms until 3 s.
  const casAttempts = counter.sentTo("seq-kv").filter((body) => body.type === "cas");
  expect(casAttempts).toHaveLength(15);
  expect(casAttempts[0]).toMatchObject({ key: "counter", from: 10, to: 13 });
  expect(counter.clock.nowMs()).toBe(3_000);
  await counter.stop();
});

test("an add whose CAS wins on the second try is acknowledged then", async () => {
  let cases = 0;
  const counter = await counterWithAdd((request) => {
    if (request.type === "read") return { type: "read_ok", value: 10 };
    return ++cases === 1 ? { type: "error", code: 22 } : { type: "cas_ok" };
  });
  await counter.playSeqKv(10_000);
  expect(counter.sentTo("c1")).toEqual([{ type: "add_ok", in_reply_to: 1 }]);
  expect(counter.clock.nowMs()).toBe(4 * ANSWER_MS);
  await counter.stop();
});
