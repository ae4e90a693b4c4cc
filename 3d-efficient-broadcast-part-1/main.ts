#!/usr/bin/env bun
/**
 * Challenge 3d: efficient broadcast, part 1 (25 nodes, 100 ms latency; target: few messages
 * per op, median stable latency ≲ 300 ms, max ≲ 450 ms).
 *
 * Flooding a grid costs a message per edge per value and many hops of latency. Instead the
 * nodes form a star around the first node (maelstrom-lib/broadcast): a leaf hands each new value to the
 * hub at once, and the hub sends everything new to every leaf in one message per leaf every
 * HUB_BEAT_MS. A value is everywhere after two hops plus at most one beat, and the hub's
 * message count no longer depends on how many values there are. Acknowledgements ride on
 * gossip that is sent anyway, so partitions cost retries only while something is missing.
 *
 * To survive a kill, a restarted node pulls its star peers' sets before it answers reads,
 * and a broadcast is acknowledged once the hub (or, at the hub, a leaf) holds the value too.
 */
import { Node } from "maelstrom-lib";
import { StarBroadcast, type StarMessages } from "maelstrom-lib/broadcast";

/** The hub's beat: ~24 messages per beat against ≤ HUB_BEAT_MS extra latency. */
const HUB_BEAT_MS = 100;

const node = new Node<StarMessages>();

new StarBroadcast(node, {
  hubBeatMs: HUB_BEAT_MS,
  // A leaf hands each value to the hub at once.
  leafBeatMs: 0,
  alignLeavesToHub: false,
  link: { retryMs: 2_000, ackDelayMs: 1_000 },
  ackOnceCopied: true,
});

await node.run();
