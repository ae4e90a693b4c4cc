#!/usr/bin/env bun
// Review: odd but survivable output. After init it sends lin-kv a message whose string holds
// bytes that are not UTF-8 (a valid line: Maelstrom decodes with replacement characters and
// delivers it; lin-kv ignores the unknown type). It answers three echoes, then "answers" the
// fourth with a body that is a JSON array: that line is malformed, so (as in Maelstrom) none of
// its later output is delivered and the remaining echoes time out.
const out = (text: string | Uint8Array) => process.stdout.write(text);
let nodeId = "";
let echoes = 0;
for await (const line of console) {
  const message = JSON.parse(line);
  const body = message.body;
  if (body.type === "init") {
    nodeId = body.node_id;
    out(`${JSON.stringify({ src: nodeId, dest: message.src, body: { type: "init_ok", in_reply_to: body.msg_id } })}\n`);
    const prefix = new TextEncoder().encode(`{"src":"${nodeId}","dest":"lin-kv","body":{"type":"junk","s":"`);
    const suffix = new TextEncoder().encode(`"}}\n`);
    out(new Uint8Array([...prefix, 0xff, 0xfe, 0xc3, ...suffix]));
  } else if (body.type === "echo") {
    const reply = ++echoes <= 3 ? { type: "echo_ok", echo: body.echo, in_reply_to: body.msg_id } : [body.echo];
    out(`${JSON.stringify({ src: nodeId, dest: message.src, body: reply })}\n`);
  }
}

export {}; // a module: its names stay its own
