/**
 * 3c's retry loop on a fake clock: a hand-over is sent again after each timeout at once, after
 * an error reply only once RETRY_AFTER_MS has passed, and never again once acknowledged.
 * main.ts runs as it is, in this process (programNode); main.test.ts runs it under partitions.
 */
import { expect, test } from "bun:test";
import { programNode } from "../maelstrom-lib/harness/world/testdata/program.ts";
import { settle } from "../maelstrom-lib/node/testdata/memory-node.ts";

test("a gossip is retried after a timeout or an error, until acknowledged, and only then", async () => {
  const { input, clock, sentTo: sentAnyTo, init, ran } = await programNode("3c-fault-tolerant-broadcast/main.ts");
  // The recovery syncs at init are not hand-overs.
  const sentTo = (dest: string) => sentAnyTo(dest).filter((body) => body.type === "gossip");
  await init("n0", ["n0", "n1", "n2"]);
  input.pushMessages(
    { src: "c0", dest: "n0", body: { type: "topology", topology: { n0: ["n1", "n2"] }, msg_id: 1 } },
    { src: "c1", dest: "n0", body: { type: "broadcast", message: 5, msg_id: 2 } },
  );
  await settle();
  const [toN1] = sentTo("n1");
  expect(toN1).toMatchObject({ type: "gossip", message: 5 });
  expect(sentTo("n2")).toHaveLength(1);
  input.pushMessages({ src: "n1", dest: "n0", body: { type: "gossip_ok", in_reply_to: toN1!.msg_id } });
  await settle();

  // n2 does not answer: the rpc times out after 1 s and the gossip goes again at once.
  clock.advance(999);
  await settle();
  expect(sentTo("n2")).toHaveLength(1);
  clock.advance(1);
  await settle();
  expect(sentTo("n2")).toHaveLength(2);

  // An error reply (not a timeout) waits a full second before the next try.
  input.pushMessages({
    src: "n2",
    dest: "n0",
    body: { type: "error", code: 11, in_reply_to: sentTo("n2")[1]!.msg_id },
  });
  await settle();
  clock.advance(999);
  await settle();
  expect(sentTo("n2")).toHaveLength(2);
  clock.advance(1);
  await settle();
  const retries = sentTo("n2");
  expect(retries).toHaveLength(3);
  expect(retries[2]).toMatchObject({ type: "gossip", message: 5 });

  // Acknowledged: silence on both links however long we wait.
  input.pushMessages({ src: "n2", dest: "n0", body: { type: "gossip_ok", in_reply_to: retries[2]!.msg_id } });
  await settle();
  clock.advance(10_000);
  await settle();
  expect(sentTo("n2")).toHaveLength(3);
  expect(sentTo("n1")).toHaveLength(1);
  input.end();
  await ran;
});
