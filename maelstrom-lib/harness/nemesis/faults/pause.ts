/**
 * The pause fault (Jepsen's db package, db-faults.ts): start SIGSTOPs the nodes of a random node
 * spec, stop resumes every node with SIGCONT. It comes before kill in the db package's mix, as
 * in combined.clj's `db-generators`.
 */
import { DB_PACKAGE, describeNodeFault, describeNodeUndo, NodeFault, PAUSE_OPS } from "../db-faults.ts";
import type { FaultDescriptor } from "./descriptor.ts";

/** The pause fault, as --nemesis, the run and the report know it. */
const pause: FaultDescriptor = {
  name: "pause",
  help: "ours, from Jepsen's db package: SIGSTOP, then SIGCONT",
  pkg: DB_PACKAGE,
  scheduleOrder: 20,
  ops: PAUSE_OPS,
  band: { fill: "#A0B1E9", ink: "#2f4fa8" },
  create: ({ nodeControl, nodeIds, rng }) => NodeFault.pause(nodeControl, nodeIds, rng),
  describe: (invokeValue, completionValue) => describeNodeFault("paused", invokeValue, completionValue),
  describeStop: (completionValue) => describeNodeUndo("resumed", "not-paused", completionValue),
};

export default pause;
