import type { DocStore } from '@collab/persistence';
import type { Health } from '../health.js';
import type { Logger, Metrics } from '../observability.js';
import { type Applied, type Batch, mergeIntoBatches } from './batches.js';
import type { Peer } from './peer.js';
import { CloseCode, encodeUpdate } from './protocol.js';
import { StoredDoc } from './stored-doc.js';

/** Transaction origin of updates another server process stored: relayed to every peer, not stored again. */
const REMOTE_ORIGIN = Symbol('remote');

interface Received {
  origin: Peer | typeof REMOTE_ORIGIN;
  update: Uint8Array;
}

export interface WriteRoundsDeps {
  docId: string;
  store: DocStore;
  logger: Logger;
  metrics: Metrics;
  health: Health;
  /** The room's peers, who receive what is stored. */
  peers: ReadonlySet<Peer>;
  /** Called once when the doc can no longer be trusted to match the store. */
  onBroken(reason: string): void;
}

/**
 * A document's write path, in rounds, one at a time. A round applies the updates received since the last
 * one to the doc, appends what the doc integrated (Yjs's own encoding: never a client's raw bytes) to the
 * store in one write, and only then relays it. Between rounds the doc holds exactly what is stored, and
 * that is when reads run (`whenStored`): nothing leaves the server before it is stored.
 */
export class WriteRounds {
  /** Updates received since the last round, from a peer or (`REMOTE_ORIGIN`) stored by another process. */
  private incoming: Received[] = [];
  /** Reads that arrived during a round, run when it ends. */
  private waitingReads: Array<(doc: StoredDoc | null) => void> = [];
  private round: Promise<void> | null = null;
  private broken = false;
  private stored = new StoredDoc(null);
  /** Whether anything was appended since load, i.e. whether unloading should compact. */
  dirty = false;

  constructor(private readonly deps: WriteRoundsDeps) {}

  /** The stored state the document starts from; called once, before anything else. */
  loadStored(state: Uint8Array): void {
    this.stored.destroy();
    this.stored = new StoredDoc(state);
  }

  /** Queues a validated update from a peer for the next round. */
  receive(peer: Peer, update: Uint8Array): void {
    this.enqueue(peer, update);
  }

  /**
   * Queues updates another server process has already stored (cluster mode). They go through the same
   * rounds as local ones, so they reach the doc and the peers in the store's order.
   */
  receiveRemote(updates: readonly Uint8Array[]): void {
    for (const update of updates) this.enqueue(REMOTE_ORIGIN, update);
  }

  /**
   * Runs `read` when the doc equals the store: now if no round is under way, else when the round ends. It
   * gets null instead if the room is dropped first.
   */
  whenStored(read: (doc: StoredDoc | null) => void): void {
    if (this.broken) read(null);
    else if (this.round) this.waitingReads.push(read);
    else read(this.stored);
  }

  /** Resolves once every update received so far has been stored (or refused). */
  async drain(): Promise<void> {
    while (this.round) await this.round;
  }

  /** Refuses everything from now on and releases the doc (the room is being dropped). */
  destroy(): void {
    this.stop();
    this.stored.destroy();
  }

  private stop(): void {
    this.broken = true;
    this.incoming = [];
    this.runWaitingReads(null);
  }

  private enqueue(origin: Received['origin'], update: Uint8Array): void {
    if (this.broken) return;
    this.incoming.push({ origin, update });
    this.round ??= this.runRounds().catch((err: unknown) => {
      // Never an unhandled rejection: that would end the process for every document.
      this.deps.logger.error({ err, docId: this.deps.docId }, 'write round failed');
      this.round = null;
      this.break('internal error');
    });
  }

  private async runRounds(): Promise<void> {
    // Updates that arrive from many sockets in the same turn of the event loop share one round.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.incoming.length > 0 && !this.broken) {
      const received = this.incoming;
      this.incoming = [];
      const applied: Applied[] = [];
      if (!this.apply(received, applied)) break;
      // Updates other processes stored are only relayed; this process's own are stored first.
      const remote = mergeIntoBatches(applied.filter((a) => a.origin === REMOTE_ORIGIN));
      const local = applied.filter((a) => a.origin !== REMOTE_ORIGIN);
      const localBatches = mergeIntoBatches(local);
      if (local.length > 0 && !(await this.persist(localBatches, local))) break;
      this.relay([...remote, ...localBatches]);
      this.runWaitingReads(this.stored);
    }
    this.round = null;
    if (!this.broken) this.runWaitingReads(this.stored);
  }

  private apply(received: readonly Received[], applied: Applied[]): boolean {
    for (const { origin, update } of received) {
      try {
        this.stored.apply(update, origin, applied);
      } catch (err) {
        // Yjs may have integrated part of it before throwing: this doc no longer matches the store.
        this.deps.metrics.rejectedMessages.inc({ reason: 'unappliable-update' });
        this.deps.logger.warn({ err, docId: this.deps.docId }, 'an update could not be applied; reloading the document');
        if (origin !== REMOTE_ORIGIN) origin.close(CloseCode.BadRequest, 'update could not be applied');
        this.break('document reloading');
        return false;
      }
      // Remote updates arrive in the store's order, so their dependencies are already here: only a peer can
      // send an update that leaves Yjs waiting. An honest client never does (its updates depend only on
      // what the server has or what the same message carries): what did integrate stays, its sender goes.
      if (origin !== REMOTE_ORIGIN && this.stored.dropPending()) {
        this.deps.metrics.rejectedMessages.inc({ reason: 'missing-dependencies' });
        origin.close(CloseCode.BadRequest, 'update depends on data the document does not have');
      }
    }
    return true;
  }

  private async persist(batches: Batch[], applied: Applied[]): Promise<boolean> {
    const { store, metrics, logger, health, docId } = this.deps;
    const stopTimer = metrics.persistSeconds.startTimer();
    try {
      // The doc does not change while it waits, so it is the state a compaction may snapshot.
      await store.append(
        docId,
        batches.map((batch) => batch.update),
        () => this.stored.encodeState(),
      );
    } catch (err) {
      metrics.storeErrors.inc({ operation: 'append' });
      health.storeFailed();
      logger.error({ err, docId, updates: applied.length }, 'store append failed');
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
      for (const peer of this.deps.peers) {
        if (peer !== onlyOrigin) peer.send(frame);
      }
    }
  }

  private runWaitingReads(doc: StoredDoc | null): void {
    const waiting = this.waitingReads;
    this.waitingReads = [];
    for (const read of waiting) read(doc);
  }

  private break(reason: string): void {
    if (this.broken) return;
    this.stop();
    this.deps.onBroken(reason);
  }
}
