#!/usr/bin/env bun
// Attack (issue 23, item 8): a node that forks a child and ignores the end of its stdin, as
// both of them would if they were, say, a server and its worker. It appends its own pid and
// its child's to the file named by its first argument; only a kill of the group ends them.
import { appendFileSync } from "node:fs";
const child = Bun.spawn(["sleep", "1000"], { stdin: "ignore", stdout: "ignore", stderr: "ignore" });
appendFileSync(process.argv[2]!, `${process.pid}\n${child.pid}\n`);
let me = "";
for await (const line of console) {
  const { src, body } = JSON.parse(line);
  if (body.type === "init") me = body.node_id;
  const type = body.type === "init" ? "init_ok" : "echo_ok";
  const reply = { type, in_reply_to: body.msg_id, echo: body.echo };
  process.stdout.write(`${JSON.stringify({ src: me, dest: src, body: reply })}\n`);
}
setInterval(() => {}, 1000); // stdin ended: go on anyway
