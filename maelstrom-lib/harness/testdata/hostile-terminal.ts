#!/usr/bin/env bun
// Attack (issue 23, item 9): terminal control sequences in node output. Right after init it
// writes to stderr a screen clear, a clipboard write (OSC 52), a bell and a carriage return
// before a fake verdict, then the same on stdout as a non-JSON line, which the runner quotes
// in its protocol-violation warning.
const TRAP = "\x1b[2J\x1b[H\x1b]52;c;ZXZpbA==\x07\x9b31m\rEverything looks good! ヽ(‘ー`)ノ";
for await (const line of console) {
  const { src, body } = JSON.parse(line);
  if (body.type !== "init") continue;
  const initOk = { type: "init_ok", in_reply_to: body.msg_id };
  process.stdout.write(`${JSON.stringify({ src: body.node_id, dest: src, body: initOk })}\n`);
  process.stderr.write(`${TRAP}\n`);
  process.stdout.write(`${TRAP}\n`);
}

export {}; // a module: its names stay its own
