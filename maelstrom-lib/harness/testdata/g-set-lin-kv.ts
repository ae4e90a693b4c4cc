#!/usr/bin/env bun
// A grow-only set kept in Maelstrom's lin-kv service, not in the node: an add appends its
// element to the list under one key by compare-and-set, a read reads that list. A node that is
// killed and restarted loses nothing, since it holds nothing. With the argument `slow-start` it
// waits 600 ms before it reads its stdin, so its init (at every start) takes that long. It logs
// one line to stderr as it starts.
import { LinKV, Node, PreconditionFailed, type Json } from "maelstrom-lib";

console.error(`g-set-lin-kv starting (pid ${process.pid})`);
if (process.argv.includes("slow-start")) await Bun.sleep(600);

const node = new Node();
const kv = new LinKV(node, { timeoutMs: 1000 });
const KEY = "elements";
// The runtime types add/read as g-counter's; as plain strings they get generic bodies.
const ADD: string = "add";
const READ: string = "read";

node.on(ADD, async (request) => {
  for (;;) {
    const elements = await kv.readOr<Json[]>(KEY, []);
    try {
      await kv.cas(KEY, elements, [...elements, request.body.element as Json], { create: elements.length === 0 });
      return { type: "add_ok" };
    } catch (error) {
      if (!(error instanceof PreconditionFailed)) throw error; // someone else's add came first: again
    }
  }
});
node.on(READ, async () => ({ type: "read_ok", value: await kv.readOr<Json[]>(KEY, []) }));

await node.run();
