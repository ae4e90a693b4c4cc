import { describe, expect, test } from "bun:test";
import type { CheckResult } from "../contracts/types.ts";
import { beyondMaelstromLines, separateBeyondMaelstrom } from "./beyond-maelstrom.ts";

const finding = { check: "demo", description: "a demo anomaly Maelstrom does not look for" };

describe("beyond-Maelstrom findings", () => {
  test("are lifted out of the checker's entry, which keeps Maelstrom's keys in their order", () => {
    const result: CheckResult = { errors: [], "valid?": true, count: 2, "beyond-maelstrom": [finding] };
    const { maelstrom, beyond } = separateBeyondMaelstrom(result, false);
    expect(Object.keys(maelstrom)).toEqual(["errors", "valid?", "count"]);
    expect(beyond).toEqual({ "valid?": true, strict: false, findings: [finding] });
  });

  test("decide the verdict only when the run is strict", () => {
    expect(separateBeyondMaelstrom({ "valid?": true, "beyond-maelstrom": [finding] }, true).beyond!["valid?"]).toBe(
      false,
    );
    expect(
      beyondMaelstromLines(separateBeyondMaelstrom({ "valid?": true, "beyond-maelstrom": [finding] }, false).beyond!),
    ).toEqual([
      "beyond Maelstrom: a demo anomaly Maelstrom does not look for",
      "beyond Maelstrom: not counted in the verdict, which is Maelstrom's (--strict counts them)",
    ]);
  });

  test("give no entry at all when nothing was found, so results.json stays Maelstrom's", () => {
    const { maelstrom, beyond } = separateBeyondMaelstrom({ "valid?": false, lost: [1] }, true);
    expect(beyond).toBeUndefined();
    expect(maelstrom).toEqual({ "valid?": false, lost: [1] });
  });
});
