import { describe, expect, test } from "bun:test";
import { OpMessageLocator } from "./op-messages.ts";
import type { JournalEvent } from "../contracts/journal.ts";
import type { TimelineOp } from "./timeline.ts";

const MS = 1_000_000;
const op = (index: number, startMs: number, node: string, f: string): TimelineOp => ({
  index,
  process: "0",
  node,
  f,
  type: "ok",
  startSec: startMs / 1000,
  endSec: startMs / 1000 + 0.01,
  detail: "",
});
const send = (id: number, timeMs: number, src: string, dest: string, type: string): JournalEvent => ({
  type: "send",
  id,
  time: timeMs * MS,
  src,
  dest,
  body: { type, msg_id: 1 },
});

describe("finding an op's request message", () => {
  test("the first client send of the op's type to its node, right after the invocation", () => {
    const locator = new OpMessageLocator([op(11, 100, "n1", "read"), op(21, 200, "n0", "broadcast")]);
    const journal = [
      send(0, 100, "c1", "n0", "read"), // wrong node
      send(1, 100, "n1", "n2", "read"), // not from a client
      send(2, 100.5, "c2", "n1", "read"), // this one
      send(3, 100.6, "c3", "n1", "read"), // taken already: a different op's
      send(4, 210, "c4", "n0", "broadcast"), // too late for op 21
    ];
    for (const event of journal) locator.add(event);
    expect(locator.result()).toEqual(new Map([[11, 2]]));
  });
});
