/**
 * What kind of failure a run's results show, as short names: an aborted run's abort type, and
 * per non-valid checker what it found (an Elle anomaly, a Kafka error type, lost values, an
 * impossible counter read, …), without the counts and values that change from run to run.
 * Shrinking keeps a smaller run only when it fails the same way: when it shows the same kind.
 */
import { checkerEntries, type RunResults } from "../contracts/results.ts";

/** A results map (or one checker's entry in it), read by its keys. */
type ResultMap = Record<string, unknown>;

/** The failure kinds of a results map, workload first; empty for a valid run. */
export function failureKinds(results: ResultMap | undefined): string[] {
  if (!results) return ["no results"];
  const crashes = (results.errors as ResultMap | undefined)?.crashes;
  if (typeof results["abort-type"] === "string") return [`aborted: ${results["abort-type"]}`];
  if (results.aborted !== undefined || (Array.isArray(crashes) && crashes.length > 0)) return ["aborted: node-crashed"];
  const failing = checkerEntries(results as RunResults)
    .filter(([, check]) => check["valid?"] !== true)
    .sort(([a], [b]) => Number(b === "workload") - Number(a === "workload"));
  const kinds = failing.flatMap(([name, check]) => checkerKinds(check).map((kind) => `${name}: ${kind}`));
  const violations = (results.errors as ResultMap | undefined)?.["protocol-violations"];
  if (Array.isArray(violations) && violations.length > 0) kinds.push("protocol-violation");
  return kinds;
}

/** What one non-valid checker found, as the explainers read its keys (each checker's explain module). */
function checkerKinds(result: ResultMap): string[] {
  const listed = (key: string) => (Array.isArray(result[key]) ? (result[key] as unknown[]).map(String) : []);
  if (typeof result.error === "string") return ["could not check"];
  if ("anomaly-types" in result && listed("anomaly-types").length > 0) return listed("anomaly-types");
  if ("bad-error-types" in result && listed("bad-error-types").length > 0) return listed("bad-error-types");
  if ("lost" in result && "attempt-count" in result) {
    if (listed("lost").length > 0) return ["lost"];
    return result["stable-count"] === 0 ? ["never stable"] : ["stale"];
  }
  if ("acceptable" in result && "final-reads" in result) return ["impossible final read"];
  if ("duplicated" in result && Number(result["duplicated-count"] ?? 0) > 0) return ["duplicate ids"];
  return [result["valid?"] === false ? "invalid" : "unknown"];
}
