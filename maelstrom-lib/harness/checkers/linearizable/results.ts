/**
 * Reading a lin-kv result back (from results.json): the one place that knows where each key's
 * linearizability check sits, so that the console, the run page and linearizability.html
 * read it alike. A key's check is either the key's result itself, or nested under
 * `linearizable` beside `timeline`, as Maelstrom's per-key compose of the two nests it.
 */
import type { PartialReport } from "./partials.ts";

/** One key of a lin-kv result, as the report reads it. */
export interface LinKVKey {
  /** The key as results.json names it. */
  name: string;
  valid: unknown;
  /** The key's linearizability check: explanation, op, partial-linearizations, window-ops, cause… */
  check: Record<string, unknown>;
  /** Its folder in the run folder (`independent/<key>`), where linear.svg is for a bad key. */
  folder: string;
}

/** The keys of a lin-kv workload result, in results.json's order; undefined for any other result. */
export function linKVKeys(workload: unknown): LinKVKey[] | undefined {
  if (typeof workload !== "object" || workload === null) return undefined;
  const { results, failures } = workload as Record<string, unknown>;
  if (typeof results !== "object" || results === null || !Array.isArray(failures)) return undefined;
  return Object.entries(results as Record<string, Record<string, unknown>>).map(([name, result]) => {
    const nested = result?.linearizable;
    const check = typeof nested === "object" && nested !== null ? (nested as Record<string, unknown>) : (result ?? {});
    return { name, valid: result?.["valid?"] ?? check["valid?"], check, folder: keyFolder(name) };
  });
}

/** A key's partial linearizations, longest first (none for a key that is not false). */
export function partialsOf(key: LinKVKey): PartialReport[] {
  const partials = key.check["partial-linearizations"];
  return Array.isArray(partials) ? (partials as PartialReport[]) : [];
}

/** A key's folder under the run folder, as Jepsen's independent checker names it (path-safe). */
export function keyFolder(name: string): string {
  return `independent/${name.replace(/[^\w.-]/g, "_")}`;
}
