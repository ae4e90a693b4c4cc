#!/usr/bin/env bun
// Careless on purpose: the first echo leaves a rejected promise unhandled and a timer that
// throws. A real process on our runtime logs both and keeps running; so must a simulated one.
import { Node } from "maelstrom-lib";

const node = new Node();
let echoes = 0;
node.on("echo", (request) => {
  if (++echoes === 1) {
    void Promise.reject(new Error("a forgotten rejection"));
    setTimeout(() => {
      throw new Error("a throwing timer");
    }, 10);
  }
  return { type: "echo_ok", echo: request.body.echo };
});
await node.run();
