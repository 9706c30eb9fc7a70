import type { VersionMeta } from '@collab/persistence';
import { CONTENT_FIELD } from '@collab/schema/y-doc-layout';
import * as Y from 'yjs';
import type { Room } from '../collab/room.js';
import { makeFragmentEqual } from '@collab/schema/restore-fragment';

/**
 * Restores a version's content (a Yjs update) into the room's document, as a new change on top: the state
 * before it is kept first as a version of kind `restore`, which is returned. Both happen while the room's
 * write rounds wait, so no edit falls between them; the change then takes the write path like any update
 * (stored, then relayed to every peer). The title and anything outside the content fragment stay as they are.
 */
export async function restoreVersion(room: Room, content: Uint8Array): Promise<VersionMeta> {
  const versions = room.versions;
  if (!versions) throw new Error('this server keeps no version history');
  // Decoded before the rounds are held: only the change itself waits for them.
  const version = new Y.Doc();
  try {
    Y.applyUpdate(version, content);
    return await room.changeExclusively(async (doc) => ({
      result: await versions.add('restore', null, doc),
      change: (live) => makeFragmentEqual(live.getXmlFragment(CONTENT_FIELD), version.getXmlFragment(CONTENT_FIELD)),
    }));
  } finally {
    version.destroy();
  }
}
