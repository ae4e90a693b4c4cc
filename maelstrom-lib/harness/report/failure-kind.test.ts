/** Failure kinds: nothing for a valid run; for a failing one, what each checker found, workload first. */
import { describe, expect, test } from "bun:test";
import { failureKinds } from "./failure-kind.ts";

const ok = { "valid?": true };

describe("failureKinds", () => {
  test("a valid run has none", () => {
    expect(
      failureKinds({ "valid?": true, workload: { "valid?": true, lost: [], "attempt-count": 3 }, stats: ok }),
    ).toEqual([]);
  });

  test("set-full: lost values, a run where nothing became stable, stale reads", () => {
    const setFull = (extra: object) => ({ "attempt-count": 5, lost: [], "stable-count": 5, ...extra });
    expect(failureKinds({ "valid?": false, workload: setFull({ "valid?": false, lost: [3] }), stats: ok })).toEqual([
      "workload: lost",
    ]);
    expect(
      failureKinds({ "valid?": "unknown", workload: setFull({ "valid?": "unknown", "stable-count": 0 }) }),
    ).toEqual(["workload: never stable"]);
    expect(failureKinds({ "valid?": false, workload: setFull({ "valid?": false }) })).toEqual(["workload: stale"]);
  });

  test("Elle's anomaly types and Kafka's error types, each a kind; the workload comes before other checkers", () => {
    const results = {
      "valid?": false,
      availability: { "valid?": false, "ok-fraction": 0.5 },
      workload: { "valid?": false, "anomaly-types": ["G0", "G1c"] },
    };
    expect(failureKinds(results)).toEqual(["workload: G0", "workload: G1c", "availability: invalid"]);
    const kafka = {
      "valid?": false,
      workload: { "valid?": false, "bad-error-types": ["inconsistent-offsets", "lost-write"] },
    };
    expect(failureKinds(kafka)).toEqual(["workload: inconsistent-offsets", "workload: lost-write"]);
  });

  test("counter, unique ids, a checker that could not check, and a checker it does not know", () => {
    const counter = { "valid?": false, acceptable: [[3, 3]], "final-reads": [2] };
    expect(failureKinds({ "valid?": false, workload: counter })).toEqual(["workload: impossible final read"]);
    const ids = { "valid?": false, duplicated: { "7": 2 }, "duplicated-count": 1 };
    expect(failureKinds({ "valid?": false, workload: ids })).toEqual(["workload: duplicate ids"]);
    expect(failureKinds({ "valid?": "unknown", workload: { "valid?": "unknown", error: "too big" } })).toEqual([
      "workload: could not check",
    ]);
    expect(failureKinds({ "valid?": false, workload: { "valid?": false, errors: [1] } })).toEqual([
      "workload: invalid",
    ]);
  });

  test("an aborted run is its abort type; a crash without one is node-crashed; broken protocol is a kind", () => {
    expect(failureKinds({ "valid?": "unknown", aborted: "node-hung: …", "abort-type": "node-hung" })).toEqual([
      "aborted: node-hung",
    ]);
    expect(failureKinds({ "valid?": "unknown", errors: { crashes: [{ node: "n1" }] } })).toEqual([
      "aborted: node-crashed",
    ]);
    const violated = {
      "valid?": false,
      workload: { "valid?": false, errors: [1] },
      errors: { "protocol-violations": [{}] },
    };
    expect(failureKinds(violated)).toEqual(["workload: invalid", "protocol-violation"]);
  });
});
