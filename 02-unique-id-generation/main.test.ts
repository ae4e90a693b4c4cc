/**
 * Challenge 2: ids stay unique across many requests on several real node processes; under the
 * simulation the published command passes (with partitions, total availability), and per-node
 * counters are caught.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { workloadResult } from "../maelstrom-lib/harness/contracts/results.ts";
import { checkUniqueIds } from "../maelstrom-lib/harness/workloads/unique-ids.ts";
import { LineProcess } from "../maelstrom-lib/node/testdata/line-process.ts";
import { runInTestStore } from "../maelstrom-lib/harness/testdata/test-runs.ts";

const NODE_IDS = ["n0", "n1", "n2"];
const REQUESTS_PER_NODE = 2000;
/** The published flags, except for the time limit, simulated with a seed. */
const FLAGS = [
  "--rate",
  "1000",
  "--node-count",
  "3",
  "--availability",
  "total",
  "--nemesis",
  "partition",
  "--sim",
  "--seed",
  "2",
];

/** A simulated run takes a second or two; say so explicitly (bunfig's default may not apply). */
const RUN_TIMEOUT_MS = 30_000;

let running: LineProcess[] = [];
afterEach(() => {
  for (const node of running) node.kill();
  running = [];
});

describe("02-unique-id-generation", () => {
  test(
    `${REQUESTS_PER_NODE} requests on each of ${NODE_IDS.length} nodes: every id a distinct string`,
    async () => {
      const nodes = await Promise.all(
        NODE_IDS.map((id) => LineProcess.started("02-unique-id-generation/main.ts", id, NODE_IDS)),
      );
      running.push(...nodes);
      const ids: unknown[] = [];
      await Promise.all(
        nodes.map(async (node, index) => {
          node.send(
            ...Array.from({ length: REQUESTS_PER_NODE }, (_, request) => ({
              src: `c${index}`,
              dest: NODE_IDS[index],
              body: { type: "generate", msg_id: request + 2 },
            })),
          );
          for (const [request, reply] of (await node.nextLines(REQUESTS_PER_NODE)).entries()) {
            expect(Object.keys(reply.message.body).sort()).toEqual(["id", "in_reply_to", "type"]);
            expect(reply.message.body).toMatchObject({ type: "generate_ok", in_reply_to: request + 2 });
            ids.push(reply.message.body.id);
          }
        }),
      );
      expect(ids.every((id) => typeof id === "string")).toBe(true);
      expect(new Set(ids).size).toBe(NODE_IDS.length * REQUESTS_PER_NODE);
    },
    RUN_TIMEOUT_MS,
  );

  test(
    "passes the published command with partitions (time limit 10 s)",
    async () => {
      const run = await runInTestStore([
        "test",
        "-w",
        "unique-ids",
        "--bin",
        "02-unique-id-generation/main.ts",
        ...FLAGS,
        "--time-limit",
        "10",
      ]);
      expect(run.results?.["valid?"]).toBe(true);
      expect(run.exitCode).toBe(0);
      const workload = workloadResult(run.results, checkUniqueIds);
      expect(workload["acknowledged-count"]).toBeGreaterThan(1000);
      expect(workload["duplicated-count"]).toBe(0);
    },
    RUN_TIMEOUT_MS,
  );

  test(
    "per-node counters collide across nodes and are rejected",
    async () => {
      const run = await runInTestStore([
        "test",
        "-w",
        "unique-ids",
        "--bin",
        "02-unique-id-generation/testdata/counter-ids.ts",
        ...FLAGS,
        "--time-limit",
        "2",
      ]);
      const workload = workloadResult(run.results, checkUniqueIds);
      expect(workload["valid?"]).toBe(false);
      expect(workload["duplicated-count"]).toBeGreaterThan(0);
      expect(run.exitCode).toBe(1);
    },
    RUN_TIMEOUT_MS,
  );
});
