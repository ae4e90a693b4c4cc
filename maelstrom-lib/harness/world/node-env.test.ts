import { describe, expect, test } from "bun:test";
import { nodeEnvironment } from "./node-env.ts";

describe("a node's environment", () => {
  test("is the runner's own with Bun's auto-install turned off", () => {
    expect(nodeEnvironment({ PATH: "/bin", HOME: "/root" })).toEqual({
      PATH: "/bin",
      HOME: "/root",
      BUN_OPTIONS: "--no-install",
    });
  });

  test("keeps the caller's BUN_OPTIONS and adds the flag once", () => {
    expect(nodeEnvironment({ BUN_OPTIONS: " --smol " }).BUN_OPTIONS).toBe("--smol --no-install");
    expect(nodeEnvironment({ BUN_OPTIONS: "--smol --no-install" }).BUN_OPTIONS).toBe("--smol --no-install");
  });
});
