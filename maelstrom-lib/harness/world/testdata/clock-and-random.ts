#!/usr/bin/env bun
// An echo node that logs what it reads of time and randomness through every global a program
// might use, and fires timers: under the simulation, all of it is virtual and seeded.
import { randomBytes } from "node:crypto";
import { Node } from "../../../node/index.ts";

const node = new Node();
node.onInit(() => {
  const started = Date.now();
  node.log(`init at ${started} perf ${performance.now()} now ${new Date().toISOString()}`);
  node.log(`random ${Math.random()} uuid ${crypto.randomUUID()} bytes ${randomBytes(4).toString("hex")}`);
  setTimeout(() => node.log(`timeout after ${Date.now() - started} ms`), 250);
  let ticks = 0;
  const interval = setInterval(() => {
    node.log(`tick ${++ticks} after ${Date.now() - started} ms`);
    if (ticks === 3) clearInterval(interval);
  }, 100);
  void Bun.sleep(400).then(() => node.log(`slept ${Date.now() - started} ms`));
});
node.on("echo", (request) => ({ type: "echo_ok", echo: request.body.echo }));
await node.run();
