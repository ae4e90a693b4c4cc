/**
 * Which anomalies each consistency model prohibits, and which models a set of observed
 * anomalies rules out (Elle's `consistency-model` namespace, reduced to the models and
 * anomalies a read/write-register history can show). Sources: Adya's thesis (PL-1 … PL-3)
 * and Elle's model graph.
 */

/** Every anomaly the rw-register checker can report. */
export const ANOMALY_TYPES = [
  "G0",
  "G1a",
  "G1b",
  "G1c",
  "G-single",
  "G2-item",
  "G0-realtime",
  "G1c-realtime",
  "G-single-realtime",
  "G2-item-realtime",
  "dirty-update",
  "internal",
  "lost-update",
  "cyclic-versions",
  "garbage-read",
  "empty-transaction-graph",
] as const;

export type AnomalyType = (typeof ANOMALY_TYPES)[number];

interface ModelSpec {
  /** Models this one is at least as strong as (it prohibits everything they prohibit). */
  weaker: readonly string[];
  /** Anomalies this model adds to what its weaker models prohibit. */
  prohibits: readonly AnomalyType[];
}

/**
 * The model lattice. read-uncommitted is Adya's PL-1 (no write cycles), read-committed PL-2
 * (no aborted, intermediate or circular reads), repeatable-read PL-2.99, serializable PL-3;
 * strict-serializable adds real-time order. Internal consistency and lost updates are only
 * promised from snapshot isolation / repeatable read up.
 */
const MODELS: Record<string, ModelSpec> = {
  "read-uncommitted": { weaker: [], prohibits: ["G0", "cyclic-versions", "garbage-read"] },
  "read-committed": { weaker: ["read-uncommitted"], prohibits: ["G1a", "G1b", "G1c", "dirty-update"] },
  "snapshot-isolation": { weaker: ["read-committed"], prohibits: ["G-single", "internal", "lost-update"] },
  "repeatable-read": { weaker: ["read-committed"], prohibits: ["G-single", "G2-item", "internal", "lost-update"] },
  serializable: { weaker: ["snapshot-isolation", "repeatable-read"], prohibits: [] },
  "strong-serializable": { weaker: ["serializable"], prohibits: ["G0-realtime", "G1c-realtime", "G-single-realtime", "G2-item-realtime"] },
  "strict-serializable": { weaker: ["strong-serializable"], prohibits: [] },
};

/** The model names this checker understands. */
export const KNOWN_MODELS: readonly string[] = Object.keys(MODELS);

/** Anomalies that only make a result unknown in Elle; Maelstrom's wrapper counts them as invalid. */
export const UNKNOWN_ANOMALY_TYPES: ReadonlySet<AnomalyType> = new Set(["empty-transaction-graph"]);

/** Every anomaly the given model prohibits, including those of all weaker models. Throws on an unknown model. */
export function anomaliesProhibitedBy(model: string): Set<AnomalyType> {
  const spec = MODELS[model];
  if (!spec) throw new Error(`unknown consistency model ${JSON.stringify(model)}; known: ${KNOWN_MODELS.join(", ")}`);
  const out = new Set<AnomalyType>(spec.prohibits);
  for (const weaker of spec.weaker) for (const anomaly of anomaliesProhibitedBy(weaker)) out.add(anomaly);
  return out;
}

/** True when a real-time graph is needed to see anomalies these models prohibit. */
export function needsRealtime(models: readonly string[]): boolean {
  return models.some((model) => [...anomaliesProhibitedBy(model)].some((anomaly) => anomaly.endsWith("-realtime")));
}

/** Is `model` at least as strong as `other`? */
function isStrongerOrEqual(model: string, other: string): boolean {
  if (model === other) return true;
  return (MODELS[model]?.weaker ?? []).some((weaker) => isStrongerOrEqual(weaker, other));
}

/**
 * The models ruled out by the observed anomalies, as Elle's friendly boundary: `not` holds the
 * weakest impossible models, `also-not` every stronger one they drag along.
 */
export function impossibleModels(observed: Iterable<AnomalyType>): { not: string[]; alsoNot: string[] } {
  const seen = new Set(observed);
  const impossible = KNOWN_MODELS.filter((model) => [...anomaliesProhibitedBy(model)].some((anomaly) => seen.has(anomaly)));
  const not = impossible.filter((model) => !impossible.some((other) => other !== model && isStrongerOrEqual(model, other)));
  const alsoNot = impossible.filter((model) => !not.includes(model));
  return { not: not.sort(), alsoNot: alsoNot.sort() };
}
