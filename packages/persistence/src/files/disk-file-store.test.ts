import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openFileStore, type FileStore } from '../index.js';
import { makeTempDir, removeDir } from '../test/temp-dir.js';
import { runFileStoreSuite } from './file-store.suite.js';

async function countFiles(dir: string): Promise<number> {
  const fanouts = await readdir(dir);
  const counts = await Promise.all(fanouts.map(async (fanout) => (await readdir(path.join(dir, fanout))).length));
  return counts.reduce((sum, n) => sum + n, 0);
}

runFileStoreSuite('DiskFileStore', async (now) => {
  const dir = await makeTempDir();
  let store: FileStore = await openFileStore({ dir, now });
  return {
    store,
    async reopen() {
      await store.close();
      store = await openFileStore({ dir, now });
      return store;
    },
    storedFiles: () => countFiles(path.join(dir, 'objects')),
    async cleanup() {
      await store.close();
      await removeDir(dir);
    },
  };
});

describe('DiskFileStore on disk', () => {
  it('removes what a crashed upload left: a temp file at start-up, a file without a record on collection', async () => {
    const dir = await makeTempDir();
    try {
      let store = await openFileStore({ dir });
      const kept = await store.put('doc', 'image/png', (async function* () {
        yield randomBytes(100);
      })());
      await store.close();
      // Killed before the rename: a half-written temp file. Killed after it: a complete file nobody recorded.
      await writeFile(path.join(dir, 'tmp', 'crashed-upload'), randomBytes(50));
      const orphan = createHash('sha256').update('orphan').digest('hex');
      await mkdir(path.join(dir, 'objects', orphan.slice(0, 2)), { recursive: true });
      await writeFile(path.join(dir, 'objects', orphan.slice(0, 2), orphan), 'orphan');

      store = await openFileStore({ dir });
      expect(await readdir(path.join(dir, 'tmp'))).toEqual([]);
      expect(await store.get('doc', orphan)).toBeNull();
      expect(await store.deleteUnreferenced()).toEqual([orphan]);
      expect(await countFiles(path.join(dir, 'objects'))).toBe(1);
      expect(await store.get('doc', kept.sha)).not.toBeNull();
      await store.close();
    } finally {
      await removeDir(dir);
    }
  });
});
