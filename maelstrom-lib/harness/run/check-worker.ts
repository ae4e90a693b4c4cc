/**
 * The worker thread of checking.ts: reads a saved run's history.jsonl, as `maelstrom analyze`
 * does, runs the history checks of the run's registered workload on it, and posts them back as
 * JSON text (exact integers kept as raw JSON, which structured cloning would lose).
 */
import { join } from "node:path";
import type { TestOptions } from "../contracts/options.ts";
import { RUN_FILES } from "../contracts/run-files.ts";
import type { Op } from "../contracts/types.ts";
import { parseJsonExact } from "../primitives/json-exact.ts";
import { forEachLine } from "../store/run-files.ts";
import { WORKLOADS } from "../workloads/index.ts";
import { checkHistory } from "./analysis.ts";

/** What the runner asks: the run's options and its folder, whose history is saved. */
export interface CheckRequest {
  opts: TestOptions;
  runDir: string;
}

/** The answer: the checks as JSON text, or why they could not run. */
export type CheckReply = { checks: string } | { error: string };

async function check({ opts, runDir }: CheckRequest): Promise<CheckReply> {
  try {
    const workload = WORKLOADS.get(opts.workload);
    if (!workload) return { error: `no registered workload ${opts.workload}` };
    const history: Op[] = [];
    await forEachLine(join(runDir, RUN_FILES.history), (line) => history.push(parseJsonExact(line) as Op));
    return { checks: JSON.stringify(checkHistory({ opts, workload, history, runDir })) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

declare const self: Worker;

self.onmessage = async (event: MessageEvent<CheckRequest>) => {
  self.postMessage(await check(event.data));
};
