import { CONTENT_FIELD } from '@collab/schema';
import { makeFragmentEqual } from '@collab/schema/restore-fragment';
import { ySyncPluginKey } from '@tiptap/y-tiptap';
import * as Y from 'yjs';

/**
 * Makes the live document's content equal to a version's (a Yjs update) as this user's own edit: one
 * transaction with the editor's origin, so the editor's undo manager takes it like typing and Ctrl+Z undoes
 * it, and the provider sends it to everyone like any other edit.
 */
export function restoreInEditor(live: Y.Doc, versionState: Uint8Array): void {
  const version = new Y.Doc();
  try {
    Y.applyUpdate(version, versionState);
    live.transact(
      () => makeFragmentEqual(live.getXmlFragment(CONTENT_FIELD), version.getXmlFragment(CONTENT_FIELD)),
      ySyncPluginKey,
    );
  } finally {
    version.destroy();
  }
}
