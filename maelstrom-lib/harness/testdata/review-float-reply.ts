#!/usr/bin/env bun
// Review: answers init correctly, but writes every echo_ok's in_reply_to as a JSON float
// ("in_reply_to":1.0), as a Python or Jackson node with a float field would. Maelstrom's client
// compares with Clojure `=`, so 1.0 never matches msg_id 1: every echo times out there.
const write = (line: string) => process.stdout.write(`${line}\n`);
let nodeId = "";
for await (const line of console) {
  const message = JSON.parse(line);
  const body = message.body;
  if (body.type === "init") {
    nodeId = body.node_id;
    write(JSON.stringify({ src: nodeId, dest: message.src, body: { type: "init_ok", in_reply_to: body.msg_id } }));
  } else if (body.type === "echo") {
    const echo = JSON.stringify(body.echo);
    const reply = `{"type":"echo_ok","echo":${echo},"in_reply_to":${body.msg_id}.0}`;
    write(`{"src":"${nodeId}","dest":"${message.src}","body":${reply}}`);
  }
}

export {}; // a module: its names stay its own
