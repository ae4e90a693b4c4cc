// Review: a correct echo node WITHOUT a shebang line (but with the executable bit). Maelstrom
// execs --bin directly (ProcessBuilder), which fails with "Exec format error": the run aborts.
const write = (message: unknown) => process.stdout.write(`${JSON.stringify(message)}\n`);
let nodeId = "";
for await (const line of console) {
  const message = JSON.parse(line);
  const body = message.body;
  if (body.type === "init") {
    nodeId = body.node_id;
    write({ src: nodeId, dest: message.src, body: { type: "init_ok", in_reply_to: body.msg_id } });
  } else if (body.type === "echo") {
    write({ src: nodeId, dest: message.src, body: { type: "echo_ok", echo: body.echo, in_reply_to: body.msg_id } });
  }
}

export {}; // a module: its names stay its own
