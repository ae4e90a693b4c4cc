/**
 * What a fault is to the rest of the runner, in one place (Jepsen's nemesis/combined.clj
 * packages carry their generator, their start and stop ops and their plot colour together):
 * the name `--nemesis` takes and its help, the package whose schedule it runs on, how it is made
 * for a run, the :f of its start and stop ops in the history, its band in the report (colour
 * and words) and the words of its stop in the report's table of nemesis events. The option
 * list, the run's nemesis and the report's bands and table all read the registered descriptors
 * (index.ts), so a new fault is one file here and one line there.
 */
import type { Rng } from "../../primitives/rng.ts";
import type { Network } from "../../world/net.ts";
import type { NodeControl } from "../db-faults.ts";
import type { Fault, FaultDescription, PackageSpec } from "../nemesis.ts";

/** What a fault can act on in a run. */
export interface FaultEnv {
  network: Network;
  nodeIds: readonly string[];
  /** The run's hands on the node processes (kill, start, pause, resume). */
  nodeControl: NodeControl;
  /** Its package's rng: the schedule's gaps and mix choices and every fault's targets draw from it, in order. */
  rng: Rng;
}

/** One kind of fault, as the command line, the run and the report know it. */
export interface FaultDescriptor {
  /** The name `--nemesis` takes, and the kind of its bands in the report. */
  name: string;
  /** What it does, in a few words, for `--help` ("SIGSTOP, then SIGCONT"). */
  help: string;
  /** The package it is scheduled in (its own, unless it is mixed with others as kill and pause are). */
  pkg: PackageSpec;
  /**
   * Where it goes in the schedule: packages are composed in the order of their first fault, and
   * a package mixes its faults in this order. gen/mix picks by position, so the order is part of
   * what a --seed replays.
   */
  scheduleOrder: number;
  /** The :f of its start and stop ops in the history (combined.clj's :perf sets pair them). */
  ops: { readonly start: string; readonly stop: string };
  /** Its band's fill (Jepsen's perf-plot colour) and a darker ink for the band's text and outline. */
  band: { fill: string; ink: string };
  /** Faults whose hold on a node ends when this one hits that node (a killed process is no longer paused). */
  releases?: readonly string[];
  /** Makes the fault for one run. */
  create(env: FaultEnv): Fault;
  /**
   * What one start op did, from its invocation's and completion's :value (`nodeIds`, from
   * test.json when known, lets a label name nodes the op's value does not mention).
   */
  describe(invokeValue: unknown, completionValue: unknown, nodeIds: readonly string[]): FaultDescription;
  /** What one stop op did, from its completion's :value, for the report's nemesis table ("healed the network"). */
  describeStop(completionValue: unknown): string;
}
