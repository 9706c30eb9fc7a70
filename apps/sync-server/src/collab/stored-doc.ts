import * as Y from 'yjs';
import type { Applied } from './batches.js';
import { encodeSyncStep1, encodeSyncStep2, encodeSyncStep2Of } from './protocol.js';

/**
 * A document's Y.Doc, started from its stored state and decoded only when first needed.
 *
 * Decoding a big document is most of what a newcomer to a freshly loaded document waits for, and a newcomer
 * with nothing (a fresh browser) needs only the stored bytes: while the doc has not changed since it was
 * loaded, such a client gets those bytes as they are, instead of a new encoding of the whole doc for each
 * one, and the doc is decoded after, when something needs it.
 */
export class StoredDoc {
  private readonly ydoc = new Y.Doc({ gc: true });
  /** The stored state the doc was loaded from, while the doc has not changed since. */
  private pristine: Uint8Array | null;
  /** The stored state until the doc needs it. */
  private unapplied: Uint8Array | null;
  /** Where `apply` collects what Yjs integrated. */
  private sink: Applied[] | null = null;

  /** `stored`: the document's whole stored state, or null for a document never written. */
  constructor(stored: Uint8Array | null) {
    this.pristine = stored;
    this.unapplied = stored;
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
    return true;
  }

  /** The server's sync step 1: the doc's state vector. */
  syncStep1(): Uint8Array {
    return encodeSyncStep1(this.doc);
  }

  /** The answer to a client's sync step 1: everything a client with `stateVector` lacks. */
  syncStep2(stateVector: Uint8Array): Uint8Array {
    const hasNothing = stateVector.length === 1 && stateVector[0] === 0;
    return this.pristine && hasNothing ? encodeSyncStep2Of(this.pristine) : encodeSyncStep2(this.doc, stateVector);
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

  /** The whole document as one update. */
  encodeState(): Uint8Array {
    return Y.encodeStateAsUpdate(this.doc);
  }

  destroy(): void {
    this.unapplied = null;
    this.pristine = null;
    this.ydoc.destroy();
  }

  private readonly onUpdate = (update: Uint8Array, origin: unknown): void => {
    this.pristine = null;
    this.sink?.push({ update, origin });
  };
}
