/**
 * The g-set workload (Maelstrom's `workload/g_set.clj`): clients add the elements 0, 1, 2, …
 * to a grow-only set and read it, half and half; after heal and recovery every worker reads
 * once more. The checker is Jepsen's set-full: every acknowledged add must show up in the
 * reads that follow it and never disappear again.
 */
import { checkSetFull, explainSetFull, type SetFullResult } from "../checkers/set-full.ts";
import { finalReads } from "./final-reads.ts";
import { ADD, READ } from "../../protocol/g-set.ts";
import { addReadClient } from "./clients.ts";
import type { Workload } from "../contracts/types.ts";
import { broadcastOps } from "./broadcast.ts";

/** Maelstrom's `gen/mix` of adds and reads picks each with equal chance. */
const ADD_PROBABILITY = 0.5;

const gSet: Workload<SetFullResult> = {
  name: "g-set",
  fs: new Set(["add", "read"]),
  reusableClient: false,
  idempotent: new Set(),
  // g_set.clj's client has no with-errors: every error or timeout is :info.
  classifyErrors: false,
  newClient: addReadClient("g-set", "element", ADD, READ),
  // The same stream as broadcast's: values count up from 0, so every add is unique.
  generator: ({ rng }) => broadcastOps(() => rng.chance(ADD_PROBABILITY), "add"),
  // Maelstrom's each-thread read (it carries no :final? flag there; set-full does not look at it).
  finalGenerator: finalReads,
  check: (history) => checkSetFull(history, { addF: "add" }),
  explain: explainSetFull,
};

export default gSet;
