/**
 * The simulated world driven by hand: a node program's timers on virtual time, what pause,
 * kill and restart do to its events, and a run that cannot go on reported instead of hanging.
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "./client.ts";
import { sleep } from "../primitives/clock.ts";
import { Network } from "./net.ts";
import { Rng } from "../primitives/rng.ts";
import { INIT } from "../../protocol/init.ts";
import { RUNTIME_HOST_KEY } from "./sim-globals.ts";
import { NodeProgram } from "./sim-program.ts";
import { SimWorld } from "./sim-world.ts";
import { WorldStuck, type NodeHost } from "./world.ts";
import type { CrashReport } from "../contracts/node-reports.ts";

const TICKER = join(import.meta.dir, "testdata/ticker.ts");

/** A world with one ticker node n0 on a network, its log folder, and what it reported. */
async function tickerWorld() {
  const world = new SimWorld({
    program: await NodeProgram.load(TICKER),
    seed: 1,
    nodeIds: ["n0"],
    log: () => {},
    maxVirtualMs: 60_000,
  });
  const network = new Network({ clock: world.clock, rng: new Rng(1), latencyMs: 0, latencyDist: "constant" });
  const logDir = mkdtempSync(join(tmpdir(), "sim-world-"));
  const exits: CrashReport[] = [];
  let host: NodeHost | undefined;
  network.register("n0", (message) => host?.deliver(message));
  let clients = 0;
  const start = async (logMarker?: string) => {
    host = world.startNode({
      id: "n0",
      bin: TICKER,
      args: [],
      logDir,
      network,
      logStderr: false,
      logMarker,
      onViolation: () => {},
      onWarning: () => {},
      onExit: (report) => exits.push(report),
    });
    const client = new Client(`c${clients++}`, "n0", network, world.clock);
    await client.call(INIT, { node_id: "n0", node_ids: ["n0"] }, 1000);
    client.close();
    return host;
  };
  const log = () => readFileSync(join(logDir, "n0.log"), "utf8").trim().split("\n");
  return { world, start, log, exits };
}

describe("the simulated world", () => {
  test("the runtime looks for its host under the key the simulation puts it (else it would fall back silently)", () => {
    const runtime = readFileSync(join(import.meta.dir, "../../node/node.ts"), "utf8");
    expect(runtime).toContain(`Symbol.for(${JSON.stringify(RUNTIME_HOST_KEY.description)})`);
  });

  test("a node's timers fire on virtual time; a pause holds them until resume; a kill ends them", async () => {
    const { world, start, log, exits } = await tickerWorld();
    const wallStartMs = performance.now();
    await world.drive(async () => {
      const node = await start();
      await sleep(world.clock, 250);
      node.pause();
      await sleep(world.clock, 750); // ticks due at 300 … 1000 are held
      node.resume();
      await sleep(world.clock, 150);
      node.kill();
      await sleep(world.clock, 1000);
    });
    expect(log()).toEqual(["tick at 100", "tick at 200", "tick at 1000", "tick at 1100"]);
    expect(world.clock.nowMs()).toBe(2150);
    expect(performance.now() - wallStartMs).toBeLessThan(1000); // 2 s of virtual time, not of real time
    expect(exits).toEqual([]); // a kill is no crash
    world.close();
  });

  test("a restart is a fresh instance: a new init, its own timers, the marker in the same log", async () => {
    const { world, start, log } = await tickerWorld();
    await world.drive(async () => {
      const first = await start();
      await sleep(world.clock, 150);
      first.kill();
      await sleep(world.clock, 100);
      const second = await start("--- restarted ---");
      await sleep(world.clock, 250);
      expect(first.killed).toBe(true);
      expect(second.killed).toBe(false);
    });
    // The second instance counts from its own init at 250, and answered init again (a fresh runtime).
    expect(log()).toEqual(["tick at 100", "--- restarted ---", "tick at 350", "tick at 450"]);
    world.close();
  });

  test("a run waiting for something that nothing will ever do is a deadlock, not a hang", async () => {
    const { world } = await tickerWorld();
    const stuck = world.drive(() => new Promise<never>(() => {}));
    await expect(stuck).rejects.toBeInstanceOf(WorldStuck);
    await expect(stuck).rejects.toMatchObject({
      type: "deadlock",
      message: expect.stringContaining("0.0 s of simulated time"),
    });
  });

  test("a run that goes on past the world's time limit is stopped", async () => {
    const { world } = await tickerWorld();
    const stuck = world.drive(() => sleep(world.clock, 120_000));
    await expect(stuck).rejects.toMatchObject({ type: "time-limit-exceeded" });
  });
});
