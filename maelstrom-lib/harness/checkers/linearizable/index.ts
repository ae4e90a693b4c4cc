/**
 * The lin-kv checker: Jepsen's `independent` checker around Knossos' linearizability check
 * (jepsen/independent.clj, jepsen/checker.clj `linearizable`, knossos/wgl.clj). Each key's
 * subhistory is checked on its own against the cas-register model (P-compositionality:
 * a history is linearizable iff each key's is); the overall verdict merges them, false beating
 * "unknown" beating true. A key whose search runs out of time or memory is "unknown".
 *
 * When the run has a folder, each key gets `independent/<key>/` with its `results.json` and
 * `history.jsonl`, as Jepsen's independent checker writes them, and a bad key also
 * `linear.svg`, its ops around the failure (where Jepsen's linearizable checker draws one).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RUN_FILES } from "../../contracts/run-files.ts";
import type { CheckResult, Op, Validity } from "../../contracts/types.ts";
import { invalidAnalysis } from "./analysis.ts";
import { canonical, prepareKey, splitByKey } from "./history.ts";
import { searchKey } from "./search.ts";
import { timelineSvg } from "./timeline-svg.ts";

export interface LinearizableOptions {
  /** Wall-clock budget for the whole check, in ms; keys left when it runs out are "unknown". */
  timeLimitMs?: number;
  /** Most configurations one key's search may remember before it is "unknown" (memory bound). */
  maxConfigs?: number;
  /** Run folder: each key gets `independent/<key>/`. */
  runDir?: string;
}

/** A minute of search, as a bound that a real lin-kv history never needs and a bad one never hangs on. */
export const DEFAULT_TIME_LIMIT_MS = 60_000;
/** About 200 MB of configurations at the sizes lin-kv histories give. */
export const DEFAULT_MAX_CONFIGS = 2_000_000;

/** Checks every key of a lin-kv history; results per key under `results`, bad keys in `failures`. */
export function checkLinearizable(history: readonly Op[], options: LinearizableOptions = {}): CheckResult {
  const deadline = performance.now() + (options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS);
  const maxConfigs = options.maxConfigs ?? DEFAULT_MAX_CONFIGS;
  const results: Record<string, CheckResult> = {};
  const failures: unknown[] = [];
  let valid: Validity = true;
  for (const { key, ops } of [...splitByKey(history).values()].sort(compareKeys)) {
    const result = checkKey(key, ops, { deadline, maxConfigs }, options.runDir);
    results[keyName(key)] = result;
    // Jepsen lists a key as a failure only when it is false (:unknown is truthy in Clojure).
    if (result["valid?"] === false) failures.push(key);
    valid = merge(valid, result["valid?"]);
  }
  return { "valid?": valid, results, failures };
}

function checkKey(key: unknown, ops: Op[], bounds: { deadline: number; maxConfigs: number }, runDir: string | undefined): CheckResult {
  const prepared = prepareKey(key, ops);
  const outcome = searchKey(prepared, bounds);
  const counts = { "op-count": prepared.ops.length, "configs-explored": outcome.configs };
  let result: CheckResult;
  let svg: string | undefined;
  if (outcome.valid === true) result = { "valid?": true, ...counts };
  else if (outcome.valid === "unknown") result = { "valid?": "unknown", cause: outcome.cause, ...counts };
  else {
    const report = invalidAnalysis(prepared, outcome.model, outcome.failedOp, outcome.furthest);
    result = { "valid?": false, analyzer: "wgl", ...report, ...counts };
    if (runDir) svg = timelineSvg(prepared, outcome.failedOp, report.explanation);
  }
  if (runDir) {
    const folder = keyName(key).replace(/[^\w.-]/g, "_");
    writeKeyFiles(join(runDir, RUN_FILES.independent, folder), ops, result, svg);
  }
  return result;
}

function writeKeyFiles(dir: string, ops: readonly Op[], result: CheckResult, svg: string | undefined): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, RUN_FILES.results), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(dir, RUN_FILES.history), ops.map((op) => `${JSON.stringify(op)}\n`).join(""));
  if (svg) writeFileSync(join(dir, RUN_FILES.linearSvg), svg);
}

/** Jepsen's merge-valid: false beats "unknown" beats true. */
function merge(a: Validity, b: unknown): Validity {
  if (a === false || b === false) return false;
  if (a === "unknown" || b !== true) return "unknown";
  return true;
}

/** A key as a results map key and a folder name: numbers and strings as themselves. */
function keyName(key: unknown): string {
  return typeof key === "string" || typeof key === "number" ? String(key) : canonical(key);
}

function compareKeys(a: { key: unknown }, b: { key: unknown }): number {
  if (typeof a.key === "number" && typeof b.key === "number") return a.key - b.key;
  return canonical(a.key) < canonical(b.key) ? -1 : 1;
}
