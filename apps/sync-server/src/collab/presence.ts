import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { Peer } from './peer.js';
import { type AwarenessEntry, encodeAwareness, encodeAwarenessEntries } from './protocol.js';

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

  /**
   * `changed` gets the client ids of every change, with the peer that made it. It encodes nothing: the
   * room batches changes and encodes each batch once (`updateOf`), with each client's latest state.
   */
  constructor(private readonly changed: PresenceChanged) {
    // Awareness takes a Y.Doc only for the server's own client id. Not the document's: that one is replaced
    // when the room reloads it from the store, and destroying it would destroy the awareness with it.
    this.awareness = new awarenessProtocol.Awareness(new Y.Doc());
    // The server is not a user: without this, its own empty state would show up in every presence list.
    this.awareness.setLocalState(null);
    this.awareness.on('update', this.onUpdate);
  }

  addPeer(peer: Peer): void {
    this.owned.set(peer, new Set());
  }

  removePeer(peer: Peer): void {
    const clientIds = this.owned.get(peer);
    if (clientIds && clientIds.size > 0) awarenessProtocol.removeAwarenessStates(this.awareness, [...clientIds], peer);
    this.owned.delete(peer);
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
    }
    this.changed([...added, ...updated, ...removed], from);
  };
}
