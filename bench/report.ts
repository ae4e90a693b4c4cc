#!/usr/bin/env bun
/**
 * `bun run bench report`: how long writeRunReport takes and how much memory it holds on a big
 * run folder (synthetic, in the runner's formats): 1,000,000 journal events and 100,000 ops.
 * Writes results-report.md (bench/ with --write, else bench/tmp/).
 */
import { mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeRunReport } from "../maelstrom-lib/harness/report/index.ts";
import { readmeBlock, writeBenchResults } from "./results-file.ts";
import { RUN_FILES } from "../maelstrom-lib/harness/contracts/run-files.ts";

const JOURNAL_MESSAGES = 500_000; // a send and a recv each
const OPS = 50_000; // an invoke and a completion each
const NODES = 25;

const runDir = join(mkdtempSync(join(tmpdir(), "bench-report-")), "broadcast", "bench");
mkdirSync(join(runDir, RUN_FILES.nodeLogs), { recursive: true });

const journal = Bun.file(join(runDir, RUN_FILES.journal)).writer();
for (let id = 0; id < JOURNAL_MESSAGES; id++) {
  const timeNs = id * 40_000;
  const isClient = id % 4 === 0;
  const src = isClient ? `c${id % NODES}` : `n${id % NODES}`;
  const dest = `n${(id * 7 + 3) % NODES}`;
  const body = isClient
    ? { type: "broadcast", message: id, msg_id: id }
    : { type: "gossip", messages: [id, id + 1, id + 2], msg_id: id };
  journal.write(JSON.stringify({ type: "send", id, time: timeNs, src, dest, body }) + "\n");
  journal.write(JSON.stringify({ type: "recv", id, time: timeNs + 20_000, src, dest, body }) + "\n");
}
await journal.end();

const history = Bun.file(join(runDir, RUN_FILES.history)).writer();
for (let op = 0; op < OPS; op++) {
  const process = op % 50;
  const timeNs = op * 400_000;
  const f = op % 2 ? "read" : "broadcast";
  history.write(JSON.stringify({ index: 2 * op, time: timeNs, type: "invoke", process, f, value: op }) + "\n");
  history.write(
    JSON.stringify({
      index: 2 * op + 1,
      time: timeNs + 150_000 + (op % 97) * 10_000,
      type: "ok",
      process,
      f,
      value: op,
    }) + "\n",
  );
}
await history.end();
const net = { all: {}, clients: {}, servers: { "msg-count": 375_000, "msgs-per-op": 7.5 }, "valid?": true };
await Bun.write(join(runDir, RUN_FILES.results), JSON.stringify({ "valid?": true, net }));

const rssBeforeMb = process.memoryUsage().rss / 2 ** 20;
const startMs = performance.now();
await writeRunReport(runDir);
const elapsedMs = performance.now() - startMs;
const rssAfterMb = process.memoryUsage().rss / 2 ** 20;
const sizeMb = (name: string): string => (statSync(join(runDir, name)).size / 2 ** 20).toFixed(1);

const journalSize = `${2 * JOURNAL_MESSAGES} journal events (${sizeMb(RUN_FILES.journal)} MB)`;
const historySize = `${2 * OPS} history lines (${sizeMb(RUN_FILES.history)} MB)`;
const table = `## report

${readmeBlock(
  "report",
  `| measure | value |
|---|---|
| synthetic run folder | ${journalSize}, ${historySize}, ${NODES} nodes |
| time to write messages.svg + index.html | ${(elapsedMs / 1000).toFixed(2)} s |
| process RSS before → after | ${rssBeforeMb.toFixed(0)} → ${rssAfterMb.toFixed(0)} MB |
| messages.svg (first 10,000 events) | ${sizeMb(RUN_FILES.messagesSvg)} MB |
| index.html | ${sizeMb(RUN_FILES.report)} MB |`,
)}
`;
console.log(table);
writeBenchResults("report", table);
rmSync(join(runDir, "..", ".."), { recursive: true, force: true });
