import { defaultDeleteFilter, defaultProtectedNodes, ySyncPluginKey } from '@tiptap/y-tiptap';
import * as Y from 'yjs';

/**
 * The Yjs undo manager the Collaboration extension would create for itself (same options), made here so that it
 * outlives an editor: when the editor is re-created (to add table editing), undo still reaches what was typed
 * before. Collaboration pauses it when an editor goes and resumes it with the next one.
 */
export function createUndoManager(fragment: Y.XmlFragment): Y.UndoManager {
  return new Y.UndoManager(fragment, {
    trackedOrigins: new Set([ySyncPluginKey]),
    deleteFilter: (item) => defaultDeleteFilter(item, defaultProtectedNodes),
    captureTransaction: (transaction) => transaction.meta.get('addToHistory') !== false,
  });
}
