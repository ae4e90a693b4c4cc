import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LamportCollector, isDiagramEvent, LAMPORT, messageLabel, unmatchedNote } from "./lamport-svg.ts";
import { digestJournal } from "./index.ts";
import type { JournalEvent } from "../contracts/journal.ts";
import { sortParticipants } from "../primitives/svg-text.ts";
import { writeSyntheticRun } from "./testdata/synthetic-run.ts";
import { wellFormednessProblems } from "../../../tools/xml-check.ts";

const countMatches = (text: string, pattern: RegExp): number => [...text.matchAll(pattern)].length;

describe("participants and labels", () => {
  test("participants sort by prefix then number, services last (sort-clients)", () => {
    expect(sortParticipants(["n10", "seq-kv", "c10", "n2", "lin-kv", "c2", "n0"])).toEqual([
      "c2",
      "c10",
      "n0",
      "n2",
      "n10",
      "lin-kv",
      "seq-kv",
    ]);
  });

  test("a label is the type and the body without bookkeeping keys; errors show their text", () => {
    expect(messageLabel({ type: "gossip", msg_id: 3, in_reply_to: 1, messages: [1, 2] })).toBe(
      'gossip {"messages":[1,2]}',
    );
    expect(messageLabel({ type: "error", code: 20, text: "key does not exist", in_reply_to: 4 })).toBe(
      "error key does not exist",
    );
    const long = messageLabel({ type: "read_ok", messages: Array.from({ length: 40 }, (_, index) => index) });
    expect(long.length).toBe(48);
    expect(long.endsWith("…")).toBe(true);
  });
});

describe("replies a client cannot match", () => {
  /** A message's send and its delivery, one journal step apart. */
  const both = (id: number, src: string, dest: string, body: Record<string, unknown>): JournalEvent[] => [
    { type: "send", id, time: id, src, dest, body },
    { type: "recv", id, time: id, src, dest, body },
  ];

  test("the note names the in_reply_to that is missing or answers no request the client sent", () => {
    expect(unmatchedNote({ type: "echo_ok", echo: "x" }, 3)).toBe("no in_reply_to");
    expect(unmatchedNote({ type: "echo_ok", in_reply_to: 4 }, 3)).toBe("in_reply_to 4 matches no request");
    expect(unmatchedNote({ type: "echo_ok", in_reply_to: "3" }, 3)).toBe('in_reply_to "3" matches no request');
    expect(unmatchedNote({ type: "echo_ok", in_reply_to: 3 }, 3)).toBeUndefined();
    expect(unmatchedNote({ type: "echo_ok", in_reply_to: 1 }, 3)).toBeUndefined(); // a late reply answers a request
  });

  test("such a reply is drawn in the error colour, its label saying why before the body", () => {
    const label = messageLabel({ type: "echo_ok", echo: "hi", msg_id: 2 }, "no in_reply_to");
    expect(label).toBe('echo_ok ⚠ no in_reply_to {"echo":"hi"}');
    const collector = new LamportCollector();
    const journal = [
      ...both(1, "c2", "n0", { type: "echo", echo: "a", msg_id: 1 }),
      ...both(2, "n0", "c2", { type: "echo_ok", echo: "a", msg_id: 9 }),
      ...both(3, "c3", "n0", { type: "echo", echo: "b", msg_id: 1 }),
      ...both(4, "n0", "c3", { type: "echo_ok", echo: "b", in_reply_to: 1 }),
      ...both(5, "n0", "c4", { type: "echo_ok", echo: "b", in_reply_to: 1 }), // c4 never sent anything
    ];
    for (const journalEvent of journal) collector.add(journalEvent);
    const { svg } = collector.render();
    const arrow = (id: number) => new RegExp(`<g class="msg" id="m${id}"[^]*?</g>`).exec(svg)![0];
    expect(arrow(2)).toContain(`fill="${LAMPORT.errorColor}"`);
    expect(arrow(2)).toContain("echo_ok ⚠ no in_reply_to {&quot;echo&quot;:&quot;a&quot;}");
    expect(arrow(2)).toContain("(no in_reply_to: c2 cannot match it to its request)</title>");
    expect(arrow(4)).not.toContain("⚠");
    expect(arrow(4)).toContain(`fill="${LAMPORT.clientColor}"`);
    expect(arrow(5)).toContain("echo_ok ⚠ in_reply_to 1 matches no request");
  });
});

describe("the diagram of a synthetic run", () => {
  test("one arrow per delivered non-init message, a stub for the cut one, colours by kind", async () => {
    const run = await writeSyntheticRun();
    const { diagram } = await digestJournal(join(run.runDir, "net-journal.jsonl"));
    const shown = run.journal.filter(isDiagramEvent);
    const delivered = shown.filter((event) => event.type === "recv").length;
    expect(diagram.shownEventCount).toBe(shown.length);
    expect(diagram.arrowCount).toBe(delivered);
    expect(countMatches(diagram.svg, /<g class="msg"/g)).toBe(delivered);
    expect(diagram.notDeliveredCount).toBe(1);
    expect(countMatches(diagram.svg, /<g class="not-delivered"/g)).toBe(1);
    expect(diagram.svg).not.toContain("init");
    expect(diagram.participants).toEqual(["c3", "c4", "n0", "n1", "n2", "lin-kv"]);
    expect(countMatches(diagram.svg, /fill="#FF1E90"/g)).toBe(2); // the error's bar and arrowhead
    expect(diagram.svg).toContain('fill="#81BFFC"');
    expect(diagram.svg).toContain("error key does not exist");
    expect(diagram.svg).toContain("<title>lin-kv → n1 {&quot;type&quot;:&quot;error&quot;");
    expect(diagram.svg).not.toContain("later network events not shown");
    expect(wellFormednessProblems(diagram.svg, "xml")).toEqual([]);
  });
});

describe("limits", () => {
  const gossipPair = (id: number): JournalEvent[] => [
    { type: "send", id, time: id, src: "n0", dest: "n1", body: { type: "gossip", value: id } },
    { type: "recv", id, time: id + 1, src: "n0", dest: "n1", body: { type: "gossip", value: id } },
  ];

  test("only the first eventLimit events are drawn, with a notice counting the rest", () => {
    const collector = new LamportCollector(10);
    for (let id = 0; id < 15; id++) gossipPair(id).forEach((event) => collector.add(event));
    const diagram = collector.render();
    expect(diagram.shownEventCount).toBe(10);
    expect(diagram.hiddenEventCount).toBe(20);
    expect(diagram.arrowCount).toBe(5);
    expect(diagram.svg).toContain("20 later network events not shown");
    // A send shown whose recv falls after the limit was delivered: it is not a stub.
    const cutBetween = new LamportCollector(3);
    [...gossipPair(0), ...gossipPair(1)].forEach((event) => cutBetween.add(event));
    expect(cutBetween.render().notDeliveredCount).toBe(0);
  });

  test("a journal of 200,000 events gives a diagram bounded by the limit", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "big-journal-")), "net-journal.jsonl");
    const writer = Bun.file(path).writer();
    for (let id = 0; id < 100_000; id++) {
      for (const event of gossipPair(id)) writer.write(JSON.stringify(event) + "\n");
    }
    await writer.end();
    const { diagram, mix, eventCount } = await digestJournal(path);
    expect(eventCount).toBe(200_000);
    expect(diagram.shownEventCount).toBe(10_000);
    expect(diagram.hiddenEventCount).toBe(190_000);
    expect(diagram.arrowCount).toBe(5_000);
    expect(mix.serverSentCount).toBe(100_000);
    expect(diagram.svg.length).toBeLessThan(5_000_000);
  });
});
