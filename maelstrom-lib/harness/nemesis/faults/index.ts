/**
 * The faults this runner injects, registered by hand so that every one is a real import (as the
 * workloads are). Adding a fault is one file in this folder and one line in the list at the
 * bottom: `--nemesis` and its help (cli/config.ts), the run's nemesis (`buildNemesis`) and the
 * report's bands (report/fault-bands.ts) all read the registered descriptors.
 */
import { Rng } from "../../primitives/rng.ts";
import { Nemesis, type Fault, type NemesisEnv } from "../nemesis.ts";
import type { FaultDescriptor, FaultEnv } from "./descriptor.ts";
import kill from "./kill.ts";
import partition from "./partition.ts";
import pause from "./pause.ts";

export type { FaultDescriptor, FaultEnv } from "./descriptor.ts";

const registered: FaultDescriptor[] = [];

/**
 * Adds a fault to the list (after the others: --help lists the faults and the report draws their
 * lanes in this order). Throws when its name, one of its ops or its package clashes with a fault
 * already there, since the report pairs ops by :f alone. Returns a function that takes it out again.
 */
export function registerFault(fault: FaultDescriptor): () => void {
  const clash = registrationClash(fault);
  if (clash) throw new Error(`cannot register fault ${JSON.stringify(fault.name)}: ${clash}`);
  registered.push(fault);
  return () => {
    const index = registered.indexOf(fault);
    if (index !== -1) registered.splice(index, 1);
  };
}

function registrationClash(fault: FaultDescriptor): string | undefined {
  if (fault.ops.start === fault.ops.stop) return `its start and stop ops are both ${JSON.stringify(fault.ops.start)}`;
  for (const other of registered) {
    if (other.name === fault.name) return "that name is taken";
    const shared = [fault.ops.start, fault.ops.stop].find((f) => f === other.ops.start || f === other.ops.stop);
    if (shared !== undefined) return `op ${JSON.stringify(shared)} is ${other.name}'s`;
    if ((other.pkg.name === fault.pkg.name) !== (other.pkg.rngStream === fault.pkg.rngStream)) {
      const packages = `package ${fault.pkg.name} and ${other.name}'s package ${other.pkg.name}`;
      return `${packages} must share both name and rng stream, or neither`;
    }
  }
  return undefined;
}

/** Every registered fault, in registration order. */
export function registeredFaults(): readonly FaultDescriptor[] {
  return registered;
}

/** The names `--nemesis` takes, in registration order. */
export function faultNames(): string[] {
  return registered.map((fault) => fault.name);
}

/** The registered fault of this name, if any. */
export function faultNamed(name: string): FaultDescriptor | undefined {
  return registered.find((fault) => fault.name === name);
}

/** The fault whose start or stop op has this :f, and which of the two it is. */
export function faultOfOp(f: string): { fault: FaultDescriptor; injects: boolean } | undefined {
  const fault = registered.find((candidate) => candidate.ops.start === f || candidate.ops.stop === f);
  return fault && { fault, injects: fault.ops.start === f };
}

/**
 * The nemesis for the faults `names` (Maelstrom's nemesis.clj composition): one package per
 * PackageSpec, in the order of its first fault, each mixing its faults in schedule order and
 * drawing from its own stream of the seed, so a --seed replays the same schedule and targets
 * whatever the timing of the rest. Undefined when there is no fault to inject.
 */
export function buildNemesis(
  names: readonly string[],
  world: Omit<FaultEnv, "rng">,
  env: NemesisEnv & { seed: number },
): Nemesis | undefined {
  const faults = names.map((name) => {
    const fault = faultNamed(name);
    if (!fault) throw new Error(`no fault named ${JSON.stringify(name)}; registered: ${faultNames().join(", ")}`);
    return fault;
  });
  const packages = new Map<string, { faults: Fault[]; rng: Rng }>();
  for (const fault of faults.sort((a, b) => a.scheduleOrder - b.scheduleOrder)) {
    const pkg = packages.get(fault.pkg.name) ?? { faults: [], rng: new Rng((env.seed + fault.pkg.rngStream) >>> 0) };
    pkg.faults.push(fault.create({ ...world, rng: pkg.rng }));
    packages.set(fault.pkg.name, pkg);
  }
  if (packages.size === 0) return undefined;
  return new Nemesis([...packages.values()], { history: env.history, clock: env.clock, intervalMs: env.intervalMs });
}

// The faults, in the order --help lists them and the report draws their lanes.
for (const fault of [partition, kill, pause]) registerFault(fault);
