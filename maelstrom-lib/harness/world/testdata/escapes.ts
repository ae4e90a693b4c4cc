#!/usr/bin/env bun
// An echo node that reaches the real machine (a file read, the host name): the simulation runs
// it, but must say that it escaped.
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { Node } from "maelstrom-lib";

const node = new Node();
node.onInit(() =>
  node.log(`source ${readFileSync(import.meta.path, "utf8").length} chars on ${hostname().length > 0}`),
);
node.on("echo", (request) => ({ type: "echo_ok", echo: request.body.echo }));
await node.run();
