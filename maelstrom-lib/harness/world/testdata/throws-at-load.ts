#!/usr/bin/env bun
// Broken on purpose: throws while loading, before it reads any input (a missing setting).
import { Node } from "maelstrom-lib";

const node = new Node();
node.on("echo", (request) => ({ type: "echo_ok", echo: request.body.echo }));
const peers = process.env.ECHO_PEERS_THAT_ARE_NEVER_SET;
if (peers === undefined) throw new Error("ECHO_PEERS_THAT_ARE_NEVER_SET is not set");
await node.run();
