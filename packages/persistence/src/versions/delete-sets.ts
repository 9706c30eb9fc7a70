import * as Y from 'yjs';

/*
 * Yjs delete sets (which ids are deleted: per client, ranges of clocks) and state vectors (per client, the
 * next clock), the two halves of a Y.Snapshot: together they say exactly what a document state holds, since
 * an item's content never changes once created. Deletions never advance a state vector, so comparing state
 * vectors alone would miss a version whose only change is a deletion.
 */

type DeleteSet = Y.Snapshot['ds'];
type StateVector = Map<number, number>;
type Range = { clock: number; len: number };

/** The ranges of `a` that are not in `b`: the deletions one state has beyond another. Sorted and merged. */
export function subtractDeleteSet(a: DeleteSet, b: DeleteSet): DeleteSet {
  const out = Y.createDeleteSet();
  for (const [client, ranges] of a.clients) {
    const left = subtractRanges(ranges, b.clients.get(client) ?? []);
    if (left.length > 0) out.clients.set(client, left);
  }
  return out;
}

/** One sweep over both lists, each sorted by clock and merged (as Yjs keeps them): linear, not quadratic. */
function subtractRanges(ranges: readonly Range[], minus: readonly Range[]): Range[] {
  const left: Range[] = [];
  let j = 0;
  for (const { clock, len } of ranges) {
    let start = clock;
    const end = clock + len;
    while (j < minus.length && minus[j]!.clock + minus[j]!.len <= start) j++;
    for (let k = j; k < minus.length && minus[k]!.clock < end; k++) {
      if (minus[k]!.clock > start) left.push({ clock: start, len: minus[k]!.clock - start });
      start = Math.max(start, minus[k]!.clock + minus[k]!.len);
    }
    if (start < end) left.push({ clock: start, len: end - start });
  }
  return left;
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
