/**
 * Challenge 1: the echo node over the line protocol (a real process on pipes), the published
 * command and a broken echo under the simulation, and the compiled binary (a real process).
 */
import { afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { LineProcess, REPO_ROOT } from "../maelstrom-lib/node/testdata/line-process.ts";
import { buildFolder } from "../scripts/build.ts";
import { runInTestStore } from "../maelstrom-lib/harness/testdata/test-runs.ts";

/** A simulated run takes about a second; say so explicitly (bunfig's default may not apply). */
const RUN_TIMEOUT_MS = 30_000;
/** The simulation, with a seed: the same run every time. */
const SIM = ["--sim", "--seed", "1"];

let running: LineProcess[] = [];
afterEach(() => {
  for (const node of running) node.kill();
  running = [];
});

/** Sends echo requests with assorted JSON values and checks each exact reply line. */
async function checkEchoes(node: LineProcess): Promise<void> {
  const values = ["Please echo 35", "", 0, -1.5, null, true, [1, [2]], { nested: { ü: "🎉" } }, 'line\nbreak "quoted"'];
  node.send(
    ...values.map((echo, index) => ({
      id: index,
      src: "c1",
      dest: "n0",
      body: { type: "echo", echo, msg_id: index + 2 },
    })),
  );
  for (const [index, echo] of values.entries()) {
    expect((await node.nextLine()).text).toBe(
      JSON.stringify({ src: "n0", dest: "c1", body: { type: "echo_ok", echo, in_reply_to: index + 2 } }),
    );
  }
}

describe("01-echo", () => {
  test("answers init and echoes any JSON value back exactly", async () => {
    const node = await LineProcess.started("01-echo/main.ts");
    running.push(node);
    await checkEchoes(node);
    expect(await node.closeStdin()).toBe(0);
  });

  test(
    "passes the published command",
    async () => {
      const run = await runInTestStore([
        "test",
        "-w",
        "echo",
        "--bin",
        "01-echo/main.ts",
        "--node-count",
        "1",
        "--time-limit",
        "10",
        ...SIM,
      ]);
      expect(run.results?.["valid?"]).toBe(true);
      expect(run.exitCode).toBe(0);
      const stats = run.results!.stats!;
      expect(stats["ok-count"]).toBeGreaterThan(10);
      expect(stats["info-count"] + stats["fail-count"]).toBe(0);
    },
    RUN_TIMEOUT_MS,
  );

  test(
    "an echo that changes the value is rejected",
    async () => {
      const run = await runInTestStore([
        "test",
        "-w",
        "echo",
        "--bin",
        "01-echo/testdata/wrong-echo.ts",
        "--node-count",
        "1",
        "--time-limit",
        "2",
        ...SIM,
      ]);
      expect(run.results!.workload?.["valid?"]).toBe(false);
      expect(run.exitCode).toBe(1);
    },
    RUN_TIMEOUT_MS,
  );

  test("bun run build compiles it into dist/01-echo, which speaks the protocol", async () => {
    expect(await buildFolder("01-echo")).toBe(0);
    const node = LineProcess.spawn([join(REPO_ROOT, "dist", "01-echo")]);
    running.push(node);
    await node.init("n0", ["n0"]);
    await checkEchoes(node);
    expect(await node.closeStdin()).toBe(0);
  }, 60_000);
});
