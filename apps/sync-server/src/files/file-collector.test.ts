import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { openFileStore, openStore } from '@collab/persistence';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../observability.js';
import { imageBytes, sha256 } from '../test/file-bytes.js';
import { makeTempDir } from '../test/helpers.js';
import { startFileCollector } from './file-collector.js';

const DAY = 24 * 3600 * 1000;

async function* once(bytes: Uint8Array) {
  yield bytes;
}

describe('file collection', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('deletes the files of a deleted document 30 days later, and keeps those another document still shows', async () => {
    const dir = await makeTempDir();
    let now = Date.UTC(2026, 5, 1);
    const store = await openStore({ dir: path.join(dir, 'store') });
    const files = await openFileStore({ dir: path.join(dir, 'files'), now: () => now });
    const collector = startFileCollector({ files, store, logger: createLogger('silent') });
    cleanups.push(() => rm(dir, { recursive: true, force: true }), () => store.close(), () => files.close(), () => collector.stop());

    await Promise.all([store.create('kept'), store.create('deleted')]);
    const shared = imageBytes('image/png', 500);
    const own = imageBytes('image/gif', 500);
    await files.put('kept', 'image/png', once(shared));
    await files.put('deleted', 'image/png', once(shared));
    await files.put('deleted', 'image/gif', once(own));

    await collector.sweep();
    expect((await files.documents()).sort()).toEqual(['deleted', 'kept']);

    await store.delete('deleted');
    await collector.sweep();
    expect(await files.documents()).toEqual(['kept']);
    expect(await files.get('deleted', sha256(own))).toBeNull();

    const onDisk = async () => (await readdir(path.join(dir, 'files', 'objects'), { recursive: true })).filter((name) => name.length > 64).map((name) => path.basename(name)).sort();
    now += 30 * DAY - 1;
    await collector.sweep();
    expect(await onDisk()).toEqual([sha256(own), sha256(shared)].sort());
    now += 1;
    await collector.sweep();
    expect(await onDisk()).toEqual([sha256(shared)]);
    expect(await files.get('kept', sha256(shared))).not.toBeNull();
  });
});
