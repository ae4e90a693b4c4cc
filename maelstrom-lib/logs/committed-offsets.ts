/**
 * The committed offset of each key of a Kafka-style log: a client's resume hint, which only
 * ever moves forward. Shared by the single-node logs (5a) and the replicated ones (5c).
 */

/** Committed offsets per key, each only ever moving forward. */
export class CommittedOffsets {
  private readonly commits = new Map<string, number>();

  /** Moves a key's committed offset forward (never back); true if it moved. */
  commit(key: string, offset: number): boolean {
    if (offset <= (this.commits.get(key) ?? -1)) return false;
    this.commits.set(key, offset);
    return true;
  }

  /** Every key's committed offset. */
  allCommitted(): Record<string, number> {
    return Object.fromEntries(this.commits);
  }

  /** The committed offsets of those of `keys` that have one. */
  committed(keys: readonly string[]): Record<string, number> {
    const offsets: Record<string, number> = {};
    for (const key of keys) {
      const offset = this.commits.get(key);
      if (offset !== undefined) offsets[key] = offset;
    }
    return offsets;
  }
}
