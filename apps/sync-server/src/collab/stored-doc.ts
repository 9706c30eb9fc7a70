import * as Y from 'yjs';
import type { Applied } from './batches.js';
import { encodeSyncStep1Of, encodeSyncStep2Of, payloadOfSyncStep2 } from './protocol.js';
import { SyncAnswers } from './sync-answers.js';

/**
 * The guid of the server's Y.Docs. Yjs would make a random UUID for each, drawing a random number per digit,
 * which a room's load pays several times over; a guid only names subdocuments, and these never leave the process.
 */
export const SERVER_DOC_GUID = 'server';

/** The document's size is measured again (encoded whole) at most once per this share of MAX_DOC_BYTES written. */
const MEASURE_EVERY = 1 / 16;

/**
 * A document's Y.Doc, started from its stored state and decoded only when first needed.
 *
 * Decoding a big document is most of what a newcomer to a freshly loaded document waits for, and most of the
 * memory it costs. While the doc has not changed since it was loaded, a newcomer with nothing (a fresh
 * browser) gets the stored bytes as they are, and the doc is decoded after, when something needs it.
 *
 * The frames every newcomer is sent alike are encoded once and shared: the server's sync step 1 per state of
 * the doc, and the stored state for clients that have nothing while the doc is as loaded (a crowd joining a
 * big document after a restart gets the same bytes, not a copy each; the stored bytes live inside that frame).
 * Other sync answers share the document's delete set, built once per change (`sync-answers.ts`).
 *
 * It also keeps an estimate of its size as stored, for MAX_DOC_BYTES: the size it was loaded at plus what
 * was integrated since (about an upper bound: one encoding of the whole is smaller than the updates it
 * merges), measured exactly only when the estimate reaches the limit.
 */
export class StoredDoc {
  private readonly ydoc = new Y.Doc({ gc: true, guid: SERVER_DOC_GUID });
  /** The stored state the doc was loaded from, while the doc has not changed since. */
  private pristine: Uint8Array | null;
  /** The stored state until the doc needs it. */
  private unapplied: Uint8Array | null;
  /** Where `apply` collects what Yjs integrated. */
  private sink: Applied[] | null = null;
  /** The server's sync step 1, for the doc as it is now (dropped when it changes). */
  private step1Frame: Uint8Array | null = null;
  /** The stored state as a sync step 2, while the doc has not changed since it was loaded. */
  private storedFrame: Uint8Array | null = null;
  private readonly answers = new SyncAnswers(() => this.doc);
  /** The size as stored: last measured (`measured`), plus what was integrated since. */
  private size: number;
  private measured: number;

  /** `stored`: the document's whole stored state, or null for a document never written. */
  constructor(stored: Uint8Array | null) {
    this.pristine = stored;
    this.unapplied = stored;
    this.size = this.measured = stored?.byteLength ?? 0;
    this.ydoc.on('update', this.onUpdate);
  }

  /** The document, decoded. */
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

  /**
   * Applies an update. What Yjs integrated of it (in its own encoding, never the sender's bytes) is added
   * to `applied`, also when Yjs throws midway: then part of it may be in the doc.
   */
  apply(update: Uint8Array, origin: unknown, applied: Applied[]): void {
    const doc = this.doc;
    this.sink = applied;
    try {
      Y.applyUpdate(doc, update, origin);
    } finally {
      this.sink = null;
    }
  }

  /**
   * Makes a change to the doc in one transaction (origin: `origin`); what it changed is added to `applied`,
   * as `apply` does for an update, also when the change throws midway.
   */
  change(change: (doc: Y.Doc) => void, origin: unknown, applied: Applied[]): void {
    const doc = this.doc;
    this.sink = applied;
    try {
      doc.transact(() => change(doc), origin);
    } finally {
      this.sink = null;
    }
  }

  /**
   * Yjs keeps the parts of an update whose dependencies it lacks, and would hand them to every newcomer in
   * sync step 2. Drops them; true if there were any.
   */
  dropPending(): boolean {
    const { store } = this.doc;
    if (!store.pendingStructs && !store.pendingDs) return false;
    store.pendingStructs = null;
    store.pendingDs = null;
    // Yjs puts what is pending into every encoding of the doc: the shared frames held it too.
    this.changed();
    return true;
  }

  /**
   * The server's sync step 1: the doc's state vector. Shared: the caller must not change it. Always from the
   * decoded doc: a state vector read from the stored bytes can claim what Yjs, decoding them, keeps pending
   * (a stored update with impossible structures), and a client would then never send the server what it lacks.
   */
  syncStep1(): Uint8Array {
    this.step1Frame ??= encodeSyncStep1Of(Y.encodeStateVector(this.doc));
    return this.step1Frame;
  }

  /**
   * The answer to a client's sync step 1: everything a client with `stateVector` lacks. While the doc is as
   * loaded, the answer to a client that has nothing is the stored state itself, in one frame shared by every
   * such client: the caller must not change it.
   */
  syncStep2(stateVector: Uint8Array): Uint8Array {
    const hasNothing = stateVector.length === 1 && stateVector[0] === 0;
    if (!hasNothing || !this.pristine) return encodeSyncStep2Of(this.answers.diff(stateVector));
    if (!this.storedFrame) {
      this.storedFrame = encodeSyncStep2Of(this.pristine);
      // From now on the stored state is kept once, inside the frame, and the store's bytes can go.
      const inFrame = payloadOfSyncStep2(this.storedFrame);
      if (this.unapplied) this.unapplied = inFrame;
      this.pristine = inFrame;
    }
    return this.storedFrame;
  }

  /**
   * Whether the doc stays within `maxBytes` as stored with `extra` bytes more. The whole doc is encoded
   * to measure it only once a share of the limit was written since the last measure, so that updates
   * near the limit cannot make the server encode the doc for each one.
   */
  fits(extra: number, maxBytes: number): boolean {
    if (this.size + extra <= maxBytes) return true;
    if (this.size - this.measured < maxBytes * MEASURE_EVERY) return false;
    this.size = this.measured = Y.encodeStateAsUpdate(this.doc).byteLength;
    return this.size + extra <= maxBytes;
  }

  /**
   * The doc's state vector before `applied` (what it emitted while applying them) were integrated: each
   * update Yjs emits starts, for each client, where that client's clock stood before it.
   */
  stateVectorBefore(applied: readonly Applied[]): Uint8Array {
    const clocks = Y.decodeStateVector(Y.encodeStateVector(this.doc));
    for (const { update } of applied) {
      for (const [client, clock] of Y.parseUpdateMeta(update).from) {
        clocks.set(client, Math.min(clocks.get(client) ?? clock, clock));
      }
    }
    return Y.encodeStateVector(clocks);
  }

  /** About the document's size as stored (see `fits`): what it holds in memory grows with it. */
  get sizeEstimate(): number {
    return this.size;
  }

  /** The whole document as one update. */
  encodeState(): Uint8Array {
    return Y.encodeStateAsUpdate(this.doc);
  }

  destroy(): void {
    this.unapplied = null;
    this.changed();
    this.ydoc.destroy();
  }

  private changed(): void {
    this.answers.changed();
    this.pristine = null;
    this.step1Frame = null;
    this.storedFrame = null;
  }

  private readonly onUpdate = (update: Uint8Array, origin: unknown): void => {
    this.changed();
    this.size += update.byteLength;
    this.sink?.push({ update, origin });
  };
}
