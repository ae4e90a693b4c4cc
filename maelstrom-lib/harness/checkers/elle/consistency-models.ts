/**
 * Elle's consistency-model tables (elle/consistency_model.clj), in full, shared by the
 * rw-register and list-append checkers: the anomaly implication graph, the model graph and
 * the anomalies each model directly proscribes; from them which anomalies a set of models
 * prohibits and which models a set of observed anomalies rules out.
 *
 * Versions. Maelstrom 0.2.3 runs Elle 0.1.6; these tables are a later Elle's. 0.1.6's own file
 * was not at hand, but an older consistency_model.clj and the current one agree on the two
 * models Gossip Glomers uses, so 0.1.6, between them, should too: read-uncommitted G0, duplicate-elements and
 * cyclic-versions; read-committed adds G1 (G1a, G1b, G1c), dirty-update and
 * incompatible-order. The later Elle adds future-read (it implies G1c, so read-committed
 * prohibits it; only list-append sees it), the *-cycle-exists markers of its cycle search, and
 * it throws on an unknown model name where the older one ignored it. Stronger models changed
 * more: lost-update became prohibited from cursor-stability up (so repeatable-read prohibits it),
 * snapshot-isolation came to prohibit G-nonadjacent, strong-serializable became another name
 * for strict-serializable, and the strong-session-* and strong-* read models are new. So
 * Maelstrom 0.2.3's verdict for read-uncommitted and read-committed is the one printed here,
 * while `also-not` may list models 0.1.6 did not know.
 */

/** Anomalies that make Elle's result unknown rather than invalid (elle/txn.clj unknown-anomaly-types). */
export const ELLE_UNKNOWN_ANOMALY_TYPES: ReadonlySet<string> = new Set(["empty-transaction-graph", "cycle-search-timeout"]);

/** a → anomalies that a implies (Elle's implied-anomalies). */
const ELLE_IMPLIED_ANOMALIES: Record<string, readonly string[]> = {
  G0: ["G1c", "G0-process"],
  "G0-process": ["G1c-process", "G0-realtime"],
  "G0-realtime": ["G1c-realtime"],
  G1a: ["G1"],
  G1b: ["G1"],
  G1c: ["G1", "G1c-process"],
  "G1c-process": ["G1c-realtime", "G1-process"],
  "G1c-realtime": ["G1-realtime"],
  G1: ["G1-process"],
  "G1-process": ["G1-realtime"],
  "G-single-item": ["G-single", "G-single-item-process", "G-nonadjacent-item"],
  "G-single-item-process": ["G-single-process", "G-single-item-realtime", "G-nonadjacent-item-process"],
  "G-single-item-realtime": ["G-single-realtime", "G-nonadjacent-item-realtime"],
  "G-single": ["G-nonadjacent", "GSIb", "G-single-process"],
  "G-single-process": ["G-nonadjacent-process", "G-single-realtime"],
  "G-single-realtime": ["G-nonadjacent-realtime"],
  "G-nonadjacent-item": ["G-nonadjacent", "G2-item", "G-nonadjacent-item-process"],
  "G-nonadjacent-item-process": ["G-nonadjacent-process", "G2-item-process", "G-nonadjacent-item-realtime"],
  "G-nonadjacent-item-realtime": ["G2-item-realtime", "G-nonadjacent-realtime"],
  "G-nonadjacent": ["G2", "G-nonadjacent-process"],
  "G-nonadjacent-process": ["G2-process", "G-nonadjacent-realtime"],
  "G-nonadjacent-realtime": ["G2-realtime"],
  G2: ["G2-process"],
  "G2-item": ["G2", "G2-item-process"],
  "G2-item-process": ["G2-process", "G2-item-realtime"],
  "G2-item-realtime": ["G2-realtime"],
  "G2-process": ["G2-realtime"],
  GSIa: ["GSI"],
  GSIb: ["GSI"],
  "incompatible-order": ["G1a"],
  "future-read": ["G1c"],
  "dirty-update": ["G1a"],
  "lost-update": ["write-skew", "G2-item"],
  "write-skew": ["G2"],
};

/** Elle's canonical-model-names: friendly name → canonical name. */
const ELLE_CANONICAL: Record<string, string> = {
  "consistent-view": "PL-2+",
  "conflict-serializable": "PL-3",
  "cursor-stability": "PL-CS",
  "forward-consistent-view": "PL-FCV",
  "monotonic-snapshot-read": "PL-MSR",
  "monotonic-view": "PL-2L",
  "read-committed": "PL-2",
  "read-uncommitted": "PL-1",
  "repeatable-read": "PL-2.99",
  serializable: "PL-3",
  "snapshot-isolation": "PL-SI",
  "strict-serializable": "PL-SS",
  "strong-serializable": "PL-SS",
  "update-serializable": "PL-3U",
  "strong-session-read-uncommitted": "strong-session-PL-1",
  "strong-session-read-committed": "strong-session-PL-2",
  "strong-read-uncommitted": "strong-PL-1",
  "strong-read-committed": "strong-PL-2",
};

/** Canonical → friendly (PL-3 reads "serializable", PL-SS "strict-serializable"). */
const ELLE_FRIENDLY: Record<string, string> = {
  ...Object.fromEntries(Object.entries(ELLE_CANONICAL).map(([friendly, canonical]) => [canonical, friendly])),
  "PL-3": "serializable",
  "PL-SS": "strict-serializable",
};

const canonical = (model: string): string => ELLE_CANONICAL[model] ?? model;

/** a → models a history satisfying a also satisfies (Elle's models graph, by friendly or canonical name). */
const ELLE_MODEL_EDGES: Record<string, readonly string[]> = {
  "causal-cerone": ["read-atomic"],
  "consistent-view": ["cursor-stability", "monotonic-view"],
  "conflict-serializable": ["view-serializable"],
  "cursor-stability": ["read-committed", "PL-2"],
  "forward-consistent-view": ["consistent-view"],
  "PL-2": ["PL-1"],
  "PL-3": ["repeatable-read", "update-serializable"],
  "update-serializable": ["forward-consistent-view"],
  "monotonic-atomic-view": ["read-committed"],
  "monotonic-view": ["PL-2"],
  "monotonic-snapshot-read": ["PL-2"],
  "parallel-snapshot-isolation": ["causal-cerone", "ROLA"],
  prefix: ["causal-cerone"],
  "read-atomic": ["monotonic-atomic-view"],
  "read-committed": ["read-uncommitted"],
  "repeatable-read": ["cursor-stability", "monotonic-atomic-view"],
  ROLA: ["read-atomic"],
  serializable: ["repeatable-read", "snapshot-isolation", "view-serializable"],
  "session-serializable": ["1SR"],
  "snapshot-isolation": ["forward-consistent-view", "monotonic-atomic-view", "monotonic-snapshot-read", "parallel-snapshot-isolation", "prefix"],
  "strict-serializable": ["PL-3", "serializable", "linearizable", "snapshot-isolation", "strong-snapshot-isolation", "strong-session-serializable"],
  "strong-session-PL-1": ["PL-1"],
  "strong-session-PL-2": ["PL-2", "strong-session-PL-1"],
  "strong-PL-1": ["strong-session-PL-1"],
  "strong-PL-2": ["strong-session-PL-2", "strong-PL-1"],
  "strong-session-serializable": ["serializable", "strong-session-snapshot-isolation"],
  "strong-session-snapshot-isolation": ["snapshot-isolation", "strong-session-PL-2"],
  "strong-serializable": ["session-serializable"],
  "strong-snapshot-isolation": ["strong-session-snapshot-isolation", "strong-PL-2"],
  linearizable: ["sequential"],
  sequential: ["causal"],
  causal: ["writes-follow-reads", "PRAM"],
  PRAM: ["monotonic-reads", "monotonic-writes", "read-your-writes"],
};

/** Model → anomalies it proscribes beyond the models it implies (Elle's direct-proscribed-anomalies). */
const ELLE_PROSCRIBED: Record<string, readonly string[]> = {
  "causal-cerone": ["internal", "G1a"],
  "cursor-stability": ["G1", "G-cursor", "lost-update"],
  "monotonic-view": ["G1", "G-monotonic"],
  "monotonic-snapshot-read": ["G1", "G-MSR"],
  "consistent-view": ["G1", "G-single"],
  "forward-consistent-view": ["G1", "G-SIb"],
  "parallel-snapshot-isolation": ["internal", "G1a"],
  "PL-3": ["G1", "G2", "predicate-read-miss", "PL-3-cycle-exists"],
  "PL-2": ["G1", "PL-2-cycle-exists"],
  "PL-1": ["G0", "duplicate-elements", "cyclic-versions", "PL-1-cycle-exists"],
  prefix: ["internal", "G1a"],
  serializable: ["internal"],
  "snapshot-isolation": ["internal", "G1", "G-SI", "G-nonadjacent", "PL-SI-cycle-exists"],
  "read-atomic": ["internal", "G1a", "future-read"],
  "repeatable-read": ["G1", "G2-item", "PL-2.99-cycle-exists", "lost-update"],
  ROLA: ["lost-update"],
  "strict-serializable": ["G1", "G1c-realtime", "G2-realtime", "PL-SS-cycle-exists"],
  "strong-session-PL-1": ["strong-session-PL-1-cycle-exists", "G0-process"],
  "strong-session-PL-2": ["strong-session-PL-2-cycle-exists", "G1c-process"],
  "strong-PL-1": ["strong-PL-1-cycle-exists", "G0-realtime"],
  "strong-PL-2": ["strong-PL-2-cycle-exists", "G1c-realtime"],
  "strong-session-snapshot-isolation": ["internal", "G1-process", "G-nonadjacent-process", "strong-session-snapshot-isolation-cycle-exists"],
  "strong-snapshot-isolation": ["internal", "G1-realtime", "G-nonadjacent-realtime", "strong-snapshot-isolation-cycle-exists"],
  "strong-session-serializable": ["G1-process", "G2-process", "strong-session-serializable-cycle-exists"],
  "update-serializable": ["G1", "G-update"],
};

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

const IMPLIED = dag(ELLE_IMPLIED_ANOMALIES);
const MODEL_GRAPH = dag(ELLE_MODEL_EDGES, canonical);
const PROSCRIBED = dag(ELLE_PROSCRIBED, (v) => (v in ELLE_PROSCRIBED ? canonical(v) : v));

/** Every model name Elle knows, friendly and canonical. */
export const ELLE_MODELS: ReadonlySet<string> = new Set([
  ...MODEL_GRAPH.out.keys(),
  ...MODEL_GRAPH.into.keys(),
  ...Object.keys(ELLE_CANONICAL),
  ...Object.values(ELLE_CANONICAL),
]);

/** Why a list of model names cannot be judged (a name Elle does not know), or undefined. */
export function unknownModelError(models: readonly string[]): string | undefined {
  const unknown = models.find((model) => !ELLE_MODELS.has(model));
  return unknown === undefined ? undefined : `unknown consistency model ${JSON.stringify(unknown)}`;
}

/** The anomalies `anomalies` imply, themselves included (Elle's all-implied-anomalies). */
export function elleImpliedAnomalies(anomalies: Iterable<string>): Set<string> {
  return reachable(IMPLIED.out, anomalies);
}

/** Every anomaly that cannot occur if all `models` hold (Elle's anomalies-prohibited-by). */
export function elleProhibitedAnomalies(models: readonly string[]): Set<string> {
  const implied = reachable(MODEL_GRAPH.out, models.map(canonical));
  const direct = [...implied].flatMap((model) => [...(PROSCRIBED.out.get(model) ?? [])]);
  return reachable(IMPLIED.into, direct);
}

/**
 * Elle's friendly-boundary: `not` holds the weakest models the anomalies rule out, `also-not`
 * the stronger ones ruled out with them, by friendly names, sorted.
 */
export function elleBoundary(anomalies: Iterable<string>): { not: string[]; alsoNot: string[] } {
  const direct = [...elleImpliedAnomalies(anomalies)].flatMap((anomaly) => [...(PROSCRIBED.into.get(anomaly) ?? [])]);
  const impossible = reachable(MODEL_GRAPH.into, direct);
  // Weakest: drop a model when it implies another impossible one.
  const weakest = [...impossible].filter((model) => ![...reachable(MODEL_GRAPH.out, [model])].some((other) => other !== model && impossible.has(other)));
  const friendly = (models: Iterable<string>) => [...new Set([...models].map((m) => ELLE_FRIENDLY[m] ?? m))].sort();
  return { not: friendly(weakest), alsoNot: friendly([...impossible].filter((m) => !weakest.includes(m))) };
}
