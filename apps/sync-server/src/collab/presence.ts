import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { Limits } from '../config.js';
import type { Peer } from './peer.js';
import { type AwarenessEntry, CloseCode, type Refusal, encodeAwareness, encodeAwarenessEntries } from './protocol.js';
import { SERVER_DOC_GUID } from './stored-doc.js';

/** What presence may cost: client ids per connection and JSON bytes of the whole document's states. */
export type PresenceBudget = Pick<Limits, 'maxPresenceClients' | 'maxDocPresenceBytes'>;

/** How long a departed client's clock is kept: far longer than a presence batch waits to go out. */
const FORGET_AFTER_MS = 1_000;

/** Who changed presence: a peer, or null for states the server itself timed out. */
export type PresenceChanged = (clientIds: readonly number[], from: Peer | null) => void;

/**
 * A document's awareness (names, colours, carets) and who may change which part of it. Awareness is
 * relayed to every peer and never stored. Each client id belongs to the peer that introduced it: only that
 * peer may change or remove its state, and its states are removed for everyone when it leaves.
 */
export class Presence {
  private readonly awareness: awarenessProtocol.Awareness;
  /** Each peer with the client ids it introduced. */
  private readonly owned = new Map<Peer, Set<number>>();
  private readonly owners = new Map<number, Peer>();
  /** The JSON length of each state held, and their sum: what every newcomer is sent. */
  private readonly sizes = new Map<number, number>();
  private totalSize = 0;

  /**
   * `changed` gets the client ids of every change, with the peer that made it. It encodes nothing: the
   * room batches changes and encodes each batch once (`updateOf`), with each client's latest state.
   */
  constructor(private readonly changed: PresenceChanged) {
    // Awareness takes a Y.Doc only for the server's own client id. Not the document's: that one is replaced
    // when the room reloads it from the store, and destroying it would destroy the awareness with it.
    this.awareness = new awarenessProtocol.Awareness(new Y.Doc({ guid: SERVER_DOC_GUID }));
    // The server is not a user: without this, its own empty state would show up in every presence list.
    this.awareness.setLocalState(null);
    this.awareness.on('update', this.onUpdate);
  }

  addPeer(peer: Peer): void {
    this.owned.set(peer, new Set());
  }

  removePeer(peer: Peer): void {
    const clientIds = this.owned.get(peer);
    if (clientIds && clientIds.size > 0) {
      const gone = [...clientIds];
      awarenessProtocol.removeAwarenessStates(this.awareness, gone, peer);
      // Awareness keeps the clock of every client it ever saw, to ignore stale updates: a server that
      // outlives millions of short visits must not. Forgotten once the batched removals have gone out
      // (they are encoded with these clocks); client-id ownership (client-ids.ts) keeps a departed client's
      // id from being reused by anyone else meanwhile.
      setTimeout(() => this.forget(gone), FORGET_AFTER_MS).unref();
    }
    this.owned.delete(peer);
  }

  /** The peer whose state `clientId` is (a remote process's, for a client of another server process). */
  ownerOf(clientId: number): Peer | undefined {
    return this.owners.get(clientId);
  }

  /**
   * Whether a peer's awareness update fits the budgets: at most `maxPresenceClients` client ids for the
   * peer, and at most `maxDocPresenceBytes` of states for the whole document once applied.
   */
  check(peer: Peer, entries: readonly AwarenessEntry[], budget: PresenceBudget): Refusal | null {
    const clientIds = new Set(this.owned.get(peer));
    let total = this.totalSize;
    for (const { clientId, state, size } of entries) {
      if (state === null) continue;
      clientIds.add(clientId);
      total += size - (this.sizes.get(clientId) ?? 0);
    }
    if (clientIds.size > budget.maxPresenceClients) {
      return { code: CloseCode.TooLarge, reason: 'too many presence client ids', metric: 'presence-clients' };
    }
    if (total > this.totalSize && total > budget.maxDocPresenceBytes) {
      return { code: CloseCode.TooLarge, reason: 'the document’s presence is full', metric: 'presence-bytes' };
    }
    return null;
  }

  /**
   * Applies a peer's awareness, except for client ids another peer introduced. (A client that reconnects
   * before its old socket is dropped regains its id once the old one is gone, at its next renewal.)
   */
  receive(peer: Peer, update: Uint8Array, entries: readonly AwarenessEntry[]): void {
    const own = entries.filter((entry) => (this.owners.get(entry.clientId) ?? peer) === peer);
    if (own.length === 0) return;
    const allowed = own.length === entries.length ? update : encodeAwarenessEntries(own);
    awarenessProtocol.applyAwarenessUpdate(this.awareness, allowed, peer);
    for (const { clientId, clock, size } of own) {
      // Only the states awareness took (a stale clock is ignored) and still holds.
      if (this.awareness.meta.get(clientId)?.clock !== clock) continue;
      this.setSize(clientId, this.awareness.states.has(clientId) ? size : 0);
    }
  }

  /** Every state known now as one frame (for a newcomer and for query-awareness), or null if none. */
  currentFrame(): Uint8Array | null {
    const clients = [...this.awareness.getStates().keys()];
    if (clients.length === 0) return null;
    return encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients));
  }

  /** The `user` field (name and colour, as editors set it) of each state the peer introduced, unchecked. */
  usersOf(peer: Peer): unknown[] {
    const states = this.awareness.getStates();
    return [...(this.owned.get(peer) ?? [])].map((clientId) => (states.get(clientId) as { user?: unknown } | undefined)?.user);
  }

  /**
   * The awareness update holding the latest state of each of `clientIds` (a client gone: its removal).
   * Every id must have been reported by `changed`.
   */
  updateOf(clientIds: readonly number[]): Uint8Array {
    return awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...clientIds]);
  }

  /** The states that the peers chosen by `include` introduced, as one awareness update, or null if none. */
  statesOf(include: (peer: Peer) => boolean): Uint8Array | null {
    const clients = [...this.owners].flatMap(([clientId, peer]) => (include(peer) ? [clientId] : []));
    if (clients.length === 0) return null;
    return awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients);
  }

  destroy(): void {
    this.awareness.destroy();
  }

  /** Forgets the clocks of departed clients that have not come back. */
  private forget(clientIds: readonly number[]): void {
    for (const clientId of clientIds) if (!this.awareness.states.has(clientId)) this.awareness.meta.delete(clientId);
  }

  private setSize(clientId: number, size: number): void {
    this.totalSize += size - (this.sizes.get(clientId) ?? 0);
    if (size > 0) this.sizes.set(clientId, size);
    else this.sizes.delete(clientId);
  }

  private readonly onUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    const from = this.owned.has(origin as Peer) ? (origin as Peer) : null;
    const peerIds = from && this.owned.get(from);
    if (peerIds) {
      for (const id of [...added, ...updated]) {
        peerIds.add(id);
        this.owners.set(id, from!);
      }
    }
    for (const id of removed) {
      this.owned.get(this.owners.get(id)!)?.delete(id);
      this.owners.delete(id);
      this.setSize(id, 0);
    }
    this.changed([...added, ...updated, ...removed], from);
  };
}
