/**
 * Which connection each Yjs client id of a document belongs to. Yjs names every item by (client id,
 * clock) and keeps the first item it gets under a name: a second writer of the same client id makes the
 * owner's later items vanish without a word. So a client id belongs to the connection that first used it
 * (in presence or in an update) while that connection lives, and stays reserved for a grace period after
 * it closes. Process-wide, keyed by document, so that reservations outlive a room that unloads.
 *
 * The one who may take a reserved client id over, or find a live one still held by a connection that is
 * being replaced, is its user reconnecting: the stock client keeps its Y.Doc (and client id) across a
 * reconnection. The server cannot tell users apart, so it asks for what a reconnecting client shows and
 * another user would have to contrive: the same address as the previous owner, and a state vector (its
 * sync request) holding all the document has of that client id.
 */

/** What the registry needs to know of a connection that uses a client id. */
export interface Claimant {
  /** The client's address (see `ClientInfo.address`). */
  readonly address: string;
}

export type Claim =
  /** The id is (now) this claimant's. */
  | { granted: true }
  /**
   * Refused. `busy`: its previous owner looks like this very user, still connected (a connection about to
   * be dropped): try again later (4503). `taken`: another user's (4409).
   */
  | { granted: false; why: 'busy' | 'taken' };

interface Owner {
  claimant: Claimant;
  /** Null while the connection lives; when its reservation ends after it closed. */
  reservedUntil: number | null;
}

export interface ClientIds {
  /**
   * Claims `clientId` of `docId` for `claimant`. `continues`: whether the claimant's latest sync request
   * held all the document has of that client id.
   */
  claim(docId: string, clientId: number, claimant: Claimant, continues: boolean): Claim;
  /** The claimant's connection closed: its client ids stay reserved for the grace period. */
  release(claimant: Claimant): void;
  /** Whether `clientId` of `docId` is owned or reserved; once not, its presence can be forgotten. */
  held(docId: string, clientId: number): boolean;
}

interface Reservation {
  docId: string;
  clientId: number;
  owner: Owner;
}

export function createClientIds(graceMs: number, now: () => number = Date.now): ClientIds {
  const byDoc = new Map<string, Map<number, Owner>>();
  const byClaimant = new Map<Claimant, Array<{ docId: string; clientId: number }>>();
  /** Reservations in the order they end (each lasts the same grace period), from `next` on. */
  let ending: Reservation[] = [];
  let next = 0;

  /** Forgets the reservations that have ended: amortised over the calls, no timer. */
  function sweep(): void {
    const at = now();
    while (next < ending.length && ending[next]!.owner.reservedUntil! <= at) {
      const { docId, clientId, owner } = ending[next++]!;
      const owners = byDoc.get(docId);
      // Only if nobody took it over meanwhile.
      if (owners?.get(clientId) !== owner) continue;
      owners.delete(clientId);
      if (owners.size === 0) byDoc.delete(docId);
    }
    if (next > 1024 && next * 2 > ending.length) {
      ending = ending.slice(next);
      next = 0;
    }
  }

  function own(docId: string, clientId: number, claimant: Claimant): Claim {
    let owners = byDoc.get(docId);
    if (!owners) byDoc.set(docId, (owners = new Map()));
    owners.set(clientId, { claimant, reservedUntil: null });
    let held = byClaimant.get(claimant);
    if (!held) byClaimant.set(claimant, (held = []));
    held.push({ docId, clientId });
    return { granted: true };
  }

  return {
    claim(docId, clientId, claimant, continues) {
      sweep();
      const owner = byDoc.get(docId)?.get(clientId);
      if (!owner) return own(docId, clientId, claimant);
      if (owner.claimant === claimant) return { granted: true };
      const sameUser = continues && owner.claimant.address === claimant.address;
      if (owner.reservedUntil === null) return { granted: false, why: sameUser ? 'busy' : 'taken' };
      return sameUser ? own(docId, clientId, claimant) : { granted: false, why: 'taken' };
    },

    release(claimant) {
      sweep();
      const until = now() + graceMs;
      for (const { docId, clientId } of byClaimant.get(claimant) ?? []) {
        const owner = byDoc.get(docId)?.get(clientId);
        if (owner?.claimant !== claimant) continue;
        owner.reservedUntil = until;
        ending.push({ docId, clientId, owner });
      }
      byClaimant.delete(claimant);
    },

    held(docId, clientId) {
      sweep();
      return byDoc.get(docId)?.has(clientId) ?? false;
    },
  };
}
