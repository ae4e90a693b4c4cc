/** The words a cluster uses when a node's init fails. */
import { describe, expect, test } from "bun:test";
import { unflushedOutputHint } from "./cluster.ts";
import { RPCErrorReply, RPCTimeout } from "../world/client.ts";
import type { CrashReport } from "../contracts/node-reports.ts";

const report = (stdoutTail: string[]): CrashReport => ({
  node: "n0",
  exitCode: null,
  signal: null,
  stdoutTail,
  stderrTail: [],
});

describe("the buffered-output hint on a failed init", () => {
  test("is given when init timed out and not one line came on stdout", () => {
    const hint = unflushedOutputHint(new RPCTimeout(10_000), report([]));
    expect(hint).toContain("Nothing at all came on its stdout");
    expect(hint).toContain("print(..., flush=True)");
  });

  test("is not given when the node wrote a line: its stdout works, so the buffer is not the fault", () => {
    expect(unflushedOutputHint(new RPCTimeout(10_000), report(['{"src":"n0","dest":"n0","body":{}}']))).toBe("");
  });

  test("is not given when the node answered, with an error", () => {
    expect(unflushedOutputHint(new RPCErrorReply(10, "no", { type: "error", code: 10 }), report([]))).toBe("");
  });
});
