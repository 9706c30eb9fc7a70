import * as Y from 'yjs';
import { StoreError } from './doc-store.js';

/**
 * Folds a document's log (Yjs updates in append order) into one update, or throws StoreError('corrupt') if any
 * entry does not decode.
 *
 * Applies the log to a scratch Y.Doc inside one transaction and encodes its state, instead of calling
 * `Y.mergeUpdates`, whose cost grows faster than linearly with the number of updates: on a long log of small
 * updates (the automerge-paper trace) it is slower by far. The Y.Doc also garbage-collects deleted text, so
 * the result is smaller too.
 * Updates whose dependencies are missing stay pending in the doc and are still part of the encoded state.
 */
export function mergeLog(updates: readonly Uint8Array[]): Uint8Array {
  // A fixed guid: Yjs would draw a random UUID, a random number per digit, for a doc nobody tells apart.
  const doc = new Y.Doc({ guid: 'merge' });
  try {
    Y.transact(doc, () => {
      for (const update of updates) Y.applyUpdate(doc, update);
    });
    return Y.encodeStateAsUpdate(doc);
  } catch (err) {
    throw new StoreError('corrupt', 'a stored update could not be decoded', { cause: err });
  } finally {
    doc.destroy();
  }
}
