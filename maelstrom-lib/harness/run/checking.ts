/**
 * The history checks of a finished run, in a worker thread. A checker can work for minutes on a
 * big history; on the main thread it would hold back the signal handlers, so a Ctrl-C during
 * checking could neither mark the run interrupted nor quit. The worker reads the history the run
 * saved before analysis (Jepsen's order), so the checks see exactly what `maelstrom analyze`
 * would. A workload that is not the registered one of its name (a test's variant) is checked on
 * the main thread, as is any run whose worker fails. A run that is itself in a worker thread (a
 * simulated test: its parent thread watches it and handles the signals) checks in its own
 * thread, and spares starting and stopping a second one.
 */
import type { Workload } from "../contracts/types.ts";
import type { TestOptions } from "../contracts/options.ts";
import { parseJsonExact } from "../primitives/json-exact.ts";
import { WORKLOADS } from "../workloads/index.ts";
import { checkHistory, type AnalysisInput, type HistoryChecks } from "./analysis.ts";
import type { CheckReply, CheckRequest } from "./check-worker.ts";

/** Checks under way: their result, and a way to stop them. */
export interface Checking {
  result: Promise<HistoryChecks>;
  /** Stops the worker (the result then never settles). */
  cancel(): void;
}

/** Starts the history checks of a run whose history.jsonl is saved in `input.runDir`. */
export function checkSavedHistory(input: Pick<AnalysisInput, "opts" | "workload" | "history" | "runDir">): Checking {
  if (!Bun.isMainThread || !isRegistered(input.workload, input.opts)) {
    return { result: Promise.resolve().then(() => checkHistory(input)), cancel: () => {} };
  }
  const worker = new Worker(new URL("./check-worker.ts", import.meta.url).href);
  const result = new Promise<HistoryChecks>((resolve, reject) => {
    // The worker could not check (or failed to write a checker's files): check here, where a
    // StoreError reaches the run as a rejection, not as an exception inside a message handler.
    const inThisThread = () => {
      try {
        resolve(checkHistory(input));
      } catch (error) {
        reject(error);
      }
    };
    worker.onmessage = (event: MessageEvent<CheckReply>) => {
      worker.terminate();
      if ("checks" in event.data) resolve(parseJsonExact(event.data.checks) as HistoryChecks);
      else inThisThread();
    };
    worker.onerror = () => {
      worker.terminate();
      inThisThread();
    };
  });
  const request: CheckRequest = { opts: input.opts, runDir: input.runDir };
  worker.postMessage(request);
  return { result, cancel: () => worker.terminate() };
}

/** True when the worker, which looks the workload up by name, would check with the same checker. */
function isRegistered(workload: Workload, opts: TestOptions): boolean {
  const registered = WORKLOADS.get(opts.workload);
  return registered?.check === workload.check && registered.statsIgnoredFs === workload.statsIgnoredFs;
}
