#!/usr/bin/env bun
// Attack: a node that stops reading its stdin while its peer floods it. After init, n0 sends
// n1 MB messages of a megabyte each; n1 answers init and then stops itself (SIGSTOP), so it
// never reads again. What the runner writes to n1's stdin piles up in the runner unless capped.
import { writeSync } from "node:fs";
const megabytes = Number(process.argv[2]);
const filler = "x".repeat(1 << 20);
for await (const line of console) {
  const { src, body } = JSON.parse(line);
  if (body.type !== "init") continue;
  const me = body.node_id;
  writeSync(1, `${JSON.stringify({ src: me, dest: src, body: { type: "init_ok", in_reply_to: body.msg_id } })}\n`);
  if (me !== "n0") process.kill(process.pid, "SIGSTOP"); // n1: deaf from now on
  await Bun.sleep(200); // until n1 has answered its own init
  const flood = `{"src":"n0","dest":"n1","body":{"type":"flood","s":"${filler}"}}\n`;
  for (let i = 0; i < megabytes; i++) writeSync(1, flood);
}
setInterval(() => {}, 1000);
