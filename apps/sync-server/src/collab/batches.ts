import * as Y from 'yjs';

/** An update the doc has integrated (Yjs's own encoding of it) and where it came from. */
export interface Applied {
  update: Uint8Array;
  origin: unknown;
}

/** Several applied updates merged into one, with where they came from. */
export interface Batch {
  update: Uint8Array;
  origins: ReadonlySet<unknown>;
}

/**
 * Y.mergeUpdates' cost grows faster than linearly with the number of updates, so a busy round is merged in
 * slices of this many.
 */
const MAX_MERGED = 256;

/**
 * Merges the updates of one round into as few updates as possible, in order. One stored entry and one
 * relay frame per batch, encoded once for every peer, instead of one per keystroke.
 */
export function mergeIntoBatches(applied: readonly Applied[]): Batch[] {
  const batches: Batch[] = [];
  for (let start = 0; start < applied.length; start += MAX_MERGED) {
    const slice = applied.slice(start, start + MAX_MERGED);
    batches.push({
      update: slice.length === 1 ? slice[0]!.update : Y.mergeUpdates(slice.map((a) => a.update)),
      origins: new Set(slice.map((a) => a.origin)),
    });
  }
  return batches;
}
