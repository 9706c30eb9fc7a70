import type { DocStore } from '@collab/persistence';
import * as Y from 'yjs';
import type { Limits } from '../config.js';
import type { Health } from '../health.js';
import type { Logger, Metrics } from '../observability.js';
import { type Applied, type Batch, mergeIntoBatches } from './batches.js';
import type { Peer } from './peer.js';
import { CloseCode, type Refusal, encodeUpdate } from './protocol.js';
import { StoredDoc } from './stored-doc.js';
import { type UpdateBudget, judgeUpdate } from './update-check.js';

/** Transaction origin of updates another server process stored: relayed to every peer, not stored again. */
const REMOTE_ORIGIN = Symbol('remote');

/** What a round applies: an update from a peer or another process, or a change the server makes itself. */
type Received =
  | { origin: Peer | typeof REMOTE_ORIGIN; update: Uint8Array }
  | { origin: Peer; change: (doc: Y.Doc) => void };

/** Work that runs while the doc equals the store and holds the rounds; it returns a change to apply after it. */
export type ExclusiveWork<T> = (doc: Y.Doc) => Promise<{ change: (doc: Y.Doc) => void; result: T }>;

/** A change could not be stored (the store failed, or the change failed and the doc is reloading). */
export class ChangeNotStoredError extends Error {
  override readonly name = 'ChangeNotStoredError';
}

/** Waits between attempts to reload the document from a store that fails, doubling up to the last. */
const RELOAD_RETRY_MS = [100, 200, 500, 1_000, 2_000];

export interface WriteRoundsDeps {
  docId: string;
  store: DocStore;
  logger: Logger;
  metrics: Metrics;
  health: Health;
  /** The room's peers, who receive what is stored. */
  peers: ReadonlySet<Peer>;
  /** What one client's update may cost and leave behind. */
  limits: UpdateBudget & Pick<Limits, 'maxDocBytes'>;
  /** Claims for a peer the client ids it writes as; a refusal closes it (see client-ids.ts). */
  claim(peer: Peer, clientIds: readonly number[]): Refusal | null;
  /** Called once if a round fails in a way nothing was prepared for (a bug): the room is dropped. */
  onBroken(reason: string): void;
  /** Called after a round stored what these peers sent (not what other processes stored). */
  onStored?(writers: ReadonlySet<Peer>): void;
}

/**
 * A document's write path, in rounds, one at a time. A round applies the updates received since the last
 * one to the doc, appends what the doc integrated (Yjs's own encoding: never a client's raw bytes) to the
 * store in one write, and only then relays it. Between rounds the doc holds exactly what is stored, and
 * that is when reads run (`whenStored`): nothing leaves the server before it is stored.
 *
 * When the doc stops matching the store (the append failed, or Yjs failed midway through an update), the
 * writers of everything not stored are closed with 4503 (their clients keep their edits and resend them
 * when they reconnect) and the doc is reloaded from the store. Until it is, reads wait and new writers are
 * closed with 4503 at once; the other peers stay connected and never receive anything the store lacks.
 */
export class WriteRounds {
  /** Updates received since the last round, from a peer or (`REMOTE_ORIGIN`) stored by another process. */
  private incoming: Received[] = [];
  /** Reads that arrived while the doc could differ from the store, run once it cannot. */
  private waitingReads: Array<(doc: StoredDoc | null) => void> = [];
  private round: Promise<void> | null = null;
  /** Set while exclusive work runs: the rounds wait, and the doc equals the store, so reads need not. */
  private readable = false;
  /** Set while the doc is being reloaded from the store. */
  private reloading = false;
  private stopped = false;
  private stored = new StoredDoc(null);
  /** Whether anything was appended since load, i.e. whether unloading should compact. */
  dirty = false;

  constructor(private readonly deps: WriteRoundsDeps) {}

  /** The stored state the document starts from; called once, before anything else. */
  loadStored(state: Uint8Array): void {
    this.stored.destroy();
    this.stored = new StoredDoc(state);
  }

  /** About the document's size as stored. */
  get storedBytes(): number {
    return this.stored.sizeEstimate;
  }

  /** How far the document holds `clientId`'s structs (its next clock). */
  clockOf(clientId: number): number {
    return Y.getState(this.stored.doc.store, clientId);
  }

  /** Queues a validated update from a peer for the next round. */
  receive(peer: Peer, update: Uint8Array): void {
    if (this.reloading) return refuse(peer);
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
   * Runs `work` once no round runs, with the doc as stored; rounds wait until it is over. Then applies, stores
   * and relays the change it returns (origin: `origin`) ahead of every update that arrived meanwhile, which
   * follow in the next rounds. For a restore: the version of the state before it is written in `work`, and
   * no edit can fall between that version and the change. Reads (`whenStored`) still run during `work`, so
   * `work` may wait for one. Rejects with ChangeNotStoredError, changing
   * nothing, while the doc reloads, and if the change could not be stored; `work` failing changes nothing.
   */
  async exclusive<T>(origin: Peer, work: ExclusiveWork<T>): Promise<T> {
    while (this.round) await this.round;
    if (this.stopped || this.reloading) throw new ChangeNotStoredError('the document is reloading');
    let release!: () => void;
    this.round = new Promise<void>((resolve) => (release = resolve));
    this.readable = true;
    try {
      const { change, result } = await work(this.stored.doc);
      this.readable = false;
      if (this.stopped || !(await this.runRound([{ origin, change }]))) {
        throw new ChangeNotStoredError('the change could not be stored');
      }
      return result;
    } finally {
      this.readable = false;
      this.round = null;
      release();
      if (!this.reloading && !this.stopped) {
        this.runWaitingReads(this.stored);
        if (this.incoming.length > 0) this.startRounds();
      }
    }
  }

  /**
   * Runs `read` when the doc equals the store: now if no round or reload is under way, else once it is
   * over. It gets null instead if the room is dropped first.
   */
  whenStored(read: (doc: StoredDoc | null) => void): void {
    if (this.stopped) read(null);
    else if ((this.round && !this.readable) || this.reloading) this.waitingReads.push(read);
    else read(this.stored);
  }

  /**
   * Resolves once every update received so far has been stored or refused. A reload in progress is not
   * waited for: what arrives meanwhile is refused at once.
   */
  async drain(): Promise<void> {
    while (this.round) await this.round;
  }

  /** Refuses everything from now on and releases the doc (the room is being dropped). */
  destroy(): void {
    this.stop();
    this.stored.destroy();
  }

  private stop(): void {
    this.stopped = true;
    this.incoming = [];
    this.runWaitingReads(null);
  }

  private enqueue(origin: Received['origin'], update: Uint8Array): void {
    if (this.stopped) return;
    this.incoming.push({ origin, update });
    if (!this.reloading) this.startRounds();
  }

  private startRounds(): void {
    this.round ??= this.runRounds().catch((err: unknown) => {
      this.round = null;
      this.break(err);
    });
  }

  /** A failure nothing was prepared for. Never an unhandled rejection: that would end the process. */
  private break(err: unknown): void {
    this.deps.logger.error({ err, docId: this.deps.docId }, 'write path failed; dropping the room');
    this.stop();
    this.deps.onBroken('internal error');
  }

  private async runRounds(): Promise<void> {
    // Updates that arrive from many sockets in the same turn of the event loop share one round.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.incoming.length > 0 && !this.stopped && !this.reloading) {
      const received = this.incoming;
      this.incoming = [];
      if (!(await this.runRound(received))) break;
      this.runWaitingReads(this.stored);
    }
    this.round = null;
    if (!this.reloading && !this.stopped) this.runWaitingReads(this.stored);
  }

  /** Applies, stores and relays one round; false if it could not be stored (the doc is then reloading). */
  private async runRound(received: Received[]): Promise<boolean> {
    const applied: Applied[] = [];
    if (!this.apply(received, applied)) {
      this.unstored(received, applied, 'document reloading');
      return false;
    }
    // Updates other processes stored are only relayed; this process's own are stored first.
    const remote = mergeIntoBatches(applied.filter((a) => a.origin === REMOTE_ORIGIN));
    const local = applied.filter((a) => a.origin !== REMOTE_ORIGIN);
    const localBatches = mergeIntoBatches(local);
    if (local.length > 0) {
      if (!(await this.persist(localBatches, local))) {
        this.unstored(received, applied, 'storage unavailable');
        return false;
      }
      this.deps.onStored?.(new Set(local.map((a) => a.origin as Peer)));
    }
    this.relay([...remote, ...localBatches]);
    return true;
  }

  /** Applies a round's updates; false if Yjs failed midway through one (its sender is closed with 4400). */
  private apply(received: readonly Received[], applied: Applied[]): boolean {
    const refused = new Set<Peer>();
    for (const entry of received) {
      const { origin } = entry;
      // The server's own changes (a restore) are not a client's: only clients' updates are judged.
      if ('update' in entry && origin !== REMOTE_ORIGIN && !this.judge(origin, entry.update, refused)) continue;
      try {
        if ('change' in entry) this.stored.change(entry.change, origin, applied);
        else this.stored.apply(entry.update, origin, applied);
      } catch (err) {
        this.deps.metrics.rejectedMessages.inc({ reason: 'unappliable-update' });
        this.deps.logger.warn({ err, docId: this.deps.docId }, 'an update could not be applied; reloading the document');
        if (origin !== REMOTE_ORIGIN) origin.close(CloseCode.BadRequest, 'update could not be applied');
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

  /**
   * Whether a peer's update may be applied to the doc as it is now (after the updates before it in this
   * round). A refused one closes its sender, and the sender's later updates of the round are skipped.
   */
  private judge(origin: Peer, update: Uint8Array, refused: Set<Peer>): boolean {
    if (refused.has(origin)) return false;
    const refusal = this.refusal(origin, update);
    if (!refusal) return true;
    refused.add(origin);
    this.deps.metrics.rejectedMessages.inc({ reason: refusal.metric });
    this.deps.logger.warn({ docId: this.deps.docId, reason: refusal.reason }, 'closing connection: update refused');
    origin.close(refusal.code, refusal.reason);
    return false;
  }

  /** Why a peer's update may not be applied: broken, too costly, another user's client id, or a document too big. */
  private refusal(origin: Peer, update: Uint8Array): Refusal | null {
    const { limits, claim } = this.deps;
    const judgement = judgeUpdate(this.stored.doc, update, limits);
    if (!judgement.accepted) return judgement;
    const claimRefused = claim(origin, judgement.writers);
    if (claimRefused) return claimRefused;
    if (!this.stored.fits(update.byteLength, limits.maxDocBytes)) {
      return { code: CloseCode.TooLarge, reason: 'the document is at its size limit', metric: 'doc-too-large' };
    }
    return null;
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
   * The doc holds `applied`, which the store may not: closes the writers of everything not stored (this
   * round's and those waiting for the next) and reloads the doc. Updates other processes stored need no
   * writer: the reloaded doc has those of this round, and those waiting are applied after it.
   */
  private unstored(received: readonly Received[], applied: readonly Applied[], reason: string): void {
    const writers = new Set<Peer>();
    for (const { origin } of [...received, ...this.incoming]) if (origin !== REMOTE_ORIGIN) writers.add(origin);
    this.incoming = this.incoming.filter(({ origin }) => origin === REMOTE_ORIGIN);
    for (const writer of writers) refuse(writer, reason);
    const { logger, docId } = this.deps;
    logger.warn({ docId, writers: writers.size }, `closed the writers of unstored updates: ${reason}`);
    this.reloading = true;
    this.reload(this.stored.stateVectorBefore(applied)).catch((err: unknown) => this.break(err));
  }

  /**
   * Replaces the doc with the store's, retrying until the store answers. What the store holds beyond
   * `relayed` (the state every peer was sent: a failed append may have been written after all, and other
   * processes may have appended) is relayed to every peer, so that they converge with the store.
   */
  private async reload(relayed: Uint8Array): Promise<void> {
    const { store, docId, metrics, logger } = this.deps;
    for (let attempt = 0; !this.stopped; attempt++) {
      let state: Uint8Array | null;
      try {
        state = await store.load(docId);
      } catch (err) {
        if (this.stopped) return;
        metrics.storeErrors.inc({ operation: 'load' });
        logger.warn({ err, docId, attempt }, 'reloading the document from the store failed; retrying');
        const wait = RELOAD_RETRY_MS[Math.min(attempt, RELOAD_RETRY_MS.length - 1)];
        // Unreferenced: a room dropped meanwhile must not keep the process up; the loop then ends.
        await new Promise((resolve) => setTimeout(resolve, wait).unref());
        continue;
      }
      if (this.stopped) return;
      this.stored.destroy();
      this.stored = new StoredDoc(state);
      if (state) this.sendToAll(encodeUpdate(Y.diffUpdate(state, relayed)));
      this.reloading = false;
      this.runWaitingReads(this.stored);
      if (this.incoming.length > 0) this.startRounds();
      return;
    }
  }

  /**
   * One frame per batch, the same bytes for every peer. A peer that sent the whole batch gets nothing back;
   * one that sent part of it gets the whole (Yjs ignores what it already has), which costs it a few bytes
   * and saves encoding a frame per peer.
   */
  private relay(batches: Batch[]): void {
    for (const { update, origins } of batches) {
      const [onlyOrigin] = origins.size === 1 ? origins : [];
      this.sendToAll(encodeUpdate(update), onlyOrigin);
    }
  }

  private sendToAll(frame: Uint8Array, except?: unknown): void {
    for (const peer of this.deps.peers) {
      if (peer !== except) peer.send(frame);
    }
  }

  private runWaitingReads(doc: StoredDoc | null): void {
    const waiting = this.waitingReads;
    this.waitingReads = [];
    for (const read of waiting) read(doc);
  }
}

/** A writer whose updates cannot be stored now: its client keeps them and resends them when it reconnects. */
function refuse(writer: Peer, reason = 'storage unavailable'): void {
  writer.close(CloseCode.Unavailable, reason);
}
