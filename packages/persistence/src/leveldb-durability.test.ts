import { ClassicLevel } from 'classic-level';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type EmbeddedStore, type OpenStoreOptions, openStore } from './index.js';
import { makeTempDir, removeDir } from './test/temp-dir.js';
import { contentOf, docFrom, recordingDoc, typeSomeText } from './test/yjs-helpers.js';

const DOCS = 20;
const APPENDS = 5;
/** A creation and the appends of each document, the compaction, the delete, the version and its rename. */
const WRITES = DOCS * (1 + APPENDS) + 4;

/**
 * Writes the way a busy server does: DOCS documents created and written at once, each appending APPENDS
 * times in a row (waiting for each like a room waits for its write round), then a compaction, a delete, and
 * a named version that is renamed. Reopens the store and checks every document and the version are whole.
 * Returns what LevelDB was asked to do.
 */
async function writeLikeAServer(options: Omit<OpenStoreOptions, 'dir'>) {
  // Watches every batch a store hands to classic-level, without changing what it does.
  const batch = vi.spyOn(ClassicLevel.prototype, 'batch');
  const dir = await makeTempDir();
  try {
    let store: EmbeddedStore = await openStore({ dir, compactThreshold: Infinity, ...options });
    const docs = Array.from({ length: DOCS }, (_, i) => {
      const { doc, updates } = recordingDoc();
      typeSomeText(doc, APPENDS, i + 1);
      return { id: `doc${i}`, doc, updates };
    });
    await Promise.all(
      docs.map(async ({ id, updates }) => {
        await store.create(id);
        for (const update of updates) await store.append(id, [update]);
      }),
    );
    await store.compact('doc0');
    await store.delete('doc1');
    const version = await store.versions.add('doc2', { doc: docs[2]!.doc, kind: 'named', authors: [], createdAt: 1 });
    await store.versions.rename('doc2', version.id, 'renamed');
    const stats = store.writeStats();
    await store.close();

    store = await openStore({ dir, ...options });
    for (const { id, doc } of docs.slice(2)) expect(contentOf(docFrom(await store.load(id)))).toEqual(contentOf(doc));
    expect(contentOf(docFrom(await store.load('doc0')))).toEqual(contentOf(docs[0]!.doc));
    expect(await store.meta('doc1')).toBeNull();
    expect((await store.versions.list('doc2')).map((v) => v.name)).toEqual(['renamed']);
    await store.close();
    const syncOptions = batch.mock.calls.map((call) => (call as unknown[])[1]);
    return { stats, syncOptions };
  } finally {
    batch.mockRestore();
    await removeDir(dir);
  }
}

describe('LevelDbStore durability', () => {
  afterEach(() => vi.restoreAllMocks());

  it('fsyncs every write by default (creations, appends, compaction, delete, versions) in batches documents share', async () => {
    const { stats, syncOptions } = await writeLikeAServer({});
    // Creations, appends, the compaction's fold, the delete and the version's two all went out as synced batches.
    expect(stats.writes).toBe(WRITES);
    expect(syncOptions.length).toBe(stats.syncedBatches);
    expect(syncOptions.every((options) => (options as { sync?: boolean } | undefined)?.sync === true)).toBe(true);
    // Group commit: the documents writing at the same time shared their fsyncs.
    expect(stats.syncedBatches).toBeLessThan(stats.writes / 2);
  });

  it("with durability 'os' writes each batch at once, unsynced, as before", async () => {
    const { stats, syncOptions } = await writeLikeAServer({ durability: 'os' });
    expect(stats).toEqual({ writes: WRITES, syncedBatches: 0 });
    expect(syncOptions.length).toBe(stats.writes);
    expect(syncOptions.every((options) => options === undefined)).toBe(true);
  });
});
