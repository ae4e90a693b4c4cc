#!/usr/bin/env bun
// Review: a correct unique-ids node whose ids are distinct 64-bit integers above 2^53
// (time-in-nanoseconds style, as many Go solutions produce). Maelstrom parses them exactly
// (Cheshire → Long), so they never collide there.
const BASE = 1_750_000_000_000_000_000n;
const write = (line: string) => process.stdout.write(`${line}\n`);
let nodeId = "";
let nodeIndex = 0n;
let counter = 0n;
for await (const line of console) {
  const message = JSON.parse(line);
  const body = message.body;
  if (body.type === "init") {
    nodeId = body.node_id;
    nodeIndex = BigInt(body.node_ids.indexOf(nodeId));
    write(JSON.stringify({ src: nodeId, dest: message.src, body: { type: "init_ok", in_reply_to: body.msg_id } }));
  } else if (body.type === "generate") {
    const id = BASE + nodeIndex * 1_000_000_000n + counter++; // unique per node and across nodes
    const reply = `{"type":"generate_ok","id":${id},"in_reply_to":${body.msg_id}}`;
    write(`{"src":"${nodeId}","dest":"${message.src}","body":${reply}}`);
  }
}

export {}; // a module: its names stay its own
