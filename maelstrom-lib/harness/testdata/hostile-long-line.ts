#!/usr/bin/env bun
// Attack (issue 23, item 2): one endless line. `STREAM MB`: right after init, writes MB
// megabytes to STREAM (stderr or stdout) without a newline, then a newline, and answers every
// echo correctly meanwhile and afterwards. A 1 GB stderr line used to take the runner to 3.3 GB.
import { writeSync } from "node:fs";
const [stream, megabytesText] = process.argv.slice(2);
const fd = stream === "stdout" ? 1 : 2;
const chunk = Buffer.alloc(1 << 20, "x");
const reply = (message: unknown) => writeSync(1, `${JSON.stringify(message)}\n`);
let me = "";
for await (const line of console) {
  const { src, body } = JSON.parse(line);
  if (body.type === "init") {
    me = body.node_id;
    reply({ src: me, dest: src, body: { type: "init_ok", in_reply_to: body.msg_id } });
    // Blocking writes: a runner that stopped reading this pipe keeps the node here, as it would a Maelstrom node.
    for (let i = 0; i < Number(megabytesText); i++) writeSync(fd, chunk);
    writeSync(fd, "\n");
  } else if (body.type === "echo") {
    reply({ src: me, dest: src, body: { type: "echo_ok", in_reply_to: body.msg_id, echo: body.echo } });
  }
}
