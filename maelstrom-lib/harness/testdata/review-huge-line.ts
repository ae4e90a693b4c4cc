#!/usr/bin/env bun
// Review: a correct echo node that, right after init, prints one 50 MB protocol line (a valid
// message to lin-kv, which ignores it) and one 50 MB line of garbage to stderr. Maelstrom reads such lines with
// a buffered line reader; the runner must neither crash nor stall on them.
const HUGE_CHARS = 50 * 1024 * 1024;
const write = (message: unknown) => process.stdout.write(`${JSON.stringify(message)}\n`);
let nodeId = "";
for await (const line of console) {
  const message = JSON.parse(line);
  const body = message.body;
  if (body.type === "init") {
    nodeId = body.node_id;
    write({ src: nodeId, dest: message.src, body: { type: "init_ok", in_reply_to: body.msg_id } });
    process.stderr.write(`${"e".repeat(HUGE_CHARS)}\n`);
    write({ src: nodeId, dest: "lin-kv", body: { type: "blob", data: "x".repeat(HUGE_CHARS) } });
  } else if (body.type === "echo") {
    write({ src: nodeId, dest: message.src, body: { type: "echo_ok", echo: body.echo, in_reply_to: body.msg_id } });
  }
}

export {}; // a module: its names stay its own
