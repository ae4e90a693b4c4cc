import { expect, test } from "bun:test";
import type { Op, OpType } from "../contracts/types.ts";
import { checkEcho } from "./echo.ts";

/** One echo: its invocation and, unless `type` is undefined, its completion with `reply`. */
function echoOps(
  index: number,
  process: number,
  sent: string,
  type?: Exclude<OpType, "invoke">,
  reply?: unknown,
): Op[] {
  const invoke: Op = { index, time: index * 1e6, type: "invoke", process, f: "echo", value: sent };
  if (type === undefined) return [invoke];
  return [invoke, { index: index + 1, time: (index + 1) * 1e6, type, process, f: "echo", value: reply ?? sent }];
}

test("an echo that timed out (:info) or never completed is no error: Knossos' pairs leave it unpaired", () => {
  const history = [
    ...echoOps(0, 0, "Please echo 1", "ok", { echo: "Please echo 1" }),
    ...echoOps(2, 1, "Please echo 2", "info"),
    ...echoOps(4, 3, "Please echo 3"),
  ];
  expect(checkEcho(history)).toEqual({ "valid?": true, errors: [] });
});

test("an ok with another echo, or a fail, is an error naming what was sent and what came back", () => {
  const wrong = echoOps(0, 0, "Please echo 1", "ok", { echo: "Please echo 9" });
  const failed = echoOps(2, 1, "Please echo 2", "fail");
  const result = checkEcho([...wrong, ...failed]);
  expect(result["valid?"]).toBe(false);
  expect(result.errors).toEqual([
    { expected: "Please echo 1", received: wrong[1]! },
    { expected: "Please echo 2", received: failed[1]! },
  ]);
});
