/** A stored version as far as its chain is concerned. */
export interface ChainEntry {
  id: string;
  keyframe: boolean;
}

/** A kept version whose content becomes the merge of `from`'s contents and then its own, in that order. */
export interface Rewrite {
  id: string;
  from: string[];
  /** Whether the merged content is a whole state (`from` starts with a keyframe). */
  keyframe: boolean;
}

/**
 * What removing `remove` from a chain of versions (oldest first) rewrites, so that every kept version still
 * opens to the same state: the removed versions between two kept ones fold into the later kept one. A kept
 * keyframe needs nothing of what precedes it; a removed keyframe makes the next kept version a keyframe.
 * Removed versions after the last kept one need no rewrite (the store never removes its newest version).
 * Pure: the store reads and merges the contents the plan names.
 */
export function planRemoval(chain: readonly ChainEntry[], remove: ReadonlySet<string>): Rewrite[] {
  const rewrites: Rewrite[] = [];
  // The removed versions since the last kept one, from the last keyframe among them.
  let pending: ChainEntry[] = [];
  for (const entry of chain) {
    if (remove.has(entry.id)) {
      pending = entry.keyframe ? [entry] : [...pending, entry];
    } else {
      if (pending.length > 0 && !entry.keyframe) {
        rewrites.push({ id: entry.id, from: pending.map((p) => p.id), keyframe: pending[0]!.keyframe });
      }
      pending = [];
    }
  }
  return rewrites;
}
