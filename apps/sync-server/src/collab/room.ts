import type { DocStore } from '@collab/persistence';
import * as Y from 'yjs';
import type { Health } from '../health.js';
import type { Logger, Metrics } from '../observability.js';
import { type Applied, type Batch, mergeIntoBatches } from './batches.js';
import { Presence } from './presence.js';
import type { ClusterPresence, PresenceBus } from './presence-bus.js';
import {
  type AwarenessEntry,
  CloseCode,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncStep2Of,
  encodeUpdate,
  parseAwarenessUpdate,
} from './protocol.js';

/** What a room needs of a connection: a way to send it frames and to close it. */
export interface Peer {
  send(frame: Uint8Array): void;
  close(code: CloseCode, reason: string): void;
}

/** Transaction origin of updates another server process stored: relayed to every peer, not stored again. */
const REMOTE_ORIGIN = Symbol('remote');

/**
 * Stands in the room's presence for the peers of another server process (cluster mode): it owns their
 * client ids, and nothing is ever sent to it (the bus carries this process's changes to the others).
 */
class RemoteProcess implements Peer {
  constructor(readonly processId: string) {}
  send(): void {}
  close(): void {}
}

export interface RoomDeps {
  store: DocStore;
  logger: Logger;
  metrics: Metrics;
  health: Health;
  presenceBus: PresenceBus;
  /** Called once when the room can no longer be trusted to match the store; the registry drops it. */
  onBroken(room: Room): void;
}

/**
 * One loaded document: its Y.Doc, its presence and the peers connected to it.
 *
 * The write path runs in rounds, one at a time. A round applies the updates received since the last one
 * to the doc, appends what the doc integrated (Yjs's own encoding: never a client's raw bytes) to the store
 * in one write, and only then relays it. Between rounds the doc holds exactly what is stored, and that is
 * when sync requests are answered: nothing leaves the server before it is stored. An update that Yjs
 * cannot apply, or a failed write, breaks the room: everyone reconnects to a copy reloaded from the store.
 */
export class Room implements ClusterPresence {
  private readonly ydoc = new Y.Doc({ gc: true });
  private readonly peers = new Set<Peer>();
  private readonly presence: Presence;
  private readonly remotes = new Map<string, RemoteProcess>();
  /** Updates received since the last round, from a peer or (`REMOTE_ORIGIN`) stored by another process. */
  private incoming: Array<{ origin: Peer | typeof REMOTE_ORIGIN; update: Uint8Array }> = [];
  /** Filled by the doc's update event while a round applies updates. */
  private applied: Applied[] = [];
  /** Sync requests that arrived during a round, answered when it ends. */
  private waitingForSync: Array<{ peer: Peer; stateVector: Uint8Array }> = [];
  private round: Promise<void> | null = null;
  /**
   * The stored state the doc was loaded from, while the doc has not changed since. A client that has
   * nothing (a fresh browser opening a big document) gets these bytes as they are, instead of a new
   * encoding of the whole doc for each one.
   */
  private pristine: Uint8Array | null = null;
  /**
   * The stored state until the doc needs it. Decoding a big document is most of what a newcomer would wait
   * for in a fresh process, and a newcomer with nothing needs only `pristine`: it gets those bytes first, and
   * the doc is decoded after.
   */
  private unapplied: Uint8Array | null = null;
  private broken = false;
  /** Whether anything was appended since load, i.e. whether unloading should compact. */
  dirty = false;

  constructor(
    readonly id: string,
    private readonly deps: RoomDeps,
  ) {
    this.presence = new Presence(this.ydoc, (frame, update, from) => {
      for (const peer of this.peers) peer.send(frame);
      if (from && !(from instanceof RemoteProcess)) deps.presenceBus.publish(id, update);
    });
    this.ydoc.on('update', this.onUpdate);
  }

  /** The stored state the room starts from; called once, before any peer joins. Applied when first needed. */
  loadStored(update: Uint8Array): void {
    this.pristine = update;
    this.unapplied = update;
  }

  /** The document, holding everything stored. */
  get doc(): Y.Doc {
    if (this.unapplied) {
      // Without a listener Yjs does not encode the whole loaded state as an update event only to discard it.
      this.ydoc.off('update', this.onUpdate);
      Y.applyUpdate(this.ydoc, this.unapplied);
      this.ydoc.on('update', this.onUpdate);
      this.unapplied = null;
    }
    return this.ydoc;
  }

  private readonly onUpdate = (update: Uint8Array, origin: unknown): void => {
    this.pristine = null;
    this.applied.push({ update, origin });
  };

  get size(): number {
    return this.peers.size;
  }

  /**
   * Adds a peer and starts the sync handshake from the server's side. The server's sync step 1 goes out on
   * the next turn of the event loop: a joining client's own sync step 1 is usually waiting already, and is
   * answered first, before the doc is decoded for the state vector.
   */
  add(peer: Peer): void {
    this.peers.add(peer);
    this.presence.addPeer(peer);
    setImmediate(() => {
      if (this.peers.has(peer)) peer.send(encodeSyncStep1(this.doc));
    });
    const states = this.presence.currentFrame();
    if (states) peer.send(states);
  }

  /** Removes a peer and, for everyone else, the presence it introduced. */
  remove(peer: Peer): void {
    if (!this.peers.delete(peer)) return;
    this.presence.removePeer(peer);
  }

  /** Answers a peer's sync step 1 with everything it lacks, as soon as the doc matches the store. */
  syncStep1(peer: Peer, stateVector: Uint8Array): void {
    if (this.round) this.waitingForSync.push({ peer, stateVector });
    else peer.send(this.syncAnswer(stateVector));
  }

  /** Queues a validated update for the next round. */
  receiveUpdate(peer: Peer, update: Uint8Array): void {
    this.enqueue(peer, update);
  }

  /**
   * Queues updates another server process has already stored (cluster mode). They go through the same
   * rounds as local ones, so they reach the doc and the peers in the store's order.
   */
  receiveRemote(updates: readonly Uint8Array[]): void {
    for (const update of updates) this.enqueue(REMOTE_ORIGIN, update);
  }

  private enqueue(origin: Peer | typeof REMOTE_ORIGIN, update: Uint8Array): void {
    if (this.broken) return;
    this.incoming.push({ origin, update });
    this.round ??= this.runRounds().catch((err: unknown) => {
      // Never an unhandled rejection: that would end the process for every document.
      this.deps.logger.error({ err, docId: this.id }, 'write round failed');
      this.round = null;
      this.break('internal error');
    });
  }

  receiveAwareness(peer: Peer, update: Uint8Array, entries: readonly AwarenessEntry[]): void {
    this.presence.receive(peer, update, entries);
  }

  receiveRemoteAwareness(processId: string, update: Uint8Array): void {
    let entries: AwarenessEntry[];
    try {
      entries = parseAwarenessUpdate(update);
    } catch (err) {
      this.deps.logger.warn({ err, docId: this.id, processId }, 'ignoring unreadable presence from another process');
      return;
    }
    let remote = this.remotes.get(processId);
    if (!remote) {
      remote = new RemoteProcess(processId);
      this.remotes.set(processId, remote);
      this.presence.addPeer(remote);
    }
    this.presence.receive(remote, update, entries);
  }

  localAwareness(): Uint8Array | null {
    return this.presence.statesOf((peer) => !(peer instanceof RemoteProcess));
  }

  removeRemoteProcess(processId: string): void {
    const remote = this.remotes.get(processId);
    if (!remote) return;
    this.remotes.delete(processId);
    this.presence.removePeer(remote);
  }

  /** Sends the peer every presence state known now (query-awareness). */
  sendAwareness(peer: Peer): void {
    const states = this.presence.currentFrame();
    if (states) peer.send(states);
  }

  /**
   * Closes every peer (they stop being read at once) and forgets them. Used at shutdown, before `drain`,
   * so that what is drained is exactly what was received.
   */
  closePeers(code: CloseCode, reason: string): void {
    for (const peer of this.peers) peer.close(code, reason);
    this.peers.clear();
  }

  /** Resolves once every update received so far has been stored (or refused). */
  async drain(): Promise<void> {
    while (this.round) await this.round;
  }

  destroy(): void {
    this.unapplied = null;
    this.presence.destroy();
    this.ydoc.destroy();
  }

  private async runRounds(): Promise<void> {
    // Updates that arrive from many sockets in the same turn of the event loop share one round.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.incoming.length > 0 && !this.broken) {
      const received = this.incoming;
      this.incoming = [];
      this.applied = [];
      if (!this.apply(received)) break;
      const applied = this.applied;
      this.applied = [];
      // Updates other processes stored are only relayed; this process's own are stored first.
      const remote = mergeIntoBatches(applied.filter((a) => a.origin === REMOTE_ORIGIN));
      const local = applied.filter((a) => a.origin !== REMOTE_ORIGIN);
      const localBatches = mergeIntoBatches(local);
      if (local.length > 0 && !(await this.persist(localBatches, local))) break;
      this.relay([...remote, ...localBatches]);
      this.answerSyncRequests();
    }
    this.round = null;
    if (!this.broken) this.answerSyncRequests();
  }

  private apply(received: Room['incoming']): boolean {
    for (const { origin, update } of received) {
      try {
        Y.applyUpdate(this.doc, update, origin);
      } catch (err) {
        // Yjs may have integrated part of it before throwing: this doc no longer matches the store.
        this.deps.metrics.rejectedMessages.inc({ reason: 'unappliable-update' });
        this.deps.logger.warn({ err, docId: this.id }, 'an update could not be applied; reloading the document');
        if (origin !== REMOTE_ORIGIN) origin.close(CloseCode.BadRequest, 'update could not be applied');
        this.break('document reloading');
        return false;
      }
      // Remote updates arrive in the store's order, so their dependencies are already here: only a
      // peer can send an update that leaves Yjs waiting.
      if (origin !== REMOTE_ORIGIN && (this.doc.store.pendingStructs || this.doc.store.pendingDs)) {
        this.dropPending(origin);
      }
    }
    return true;
  }

  /**
   * Yjs keeps the parts of an update whose dependencies it lacks, and would hand them to every newcomer in
   * sync step 2. An honest client never sends them (its updates depend only on what the server has or what
   * the same message carries), so they are dropped and their sender closed; what did integrate stays.
   */
  private dropPending(peer: Peer): void {
    this.doc.store.pendingStructs = null;
    this.doc.store.pendingDs = null;
    this.deps.metrics.rejectedMessages.inc({ reason: 'missing-dependencies' });
    peer.close(CloseCode.BadRequest, 'update depends on data the document does not have');
  }

  private async persist(batches: Batch[], applied: Applied[]): Promise<boolean> {
    const { store, metrics, logger, health } = this.deps;
    const stopTimer = metrics.persistSeconds.startTimer();
    try {
      // The doc does not change while it waits, so it is the state a compaction may snapshot.
      await store.append(
        this.id,
        batches.map((batch) => batch.update),
        () => Y.encodeStateAsUpdate(this.doc),
      );
    } catch (err) {
      metrics.storeErrors.inc({ operation: 'append' });
      health.storeFailed();
      logger.error({ err, docId: this.id, updates: applied.length }, 'store append failed');
      // The doc holds updates the store does not: everyone reconnects ("try again later") and resends
      // what the reloaded document lacks.
      this.break('storage unavailable');
      return false;
    } finally {
      stopTimer();
    }
    health.storeWorked();
    this.dirty = true;
    for (const { update } of applied) {
      metrics.updates.inc();
      metrics.updateBytes.inc(update.byteLength);
    }
    return true;
  }

  /**
   * One frame per batch, the same bytes for every peer. A peer that sent the whole batch gets nothing back;
   * one that sent part of it gets the whole (Yjs ignores what it already has), which costs it a few bytes
   * and saves encoding a frame per peer.
   */
  private relay(batches: Batch[]): void {
    for (const { update, origins } of batches) {
      const frame = encodeUpdate(update);
      const [onlyOrigin] = origins.size === 1 ? origins : [];
      for (const peer of this.peers) {
        if (peer !== onlyOrigin) peer.send(frame);
      }
    }
  }

  private answerSyncRequests(): void {
    const waiting = this.waitingForSync;
    this.waitingForSync = [];
    for (const { peer, stateVector } of waiting) {
      if (this.peers.has(peer)) peer.send(this.syncAnswer(stateVector));
    }
  }

  private syncAnswer(stateVector: Uint8Array): Uint8Array {
    const hasNothing = stateVector.length === 1 && stateVector[0] === 0;
    return this.pristine && hasNothing ? encodeSyncStep2Of(this.pristine) : encodeSyncStep2(this.doc, stateVector);
  }

  private break(reason: string): void {
    if (this.broken) return;
    this.broken = true;
    this.incoming = [];
    this.waitingForSync = [];
    this.closePeers(CloseCode.Unavailable, reason);
    this.deps.onBroken(this);
  }
}
