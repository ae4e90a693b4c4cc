#!/usr/bin/env bun
// Broken on purpose: answers init with an error reply instead of init_ok (no runtime, raw lines).
for await (const line of console) {
  const message = JSON.parse(line);
  if (message.body.type !== "init") continue;
  console.error("refusing to initialize");
  const body = { type: "error", code: 13, text: "cannot open my database", in_reply_to: message.body.msg_id };
  console.log(JSON.stringify({ src: message.dest, dest: message.src, body }));
}

export {}; // a module: its names stay its own
