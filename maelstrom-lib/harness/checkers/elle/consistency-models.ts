/**
 * Elle's judgement of anomalies against consistency models (elle/consistency_model.clj),
 * shared by the rw-register and list-append checkers, for two releases: which anomalies a set
 * of models prohibits, which anomalies a found one implies, and which models the found ones
 * rule out (`not`, `also-not`).
 *
 * Maelstrom 0.2.3 runs Elle 0.1.6 (its project.clj pins Jepsen 0.3.1, whose project.clj pins
 * Elle 0.1.6), so the checkers' verdicts use MAELSTROM_ELLE. NEWER_ELLE (0.2.7) is consulted
 * only for what a newer Elle would add (checkers/elle/newer-elle.ts), which is reported apart.
 */
import { ELLE_0_1_6_TABLES, ELLE_0_2_7_TABLES, type ElleTables } from "./model-tables.ts";

/** Anomalies that make Elle's result unknown rather than invalid (elle/txn.clj unknown-anomaly-types). */
export const ELLE_UNKNOWN_ANOMALY_TYPES: ReadonlySet<string> = new Set([
  "empty-transaction-graph",
  "cycle-search-timeout",
]);

/** A DAG as out- and in-adjacency, vertex names passed through `name`. */
function dag(edges: Record<string, readonly string[]>, name: (v: string) => string = (v) => v) {
  const out = new Map<string, Set<string>>();
  const into = new Map<string, Set<string>>();
  const add = (map: Map<string, Set<string>>, a: string, b: string) => {
    if (!map.has(a)) map.set(a, new Set());
    map.get(a)!.add(b);
  };
  for (const [a, bs] of Object.entries(edges)) {
    for (const b of bs) {
      add(out, name(a), name(b));
      add(into, name(b), name(a));
    }
  }
  return { out, into };
}

/** Every vertex reachable from `start` (included) along `next`. */
function reachable(next: Map<string, Set<string>>, start: Iterable<string>): Set<string> {
  const seen = new Set(start);
  const queue = [...seen];
  while (queue.length > 0) for (const v of next.get(queue.pop()!) ?? []) if (!seen.has(v)) seen.add(v) && queue.push(v);
  return seen;
}

/** One Elle release's model judgements. */
export interface ElleRules {
  /** The release, e.g. "0.1.6". */
  version: string;
  /** Every model name it knows, friendly and canonical. */
  models: ReadonlySet<string>;
  /** Why a list of model names cannot be judged (a name it does not know), or undefined. */
  unknownModelError(models: readonly string[]): string | undefined;
  /** The anomalies `anomalies` imply, themselves included (all-implied-anomalies). */
  implied(anomalies: Iterable<string>): Set<string>;
  /** Every anomaly that cannot occur if all `models` hold (anomalies-prohibited-by). */
  prohibited(models: readonly string[]): Set<string>;
  /** friendly-boundary: the weakest models the anomalies rule out, and the stronger ones, by friendly names, sorted. */
  boundary(anomalies: Iterable<string>): { not: string[]; alsoNot: string[] };
}

function elleRules(version: string, tables: ElleTables): ElleRules {
  const canonical = (model: string): string => tables.canonical[model] ?? model;
  // Canonical → friendly: PL-3 reads "serializable", PL-SS "strict-serializable".
  const friendly: Record<string, string> = {
    ...Object.fromEntries(Object.entries(tables.canonical).map(([name, canon]) => [canon, name])),
    "PL-3": "serializable",
    "PL-SS": "strict-serializable",
  };
  const implied = dag(tables.implied);
  const modelGraph = dag(tables.models, canonical);
  const proscribed = dag(tables.proscribed, (v) => (v in tables.proscribed ? canonical(v) : v));
  const named = Object.entries(tables.canonical).flat();
  const models = new Set([...modelGraph.out.keys(), ...modelGraph.into.keys(), ...named]);
  return {
    version,
    models,
    unknownModelError: (names) => {
      const unknown = names.find((model) => !models.has(model));
      if (unknown === undefined) return undefined;
      return `unknown consistency model ${JSON.stringify(unknown)} (Elle ${version})`;
    },
    implied: (anomalies) => reachable(implied.out, anomalies),
    prohibited: (names) => {
      const holding = reachable(modelGraph.out, names.map(canonical));
      return reachable(
        implied.into,
        [...holding].flatMap((model) => [...(proscribed.out.get(model) ?? [])]),
      );
    },
    boundary: (anomalies) => {
      const found = reachable(implied.out, anomalies);
      const ruledOut = [...found].flatMap((anomaly) => [...(proscribed.into.get(anomaly) ?? [])]);
      const impossible = reachable(modelGraph.into, ruledOut);
      // Weakest: drop a model when it implies another impossible one.
      const implies = (model: string, other: string) =>
        other !== model && reachable(modelGraph.out, [model]).has(other);
      const weakest = [...impossible].filter((model) => ![...impossible].some((other) => implies(model, other)));
      const byName = (list: Iterable<string>) => [...new Set([...list].map((m) => friendly[m] ?? m))].sort();
      return { not: byName(weakest), alsoNot: byName([...impossible].filter((m) => !weakest.includes(m))) };
    },
  };
}

/** Elle 0.1.6's rules: the release Maelstrom 0.2.3 runs, so the one that decides verdicts. */
export const MAELSTROM_ELLE: ElleRules = elleRules("0.1.6", ELLE_0_1_6_TABLES);

/** Elle 0.2.7's rules: the newest release, for what it would report beyond Maelstrom. */
export const NEWER_ELLE: ElleRules = elleRules("0.2.7", ELLE_0_2_7_TABLES);
