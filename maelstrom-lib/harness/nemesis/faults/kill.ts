/**
 * The kill fault (Jepsen's db package, db-faults.ts): start SIGKILLs the nodes of a random node
 * spec, stop starts every killed node again with a fresh process and a new init. A kill ends the
 * pause of a node it hits: a killed process is not paused, and its restart runs free.
 */
import { DB_PACKAGE, describeNodeFault, describeNodeUndo, KILL_OPS, NodeFault } from "../db-faults.ts";
import type { FaultDescriptor } from "./descriptor.ts";

/** The kill fault, as --nemesis, the run and the report know it. */
const kill: FaultDescriptor = {
  name: "kill",
  help: "ours, from Jepsen's db package: SIGKILL, restart with a fresh init",
  pkg: DB_PACKAGE,
  scheduleOrder: 30,
  ops: KILL_OPS,
  band: { fill: "#E9A4A0", ink: "#a3322b" },
  releases: ["pause"],
  create: ({ nodeControl, nodeIds, rng }) => NodeFault.kill(nodeControl, nodeIds, rng),
  describe: (invokeValue, completionValue) => describeNodeFault("killed", invokeValue, completionValue),
  describeStop: (completionValue) => describeNodeUndo("started", "already-running", completionValue),
};

export default kill;
