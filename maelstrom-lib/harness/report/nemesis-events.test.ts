/**
 * The nemesis's events in words and in order, as the page's table and the console list them,
 * from nemesis ops as nemesis.ts and db-faults.ts record them.
 */
import { describe, expect, test } from "bun:test";
import type { Op } from "../contracts/types.ts";
import {
  CONSOLE_EVENT_MAX_CHARS,
  nemesisEventLines,
  nemesisEvents,
  NemesisEventCollector,
  renderNemesisEvents,
} from "./nemesis-events.ts";
import { writeSyntheticRun } from "./testdata/synthetic-run.ts";

/** A nemesis op pair: invocation at `atMs`, completion 1 ms later. */
function pair(atMs: number, f: string, invokeValue: unknown, completionValue: unknown): Op[] {
  return [
    { index: 0, time: atMs * 1e6, type: "info", process: "nemesis", f, value: invokeValue },
    { index: 0, time: (atMs + 1) * 1e6, type: "info", process: "nemesis", f, value: completionValue },
  ];
}

describe("nemesis events", () => {
  test("the synthetic run's nemesis, in order, timed by each op's invocation", async () => {
    const run = await writeSyntheticRun();
    const events = nemesisEvents(run.history, ["n0", "n1", "n2"]);
    expect(events.map((event) => [event.atSec, event.kind, event.text, event.effective])).toEqual([
      [0.001, "partition", "cut: n2 hears nothing from n0 n1", true],
      [1.5, "partition", "healed the network", true],
      [2, "kill", "killed n1 (one)", true],
      [2.5, "kill", "restarted n1", true],
      [3, "pause", "paused n0 (minority)", true],
      [4.25, "pause", "resumed n0", true],
      [5, "kill", "nobody was killed (minority-third)", false],
      [5.5, "kill", "nobody needed restarting", true],
    ]);
  });

  test("a clean split says which nodes were cut off from which; three groups are listed", () => {
    const nodes = ["n0", "n1", "n2", "n3", "n4"];
    const majority = {
      n0: ["n1", "n2", "n4"],
      n3: ["n1", "n2", "n4"],
      n1: ["n0", "n3"],
      n2: ["n0", "n3"],
      n4: ["n0", "n3"],
    };
    const three = {
      n0: ["n1", "n2", "n3", "n4"],
      n1: ["n0", "n2", "n3", "n4"],
      n2: ["n0", "n1"],
      n3: ["n0", "n1"],
      n4: ["n0", "n1"],
    };
    const events = nemesisEvents(
      [
        ...pair(0, "start-partition", "majority", ["isolated", majority]),
        ...pair(5, "start-partition", null, ["isolated", three]),
      ],
      nodes,
    );
    expect(events.map((event) => event.text)).toEqual([
      "cut n0 n3 off from n1 n2 n4 (majority)",
      "cut the network into n0 | n1 | n2 n3 n4",
    ]);
  });

  test("a restart that failed is named; an op no fault knows and one the run ended in are shown as they are", () => {
    const history = [
      ...pair(0, "start", "all", { n0: "started", n1: "start-failed", n2: "already-running" }),
      ...pair(10, "bump-clock", "n1", { n1: "bumped" }),
      { index: 0, time: 20e6, type: "info", process: "nemesis", f: "pause", value: "one" } as Op,
    ];
    const collector = new NemesisEventCollector();
    for (const op of history) collector.add(op);
    expect(collector.result().map((event) => [event.atSec, event.kind, event.text])).toEqual([
      [0, "kill", "restarted n0; n1 start failed"],
      [0.01, "bump-clock", 'bump-clock {"n1":"bumped"}'],
      [0.02, "pause", 'pause "one" began, and never completed'],
    ]);
  });
});

describe("the console's nemesis lines", () => {
  test("a heading, then one aligned row per event, times to the hundredth", async () => {
    const run = await writeSyntheticRun();
    expect(nemesisEventLines(nemesisEvents(run.history))).toEqual([
      "nemesis: 8 events (seconds since the start):",
      "  0.00 s  partition  cut: n2 hears nothing from n0 n1",
      "  1.50 s  partition  healed the network",
      "  2.00 s  kill       killed n1 (one)",
      "  2.50 s  kill       restarted n1",
      "  3.00 s  pause      paused n0 (minority)",
      "  4.25 s  pause      resumed n0",
      "  5.00 s  kill       nobody was killed (minority-third)",
      "  5.50 s  kill       nobody needed restarting",
    ]);
  });

  test("bounded: the first rows, then how many more the page lists; nothing when the nemesis did nothing", () => {
    const history = Array.from({ length: 12 }, (_, i) =>
      pair(i * 1000, i % 2 ? "stop-partition" : "start-partition", null, i % 2 ? "network-healed" : ["isolated", {}]),
    ).flat();
    const lines = nemesisEventLines(nemesisEvents(history), 4);
    expect(lines).toEqual([
      "nemesis: 12 events (seconds since the start):",
      "  0.00 s  partition  nothing was cut",
      "  1.00 s  partition  healed the network",
      "  2.00 s  partition  nothing was cut",
      "  3.00 s  partition  healed the network",
      "  … and 8 more on the report page",
    ]);
    expect(nemesisEventLines([])).toEqual([]);
  });

  test("a long row is cut to the console's width; the page keeps it whole", () => {
    const text = Array.from({ length: 25 }, (_, i) => `n${i} hears nothing from n${(i + 1) % 25}`).join("; ");
    const [, row] = nemesisEventLines([{ atSec: 1, kind: "partition", text, effective: true }]);
    expect(row).toBe(`  1.00 s  partition  ${text.slice(0, CONSOLE_EVENT_MAX_CHARS - 1)}…`);
    expect(renderNemesisEvents([{ atSec: 1, kind: "partition", text, effective: true }])).toContain(`<td>${text}</td>`);
  });
});
