/**
 * The workloads this runner implements, listed by hand so that every one is a real import
 * (as in Maelstrom's core.clj `workloads` map). Adding a workload is one line in `WORKLOAD_LIST`
 * (and its import).
 */
import { CliError } from "../contracts/options.ts";
import type { Workload } from "../contracts/types.ts";
import broadcast from "./broadcast.ts";
import echo from "./echo.ts";
import gCounter from "./g-counter.ts";
import gSet from "./g-set.ts";
import kafka from "./kafka.ts";
import linKv from "./lin-kv.ts";
import pnCounter from "./pn-counter.ts";
import txnListAppend from "./txn-list-append.ts";
import txnRwRegister from "./txn-rw-register.ts";
import uniqueIds from "./unique-ids.ts";

const WORKLOAD_LIST: readonly Workload[] = [
  echo,
  uniqueIds,
  broadcast,
  gSet,
  gCounter,
  pnCounter,
  linKv,
  kafka,
  txnRwRegister,
  txnListAppend,
];

/** Every registered workload by its `-w` name. */
export const WORKLOADS: ReadonlyMap<string, Workload> = new Map(
  WORKLOAD_LIST.map((workload) => [workload.name, workload]),
);

/** The `-w` names this runner accepts, in registration order. */
export function workloadNames(): string[] {
  return [...WORKLOADS.keys()];
}

/** The registered workload of this `-w` name (workloads/index.ts). */
export function loadWorkload(name: string): Workload {
  const workload = WORKLOADS.get(name);
  if (!workload)
    throw new CliError(
      `Unknown workload ${JSON.stringify(name)}; this runner has: ${[...WORKLOADS.keys()].join(", ")}`,
    );
  return workload;
}
