/**
 * The lin-kv checker: Jepsen's `independent` checker around a compose of Knossos'
 * linearizability check and the timeline (jepsen/tests/linearizable_register.clj,
 * jepsen/independent.clj, jepsen/checker.clj `linearizable`, knossos/wgl.clj). Each key's
 * subhistory, its `[key value]` tuples unwrapped to the bare value, is checked on its own against
 * the cas-register model (P-compositionality: a history is linearizable iff each key's is); its
 * result sits under `linearizable` beside `timeline`, as the compose nests them. The overall
 * verdict merges the keys', false beating "unknown" beating true. A key whose search runs out of
 * time or memory is "unknown".
 *
 * Asked for files, each key gets `independent/<key>/` with its `results.json` and
 * `history.jsonl`, as Jepsen's independent checker writes them, and a bad key also
 * `linear.svg`, its ops around the failure (where Jepsen's linearizable checker draws one); the
 * store writes them into the run folder. A bad key's result also holds its longest partial
 * linearizations (partials.ts), which the report draws as `linearizability.html`.
 */
import type { Op, RunFiles, Validity } from "../../contracts/types.ts";
import { resultsJsonText } from "../../contracts/results.ts";
import { mergeValidity } from "../core.ts";
import { invalidAnalysis, type InvalidKeyReport } from "./analysis.ts";
import { RUN_FILES } from "../../contracts/run-files.ts";
import { canonical, prepareKey, splitByKey } from "./history.ts";
import { describePartials } from "./partials.ts";
import { keyFolder } from "./results.ts";
import { searchKey } from "./search.ts";
import { timelineSvg } from "./timeline-svg.ts";

export interface LinearizableOptions {
  /** Wall-clock budget for the whole check, in ms; keys left when it runs out are "unknown". */
  timeLimitMs?: number;
  /** Most configurations one key's search may remember before it is "unknown" (memory bound). */
  maxConfigs?: number;
  /** The run folder's files: each key adds `independent/<key>/`'s. */
  files?: RunFiles;
}

/** One key's verdict, with its counts; an unknown one says why, a bad one carries Knossos' analysis. */
export type KeyCheck = { "valid?": Validity; "op-count": number; "configs-explored": number } & (
  | { "valid?": true }
  | { "valid?": "unknown"; cause: "timeout" | "out-of-memory" }
  | ({ "valid?": false; analyzer: "wgl" } & InvalidKeyReport)
);

/** Jepsen's independent checker over the keys: each key's result, and the keys that are not linearizable. */
export type LinearizableResult = { "valid?": Validity; results: Record<string, KeyResult>; failures: unknown[] };

/** A minute of search, as a bound that a real lin-kv history never needs and a bad one never hangs on. */
export const DEFAULT_TIME_LIMIT_MS = 60_000;
/** About 200 MB of configurations at the sizes lin-kv histories give. */
export const DEFAULT_MAX_CONFIGS = 2_000_000;

/** One key's result, as Maelstrom's compose nests it: the linearizability check, and the plot-only timeline. */
export type KeyResult = { linearizable: KeyCheck; timeline: { "valid?": true }; "valid?": Validity };

/** Checks every key of a lin-kv history; results per key under `results`, bad keys in `failures`. */
export function checkLinearizable(history: readonly Op[], options: LinearizableOptions = {}): LinearizableResult {
  const deadline = performance.now() + (options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS);
  const maxConfigs = options.maxConfigs ?? DEFAULT_MAX_CONFIGS;
  const results: Record<string, KeyResult> = {};
  const failures: unknown[] = [];
  let valid: Validity = true;
  for (const { key, ops } of [...splitByKey(history).values()].sort(compareKeys)) {
    const result = checkKey(key, ops, { deadline, maxConfigs }, options.files);
    results[keyName(key)] = result;
    // Jepsen lists a key as a failure only when it is false (:unknown is truthy in Clojure).
    if (result["valid?"] === false) failures.push(key);
    valid = mergeValidity([valid, result["valid?"]]);
  }
  return { "valid?": valid, results, failures };
}

function checkKey(
  key: unknown,
  ops: Op[],
  bounds: { deadline: number; maxConfigs: number },
  files: RunFiles | undefined,
): KeyResult {
  const prepared = prepareKey(key, ops);
  const outcome = searchKey(prepared, bounds);
  const counts = { "op-count": prepared.ops.length, "configs-explored": outcome.configs };
  let result: KeyCheck;
  let svg: string | undefined;
  if (outcome.valid === true) result = { "valid?": true, ...counts };
  else if (outcome.valid === "unknown") result = { "valid?": "unknown", cause: outcome.cause, ...counts };
  else {
    const report = invalidAnalysis(prepared, outcome.model, outcome.failedOp, outcome.furthest);
    const partials = describePartials(prepared, outcome.model, outcome.failedOp, outcome.partials);
    result = { "valid?": false, analyzer: "wgl", ...report, ...partials, ...counts };
    if (files) svg = timelineSvg(prepared, outcome.failedOp, report.explanation);
  }
  const composed: KeyResult = { linearizable: result, timeline: { "valid?": true }, "valid?": result["valid?"] };
  if (files) addKeyFiles(files, keyFolder(keyName(key)), ops, composed, svg);
  return composed;
}

function addKeyFiles(
  files: RunFiles,
  dir: string,
  ops: readonly Op[],
  result: KeyResult,
  svg: string | undefined,
): void {
  files.set(`${dir}/${RUN_FILES.results}`, resultsJsonText(result));
  files.set(`${dir}/${RUN_FILES.history}`, ops.map((op) => `${JSON.stringify(op)}\n`).join(""));
  if (svg) files.set(`${dir}/${RUN_FILES.linearSvg}`, svg);
}

/** A key as a results map key and a folder name: numbers and strings as themselves. */
function keyName(key: unknown): string {
  return typeof key === "string" || typeof key === "number" ? String(key) : canonical(key);
}

function compareKeys(a: { key: unknown }, b: { key: unknown }): number {
  if (typeof a.key === "number" && typeof b.key === "number") return a.key - b.key;
  return canonical(a.key) < canonical(b.key) ? -1 : 1;
}
