import type { DocStore } from '@collab/persistence';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { Logger, Metrics } from '../observability.js';
import {
  CloseCode,
  encodeAwareness,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate,
} from './protocol.js';

/** What a room needs of a connection: a way to send it frames and to close it. */
export interface Peer {
  send(frame: Uint8Array): void;
  close(code: CloseCode, reason: string): void;
}

/** Transaction origin of the stored state applied at load: it is neither stored again nor relayed. */
const LOAD_ORIGIN = Symbol('load');

interface PendingUpdate {
  peer: Peer;
  update: Uint8Array;
}

export interface RoomDeps {
  store: DocStore;
  logger: Logger;
  metrics: Metrics;
}

/**
 * One loaded document: its Y.Doc, its Awareness and the peers connected to it.
 *
 * The write path is "parse, persist, then relay": updates wait in `pending`, are appended to the store in
 * one batch per turn of the event loop, and only once that write has resolved are they applied to the doc,
 * whose `update` event relays them. So whatever a peer receives is already stored.
 */
export class Room {
  readonly doc = new Y.Doc({ gc: true });
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  /** Each peer with the awareness client ids it has introduced, removed for everyone when it leaves. */
  private readonly peers = new Map<Peer, Set<number>>();
  private pending: PendingUpdate[] = [];
  private flushing: Promise<void> | null = null;
  /** Whether anything was appended since load, i.e. whether unloading should compact. */
  dirty = false;

  constructor(
    readonly id: string,
    private readonly deps: RoomDeps,
  ) {
    // The server is not a user: without this, its own empty state would show up in every presence list.
    this.awareness.setLocalState(null);
    this.doc.on('update', this.relayUpdate);
    this.awareness.on('update', this.relayAwareness);
  }

  /** Applies the stored state; called once, before any peer joins. */
  applyStored(update: Uint8Array): void {
    Y.applyUpdate(this.doc, update, LOAD_ORIGIN);
  }

  get size(): number {
    return this.peers.size;
  }

  /** Adds a peer and starts the sync handshake from the server's side. */
  add(peer: Peer): void {
    this.peers.set(peer, new Set());
    peer.send(encodeSyncStep1(this.doc));
    const states = this.awareness.getStates();
    if (states.size > 0) {
      peer.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...states.keys()])));
    }
  }

  /** Removes a peer and, for everyone else, the awareness states it introduced. */
  remove(peer: Peer): void {
    const clientIds = this.peers.get(peer);
    if (!clientIds) return;
    this.peers.delete(peer);
    if (clientIds.size > 0) awarenessProtocol.removeAwarenessStates(this.awareness, [...clientIds], null);
  }

  /** Answers a peer's sync step 1 with everything it lacks. */
  syncStep1(peer: Peer, stateVector: Uint8Array): void {
    peer.send(encodeSyncStep2(this.doc, stateVector));
  }

  /** Queues a validated update for the next store batch. */
  receiveUpdate(peer: Peer, update: Uint8Array): void {
    this.pending.push({ peer, update });
    this.flushing ??= this.flush();
  }

  receiveAwareness(peer: Peer, update: Uint8Array): void {
    awarenessProtocol.applyAwarenessUpdate(this.awareness, update, peer);
  }

  /** Sends the peer every awareness state known now (query-awareness). */
  sendAwareness(peer: Peer): void {
    const clients = [...this.awareness.getStates().keys()];
    peer.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients)));
  }

  /**
   * Closes every peer (they stop being read at once) and forgets them. Used at shutdown, before `drain`,
   * so that what is drained is exactly what was received.
   */
  closePeers(code: CloseCode, reason: string): void {
    for (const peer of this.peers.keys()) peer.close(code, reason);
    this.peers.clear();
  }

  /** Resolves once every update received so far has been written (or refused). */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  destroy(): void {
    this.awareness.destroy();
    this.doc.destroy();
  }

  private async flush(): Promise<void> {
    // Updates that arrive from many sockets in the same turn of the event loop share one store write.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      await this.persistAndApply(batch);
    }
    this.flushing = null;
  }

  private async persistAndApply(batch: PendingUpdate[]): Promise<void> {
    const { store, metrics, logger } = this.deps;
    const stopTimer = metrics.persistSeconds.startTimer();
    try {
      await store.append(this.id, batch.map((p) => p.update));
    } catch (err) {
      // Nothing of the batch is applied or relayed. Its senders are closed with "try again later": the
      // stock client reconnects and its sync step 2 resends whatever the server does not have.
      metrics.storeErrors.inc({ operation: 'append' });
      logger.error({ err, docId: this.id, updates: batch.length }, 'store append failed');
      for (const peer of new Set(batch.map((p) => p.peer))) peer.close(CloseCode.Unavailable, 'storage unavailable');
      return;
    } finally {
      stopTimer();
    }
    this.dirty = true;
    for (const { peer, update } of batch) {
      Y.applyUpdate(this.doc, update, peer);
      metrics.updates.inc();
      metrics.updateBytes.inc(update.byteLength);
    }
  }

  private readonly relayUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === LOAD_ORIGIN) return;
    const frame = encodeUpdate(update);
    for (const peer of this.peers.keys()) {
      if (peer !== origin) peer.send(frame);
    }
  };

  private readonly relayAwareness = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    const owned = this.peers.get(origin as Peer);
    if (owned) {
      for (const id of added) owned.add(id);
      for (const id of updated) owned.add(id);
      for (const id of removed) owned.delete(id);
    }
    const changed = [...added, ...updated, ...removed];
    const frame = encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
    // The sender gets its own renewal back on purpose: the stock client drops a connection that has
    // received nothing for 30 s, and a lone editor would otherwise hear nothing at all.
    for (const peer of this.peers.keys()) peer.send(frame);
  };
}
