import * as Y from 'yjs';
import type { Applied } from './batches.js';
import { encodeSyncStep1Of, encodeSyncStep2, encodeSyncStep2Of, payloadOfSyncStep2 } from './protocol.js';

const EMPTY_STATE_VECTOR = Uint8Array.of(0);

/**
 * A document's Y.Doc, started from its stored state and decoded only when first needed.
 *
 * Decoding a big document is most of what a newcomer to a freshly loaded document waits for, and most of the
 * memory it costs. While the doc has not changed since it was loaded, the server's sync step 1 is read from
 * the stored bytes without decoding them, and a newcomer with nothing (a fresh browser) gets those bytes as
 * they are; the doc is decoded when something needs it (an edit, an export, a client that has some of it).
 *
 * The two frames every newcomer is sent alike (the server's sync step 1, and the whole document for a client
 * that has nothing) are encoded once per state of the doc and shared: a crowd joining a big document gets
 * the same bytes, not a copy each. The stored bytes themselves live inside that shared frame.
 */
export class StoredDoc {
  private readonly ydoc = new Y.Doc({ gc: true });
  /** The stored state the doc was loaded from, while the doc has not changed since. */
  private pristine: Uint8Array | null;
  /** The stored state until the doc needs it. */
  private unapplied: Uint8Array | null;
  /** Where `apply` collects what Yjs integrated. */
  private sink: Applied[] | null = null;
  /** The frames alike for every newcomer, for the doc as it is now (dropped when it changes). */
  private step1Frame: Uint8Array | null = null;
  private wholeDocFrame: Uint8Array | null = null;

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
    // Yjs puts what is pending into every encoding of the doc: the shared frames held it too.
    this.changed();
    return true;
  }

  /** The server's sync step 1: the doc's state vector. Shared: the caller must not change it. */
  syncStep1(): Uint8Array {
    // Read from the stored bytes while they are not decoded: Yjs stops counting a client's clock at any gap,
    // so this never claims more than the decoded doc would hold.
    this.step1Frame ??= encodeSyncStep1Of(
      this.unapplied ? Y.encodeStateVectorFromUpdate(this.unapplied) : Y.encodeStateVector(this.doc),
    );
    return this.step1Frame;
  }

  /**
   * The answer to a client's sync step 1: everything a client with `stateVector` lacks. The answer to a
   * client that has nothing is shared: the caller must not change it.
   */
  syncStep2(stateVector: Uint8Array): Uint8Array {
    const hasNothing = stateVector.length === 1 && stateVector[0] === 0;
    if (!hasNothing) return encodeSyncStep2(this.doc, stateVector);
    if (!this.wholeDocFrame) {
      if (this.pristine) {
        this.wholeDocFrame = encodeSyncStep2Of(this.pristine);
        // From now on the stored state is kept once, inside the frame, and the store's bytes can go.
        const inFrame = payloadOfSyncStep2(this.wholeDocFrame);
        if (this.unapplied) this.unapplied = inFrame;
        this.pristine = inFrame;
      } else {
        this.wholeDocFrame = encodeSyncStep2(this.doc, EMPTY_STATE_VECTOR);
      }
    }
    return this.wholeDocFrame;
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
    this.changed();
    this.ydoc.destroy();
  }

  private changed(): void {
    this.pristine = null;
    this.step1Frame = null;
    this.wholeDocFrame = null;
  }

  private readonly onUpdate = (update: Uint8Array, origin: unknown): void => {
    this.changed();
    this.sink?.push({ update, origin });
  };
}
