import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { Peer } from './peer.js';
import { type AwarenessEntry, encodeAwareness, encodeAwarenessEntries } from './protocol.js';

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
   * `broadcast` gets every change as a frame for the peers and as a bare awareness update, with the peer
   * that made it (`null` for states the server itself timed out).
   */
  constructor(private readonly broadcast: (frame: Uint8Array, update: Uint8Array, from: Peer | null) => void) {
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
    const changed = [...added, ...updated, ...removed];
    // The sender gets its own renewal back on purpose: the stock client drops a connection that has
    // received nothing for 30 s, and a lone editor would otherwise hear nothing at all.
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed);
    this.broadcast(encodeAwareness(update), update, from);
  };
}
