#!/usr/bin/env bun
/**
 * The bare-Bun echo baseline for bench/runtime.ts: reads stdin in chunks, parses each line,
 * and writes all replies of a chunk in one stdout write. No handlers, no validation, no
 * timers: the ceiling a runtime can approach on this machine.
 */
import { writeSync } from "node:fs";

const decoder = new TextDecoder();
let partial = "";
let nodeId = "";
for await (const chunk of Bun.stdin.stream()) {
  const data = partial + decoder.decode(chunk, { stream: true });
  let out = "";
  let start = 0;
  for (let newline = data.indexOf("\n"); newline !== -1; newline = data.indexOf("\n", start)) {
    const message = JSON.parse(data.slice(start, newline));
    start = newline + 1;
    const body = message.body;
    if (body.type === "init") nodeId = body.node_id;
    const reply =
      body.type === "init"
        ? { type: "init_ok", in_reply_to: body.msg_id }
        : { type: "echo_ok", echo: body.echo, in_reply_to: body.msg_id };
    out += JSON.stringify({ src: nodeId, dest: message.src, body: reply }) + "\n";
  }
  partial = data.slice(start);
  if (out.length > 0) writeSync(1, out);
}
