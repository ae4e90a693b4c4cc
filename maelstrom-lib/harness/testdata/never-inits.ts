#!/usr/bin/env bun
// Broken on purpose: reads its input and never answers anything, init included.
console.error("listening, but not answering");
for await (const _chunk of Bun.stdin.stream()) {
  // swallow
}

export {}; // a module: its names stay its own
