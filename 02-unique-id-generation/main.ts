#!/usr/bin/env bun
// Challenge 2: unique ids. A UUIDv7 is unique without any coordination between nodes (48 bits
// of time plus 74 random bits per id), so the cluster stays available under partitions.
import { Node, type UniqueIdsProtocol } from "maelstrom-lib";
import { v7 as uuidv7 } from "uuid";

const node = new Node<UniqueIdsProtocol>();
node.on("generate", () => ({ type: "generate_ok", id: uuidv7() }));
await node.run();
