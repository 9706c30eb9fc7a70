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
 *
 * A reservation keeps the address only, never the connection: a crowd that leaves together would otherwise
 * keep every closed connection (its socket, its buffers) for the whole grace period. Ended reservations are
 * forgotten by a timer, so that an idle server does not keep them either.
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
  /** The connection while it lives; null once it closed (only its address is kept then). */
  claimant: Claimant | null;
  address: string;
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
  /** Client ids owned or reserved now, over every document. */
  readonly size: number;
  /** Stops the timer that forgets ended reservations. */
  close(): void;
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
  let size = 0;
  /** Set while reservations are waiting to end: fires when the first of them does. */
  let timer: NodeJS.Timeout | undefined;

  /** Forgets the reservations that have ended. */
  function sweep(): void {
    const at = now();
    while (next < ending.length && ending[next]!.owner.reservedUntil! <= at) {
      const { docId, clientId, owner } = ending[next++]!;
      const owners = byDoc.get(docId);
      // Only if nobody took it over meanwhile.
      if (owners?.get(clientId) !== owner) continue;
      owners.delete(clientId);
      size--;
      if (owners.size === 0) byDoc.delete(docId);
    }
    if (next === ending.length) {
      ending = [];
      next = 0;
    } else if (next > 1024 && next * 2 > ending.length) {
      ending = ending.slice(next);
      next = 0;
    }
  }

  function schedule(): void {
    if (timer || next === ending.length) return;
    timer = setTimeout(() => {
      timer = undefined;
      sweep();
      schedule();
    }, Math.max(0, ending[next]!.owner.reservedUntil! - now()));
    timer.unref();
  }

  function own(docId: string, clientId: number, claimant: Claimant): Claim {
    let owners = byDoc.get(docId);
    if (!owners) byDoc.set(docId, (owners = new Map()));
    if (!owners.has(clientId)) size++;
    owners.set(clientId, { claimant, address: claimant.address, reservedUntil: null });
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
      const sameUser = continues && owner.address === claimant.address;
      if (owner.reservedUntil === null) return { granted: false, why: sameUser ? 'busy' : 'taken' };
      return sameUser ? own(docId, clientId, claimant) : { granted: false, why: 'taken' };
    },

    release(claimant) {
      sweep();
      const until = now() + graceMs;
      for (const { docId, clientId } of byClaimant.get(claimant) ?? []) {
        const owner = byDoc.get(docId)?.get(clientId);
        if (owner?.claimant !== claimant) continue;
        owner.claimant = null;
        owner.reservedUntil = until;
        ending.push({ docId, clientId, owner });
      }
      byClaimant.delete(claimant);
      schedule();
    },

    held(docId, clientId) {
      sweep();
      return byDoc.get(docId)?.has(clientId) ?? false;
    },

    get size() {
      return size;
    },

    close() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
