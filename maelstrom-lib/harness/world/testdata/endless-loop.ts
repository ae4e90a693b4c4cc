#!/usr/bin/env bun
// Broken on purpose: the third echo never returns (an endless loop), for the simulation's watchdog.
import { Node } from "maelstrom-lib";

const node = new Node();
let echoes = 0;
node.on("echo", (request) => {
  echoes++;
  while (echoes === 3) {
    // spins forever: the handler never hands control back
  }
  return { type: "echo_ok", echo: request.body.echo };
});
await node.run();
