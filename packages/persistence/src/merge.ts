import * as Y from 'yjs';
import { StoreError } from './doc-store.js';

/**
 * Folds a document's log (Yjs updates in append order) into one update, or throws StoreError('corrupt') if any
 * entry does not decode.
 *
 * Applies the log to a scratch Y.Doc inside one transaction and encodes its state, instead of calling
 * `Y.mergeUpdates`. Measured on the automerge-paper trace (260k single-edit updates): 20k updates take 95 ms
 * this way and 6.2 s with `Y.mergeUpdates`, which grows faster than linearly; the whole trace takes 1.7 s.
 * The Y.Doc also garbage-collects deleted text, so the result is smaller (31 KB vs 290 KB for 20k updates).
 * Updates whose dependencies are missing stay pending in the doc and are still part of the encoded state.
 */
export function mergeLog(updates: readonly Uint8Array[]): Uint8Array {
  const doc = new Y.Doc();
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
