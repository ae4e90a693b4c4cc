#!/usr/bin/env bun
// Broken on purpose: replies its client cannot match, written by hand as a newcomer might.
//   (no argument)  every echo_ok leaves out in_reply_to;
//   wrong-id       every echo_ok answers msg_id + 1000, a request that was never sent;
//   init           init_ok leaves out in_reply_to (so init never completes).
import * as readline from "node:readline";

const mode = process.argv[2] ?? "no-in-reply-to";
let me = "";
let nextMsgId = 0;
const reply = (dest: string, body: Record<string, unknown>) => console.log(JSON.stringify({ src: me, dest, body }));

for await (const line of readline.createInterface({ input: process.stdin })) {
  const { src, body } = JSON.parse(line) as { src: string; body: Record<string, unknown> };
  if (body.type === "init") {
    me = String(body.node_id);
    reply(src, mode === "init" ? { type: "init_ok" } : { type: "init_ok", in_reply_to: body.msg_id });
  } else if (body.type === "echo") {
    const answer = mode === "wrong-id" ? { in_reply_to: Number(body.msg_id) + 1000 } : {};
    reply(src, { type: "echo_ok", echo: body.echo, msg_id: ++nextMsgId, ...answer });
  }
}
