#!/usr/bin/env bun
// Review: exits with status 2 as soon as it reads its init message, without answering it.
for await (const _line of console) {
  console.error("dying during init");
  process.exit(2);
}

export {}; // a module: its names stay its own
