import type { DocStore } from '@collab/persistence';
import type * as Y from 'yjs';
import type { Limits } from '../config.js';
import type { Health } from '../health.js';
import { type HistoryDeps, VersionCutter } from './version-cutter.js';
import type { Logger, Metrics } from '../observability.js';
import type { Claim, ClientIds } from './client-ids.js';
import { SharedPresence } from './cluster-presence.js';
import type { Peer } from './peer.js';
import type { PresenceBus } from './presence-bus.js';
import { PresenceBatch } from './presence-batch.js';
import { Presence } from './presence.js';
import { type AwarenessEntry, CloseCode, type Refusal, encodeAwareness, encodeAwarenessEntries } from './protocol.js';
import type { StoredDoc } from './stored-doc.js';
import { type ExclusiveWork, WriteRounds } from './write-rounds.js';

/** The server itself, as the origin of the changes it makes (a restore): nothing to send to, nothing to close. */
const SERVER: Peer = { address: 'the server', send: () => undefined, close: () => undefined, knownClock: () => 0 };

/** The room was dropped (reloading, or unloaded) before a read could run; reading again loads it afresh. */
export class RoomGoneError extends Error {
  override readonly name = 'RoomGoneError';
  constructor(docId: string) {
    super(`document ${docId} was unloaded before it could be read`);
  }
}

export interface RoomDeps {
  store: DocStore;
  logger: Logger;
  metrics: Metrics;
  health: Health;
  presenceBus: PresenceBus;
  /** Cuts versions of the document as it is edited; none without. */
  history?: HistoryDeps;
  limits: Limits;
  /** Which connection each client id belongs to (process-wide). */
  clientIds: ClientIds;
  /**
   * Called once if the write path failed in a way nothing was prepared for (a bug; a failing store or a
   * bad update only closes writers): every peer has been closed with 4503, and the registry drops the room.
   */
  onBroken(room: Room): void;
}

/**
 * One loaded document: the peers connected to it, its presence, and its write path (`WriteRounds`, which
 * holds the doc and keeps the promise that nothing leaves the server before it is stored). The room only
 * routes what its peers send to the one that handles it; the registry (`rooms.ts`) loads and unloads it.
 */
export class Room {
  private readonly peers = new Set<Peer>();
  private readonly presence: Presence;
  /** Presence changes on their way to the peers, merged per tick: one awareness frame for all of them. */
  private readonly presenceOut: PresenceBatch;
  private readonly writes: WriteRounds;
  /** The room's presence as the other processes of a cluster share it. */
  readonly cluster: SharedPresence;
  /** Cuts the document's versions, if the server keeps a history. */
  readonly versions: VersionCutter | null;

  constructor(
    readonly id: string,
    private readonly deps: RoomDeps,
  ) {
    this.presence = new Presence((clientIds, from) => {
      this.presenceOut.add(clientIds);
      this.cluster.changed(clientIds, from);
    });
    // The sender gets its own renewal back on purpose: the stock client drops a connection that has
    // received nothing for 30 s, and a lone editor would otherwise hear nothing at all.
    this.presenceOut = new PresenceBatch((clientIds) => {
      const frame = encodeAwareness(this.presence.updateOf(clientIds));
      for (const peer of this.peers) peer.send(frame);
    });
    this.cluster = new SharedPresence(id, this.presence, deps.presenceBus, deps.logger, deps.limits.maxAwarenessDepth);
    this.versions = deps.history
      ? new VersionCutter(id, deps.history, {
          lend: (read) => this.readStored(read),
          usersOf: (peer) => this.presence.usersOf(peer),
        })
      : null;
    this.writes = new WriteRounds({
      ...deps,
      docId: id,
      peers: this.peers,
      onStored: (writers) => this.versions?.stored(writers),
      claim: (peer, clientIds) => this.claimWriters(peer, clientIds),
      onBroken: (reason) => {
        this.closePeers(CloseCode.Unavailable, reason);
        deps.onBroken(this);
      },
    });
  }

  /** The stored state the room starts from; called once, before any peer joins. Decoded when first needed. */
  loadStored(update: Uint8Array): void {
    this.writes.loadStored(update);
  }

  /** Whether anything was appended since load, i.e. whether unloading should compact. */
  get dirty(): boolean {
    return this.writes.dirty;
  }

  get size(): number {
    return this.peers.size;
  }

  /** About the document's size as stored (an estimate, see `StoredDoc.fits`). */
  get storedBytes(): number {
    return this.writes.storedBytes;
  }

  /**
   * Adds a peer and starts the sync handshake from the server's side. The server's sync step 1 goes out on
   * the next turn of the event loop: a joining client's own sync step 1 is usually waiting already, and is
   * answered first, before the doc is decoded for the state vector.
   */
  add(peer: Peer): void {
    this.peers.add(peer);
    this.presence.addPeer(peer);
    setImmediate(() => this.writes.whenStored((doc) => doc && this.peers.has(peer) && this.sendStep1(peer, doc)));
    this.sendAwareness(peer);
  }

  /** Outside any connection's message handling, so a failure (a stored state Yjs cannot read) is caught here. */
  private sendStep1(peer: Peer, doc: StoredDoc): void {
    try {
      peer.send(doc.syncStep1());
    } catch (err) {
      this.deps.logger.error({ err, docId: this.id }, 'sync step 1 failed');
      peer.close(CloseCode.InternalError, 'internal error');
    }
  }

  /** Removes a peer and, for everyone else, the presence it introduced. */
  remove(peer: Peer): void {
    if (!this.peers.delete(peer)) return;
    // While its presence is still known: it names the peer in the version its edits go into.
    this.versions?.leaving(peer, this.peers);
    this.presence.removePeer(peer);
  }

  /** Answers a peer's sync step 1 with everything it lacks, as soon as the doc matches the store. */
  syncStep1(peer: Peer, stateVector: Uint8Array): void {
    this.writes.whenStored((doc) => doc && this.peers.has(peer) && peer.send(doc.syncStep2(stateVector)));
  }

  /** Queues a validated update for the next write round. */
  receiveUpdate(peer: Peer, update: Uint8Array): void {
    this.writes.receive(peer, update);
  }

  /**
   * Runs `work` on the document as stored while the write rounds wait, then stores and relays the change it
   * returns (made by the server itself) before any update that arrived meanwhile: see `WriteRounds.exclusive`.
   */
  changeExclusively<T>(work: ExclusiveWork<T>): Promise<T> {
    return this.writes.exclusive(SERVER, work);
  }

  /** Queues updates another server process has already stored (cluster mode), in the store's order. */
  receiveRemote(updates: readonly Uint8Array[]): void {
    this.writes.receiveRemote(updates);
  }

  /**
   * Applies a peer's presence; closes it if that passes a budget. The stock client sends back every
   * change it hears of, so entries for client ids that are not the peer's are left out, not refused: a
   * removal only if the id is the peer's already, a state if it is or the peer may claim it.
   */
  receiveAwareness(peer: Peer, update: Uint8Array, entries: readonly AwarenessEntry[]): void {
    let claims = 0;
    const own = entries.filter(({ clientId, state }) => {
      const owner = this.presence.ownerOf(clientId);
      if (state === null || owner) return owner === peer;
      // A flood of new ids claims no more than a connection may show; the rest are kept for `check` to refuse.
      if (++claims > this.deps.limits.maxPresenceClients) return true;
      return this.claim(peer, clientId).granted;
    });
    if (own.length === 0) return;
    const refusal = this.presence.check(peer, own, this.deps.limits);
    if (!refusal) return this.presence.receive(peer, own.length === entries.length ? update : encodeAwarenessEntries(own), own);
    const { metrics, logger } = this.deps;
    metrics.rejectedMessages.inc({ reason: refusal.metric });
    logger.warn({ docId: this.id, reason: refusal.metric }, 'closing connection: ' + refusal.reason);
    peer.close(refusal.code, refusal.reason);
  }

  /** Claims for a peer the client ids an update of it writes as; another user's id closes it. */
  private claimWriters(peer: Peer, clientIds: readonly number[]): Refusal | null {
    for (const clientId of clientIds) {
      const claim = this.claim(peer, clientId);
      if (claim.granted) continue;
      return claim.why === 'busy'
        ? { code: CloseCode.Unavailable, reason: 'client id still held by an earlier connection', metric: 'client-id-busy' }
        : { code: CloseCode.Conflict, reason: 'client id belongs to another connection', metric: 'client-id-taken' };
    }
    return null;
  }

  /** See client-ids.ts. A peer "continues" a client id if its sync request showed all the document holds of it. */
  private claim(peer: Peer, clientId: number): Claim {
    const continues = peer.knownClock(clientId) >= this.writes.clockOf(clientId);
    return this.deps.clientIds.claim(this.id, clientId, peer, continues);
  }

  /** Sends the peer every presence state known now (on join, and for query-awareness). */
  sendAwareness(peer: Peer): void {
    const states = this.presence.currentFrame();
    if (states) peer.send(states);
  }

  /**
   * Runs `read` on the document as stored: between write rounds, never with updates not yet stored. The
   * document is only lent for the call; `read` must not change it. Rejects with RoomGoneError if the room
   * is dropped first.
   */
  readStored<T>(read: (doc: Y.Doc) => T): Promise<T> {
    return new Promise((resolve, reject) =>
      this.writes.whenStored((stored) => {
        if (!stored) return reject(new RoomGoneError(this.id));
        try {
          resolve(read(stored.doc));
        } catch (err) {
          reject(err);
        }
      }),
    );
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
  drain(): Promise<void> {
    return this.writes.drain();
  }

  destroy(): void {
    this.writes.destroy();
    this.presenceOut.destroy();
    this.cluster.destroy();
    this.presence.destroy();
  }
}
