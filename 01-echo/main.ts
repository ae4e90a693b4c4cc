#!/usr/bin/env bun
// Challenge 1: echo. Reply to every echo request with the same value; the runtime answers
// init, adds in_reply_to and takes care of the wire.
import { type EchoProtocol, Node } from "maelstrom-lib";

const node = new Node<EchoProtocol>();
node.on("echo", (request) => ({ type: "echo_ok", echo: request.body.echo }));
await node.run();
