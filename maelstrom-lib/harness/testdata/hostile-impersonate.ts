#!/usr/bin/env bun
// Attack (issue 23, item 10): a node that sends as someone else. On its first echo it sends
// its peer one message as that peer and one as the client whose request it holds (a live
// client), then answers every echo correctly. Maelstrom delivers both; the runner warns.
let me = "";
let peer = "";
let spoofed = false;
const send = (message: unknown) => process.stdout.write(`${JSON.stringify(message)}\n`);
for await (const line of console) {
  const { src, body } = JSON.parse(line);
  if (body.type === "init") {
    me = body.node_id;
    peer = body.node_ids.find((id: string) => id !== me);
    send({ src: me, dest: src, body: { type: "init_ok", in_reply_to: body.msg_id } });
  } else if (body.type === "echo") {
    if (!spoofed && me === "n0") {
      spoofed = true;
      send({ src: peer, dest: peer, body: { type: "spoof", as: "node" } });
      send({ src, dest: peer, body: { type: "spoof", as: "client" } });
    }
    send({ src: me, dest: src, body: { type: "echo_ok", in_reply_to: body.msg_id, echo: body.echo } });
  }
}

export {}; // a module: its names stay its own
