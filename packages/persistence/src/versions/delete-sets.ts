import * as Y from 'yjs';

/*
 * Yjs delete sets (which ids are deleted: per client, ranges of clocks) and state vectors (per client, the
 * next clock), the two halves of a Y.Snapshot: together they say exactly what a document state holds, since
 * an item's content never changes once created. Deletions never advance a state vector, so comparing state
 * vectors alone would miss a version whose only change is a deletion.
 */

type DeleteSet = Y.Snapshot['ds'];
type StateVector = Map<number, number>;

/** The ranges of `a` that are not in `b`: the deletions one state has beyond another. Sorted and merged. */
export function subtractDeleteSet(a: DeleteSet, b: DeleteSet): DeleteSet {
  const out = Y.createDeleteSet();
  for (const [client, ranges] of a.clients) {
    const minus = b.clients.get(client) ?? [];
    const left: { clock: number; len: number }[] = [];
    for (const { clock, len } of ranges) {
      let start = clock;
      const end = clock + len;
      for (const m of minus) {
        const mEnd = m.clock + m.len;
        if (mEnd <= start || m.clock >= end) continue;
        if (m.clock > start) left.push({ clock: start, len: m.clock - start });
        start = Math.max(start, mEnd);
        if (start >= end) break;
      }
      if (start < end) left.push({ clock: start, len: end - start });
    }
    if (left.length > 0) out.clients.set(client, left);
  }
  // Pieces of one range may touch pieces of the next; merging gives the canonical form Yjs compares.
  return Y.mergeDeleteSets([out]);
}

export function isEmptyDeleteSet(ds: DeleteSet): boolean {
  return ds.clients.size === 0;
}

/** True when state `b` holds something `a` does not: an item beyond `a`'s state vector or a deletion. */
export function hasBeyond(b: Y.Snapshot, a: Y.Snapshot): boolean {
  for (const [client, clock] of b.sv) if (clock > (a.sv.get(client) ?? 0)) return true;
  return !isEmptyDeleteSet(subtractDeleteSet(b.ds, a.ds));
}

/** The state holding everything either holds. */
export function unionSnapshot(a: Y.Snapshot, b: Y.Snapshot): Y.Snapshot {
  const sv: StateVector = new Map(a.sv);
  for (const [client, clock] of b.sv) if (clock > (sv.get(client) ?? 0)) sv.set(client, clock);
  return Y.createSnapshot(Y.mergeDeleteSets([a.ds, b.ds]), sv);
}

/**
 * The bytes Yjs writes for a delete set at the end of a v1 update. A v1 snapshot is the same delete-set
 * encoding followed by the state vector, which for an empty one is the single byte 0 (its length).
 */
export function deleteSetBytes(ds: DeleteSet): Uint8Array {
  const snapshot = Y.encodeSnapshot(Y.createSnapshot(ds, new Map()));
  return snapshot.subarray(0, snapshot.length - 1);
}
