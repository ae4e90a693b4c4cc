#!/usr/bin/env bun
// Attack (issue 23, item 1): JSON nested absurdly deep, written raw. `peer DEPTH`: right after
// init, sends its peer a message whose body nests DEPTH arrays (delivering 100,000 used to
// overflow JSON.stringify in the runner); `reply DEPTH`: answers every echo with an echo value
// nested DEPTH deep (10,000 used to run the runner out of memory writing results.json).
const [where, depthText] = process.argv.slice(2);
const depth = Number(depthText);
const nested = "[".repeat(depth) + "]".repeat(depth);
const send = (line: string) => process.stdout.write(`${line}\n`);
let me = "";
let peers: string[] = [];
for await (const line of console) {
  const { src, body } = JSON.parse(line);
  if (body.type === "init") {
    me = body.node_id;
    peers = body.node_ids.filter((id: string) => id !== me);
    send(JSON.stringify({ src: me, dest: src, body: { type: "init_ok", in_reply_to: body.msg_id } }));
    if (where === "peer" && peers[0]) send(`{"src":"${me}","dest":"${peers[0]}","body":{"type":"deep","v":${nested}}}`);
  } else if (body.type === "echo") {
    const echo = where === "reply" ? nested : JSON.stringify(body.echo);
    send(`{"src":"${me}","dest":"${src}","body":{"type":"echo_ok","in_reply_to":${body.msg_id},"echo":${echo}}}`);
  }
}

export {}; // a module: its names stay its own
