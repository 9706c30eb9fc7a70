import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { runDocStoreSuite, type StoreHarness } from './doc-store.suite.js';
import { openStore, StoreError, type DocStore, type OpenStoreOptions } from './index.js';
import { metaKey, updateKey, updateRange } from './keys.js';
import { rawLog, withRawDb } from './test/raw-db.js';
import { makeTempDir, removeDir } from './test/temp-dir.js';
import { runVersionStoreSuite } from './versions/version-store.suite.js';
import { contentOf, docFrom, recordingDoc, typeSomeText } from './test/yjs-helpers.js';

type Harness = StoreHarness & { dir: string; current(): DocStore };

async function leveldbHarness(options: Omit<OpenStoreOptions, 'dir'> = {}): Promise<Harness> {
  const dir = await makeTempDir();
  let store = await openStore({ dir, ...options });
  return {
    dir,
    store,
    current: () => store,
    async reopen() {
      await store.close();
      store = await openStore({ dir, ...options });
      return store;
    },
    async cleanup() {
      await store.close();
      await removeDir(dir);
    },
  };
}

/** Bytes of every file in a directory: what the store costs on disk. */
async function filesBytes(dir: string): Promise<number> {
  const sizes = await Promise.all((await readdir(dir)).map(async (name) => (await stat(join(dir, name))).size));
  return sizes.reduce((sum, size) => sum + size, 0);
}

async function expectStoreError(call: Promise<unknown>, code: StoreError['code']): Promise<StoreError> {
  const err: unknown = await call.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(err).toBeInstanceOf(StoreError);
  expect((err as StoreError).code).toBe(code);
  return err as StoreError;
}

runDocStoreSuite('LevelDbStore', () => leveldbHarness());
runVersionStoreSuite('LevelDbStore', () => leveldbHarness());

describe('LevelDbStore on disk', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.cleanup();
    harness = undefined;
  });

  it('loads whole and exact after a compaction that died between writing the snapshot and deleting', async () => {
    harness = await leveldbHarness();
    const { doc, updates } = recordingDoc();
    typeSomeText(doc, 100);
    await harness.current().append('doc', updates);
    await harness.current().close();

    // What a non-atomic compaction would leave: the snapshot at the last key N, every older entry still there.
    await withRawDb(harness.dir, async (db) => {
      const keys = await db.keys(updateRange('doc')).all();
      await db.put(keys[keys.length - 1]!, Y.encodeStateAsUpdate(doc));
    });
    const store = await harness.reopen();
    expect(contentOf(docFrom(await store.load('doc')))).toEqual(contentOf(doc));

    await store.compact('doc');
    expect(contentOf(docFrom(await store.load('doc')))).toEqual(contentOf(doc));
    await store.close();
    expect((await rawLog(harness.dir, 'doc')).updates).toBe(1);
  });

  it('compacts long logs in the background and keeps the metadata equal to what is on disk', async () => {
    const errors: unknown[] = [];
    harness = await leveldbHarness({ compactThreshold: 10, onError: (err) => errors.push(err) });
    const { doc, updates } = recordingDoc();
    typeSomeText(doc, 120);
    for (const update of updates) await harness.current().append('doc', [update]);
    await harness.current().close();

    const onDisk = await rawLog(harness.dir, 'doc');
    expect(onDisk.updates).toBeLessThan(updates.length);
    const store = await harness.reopen();
    expect(await store.meta('doc')).toMatchObject(onDisk);
    expect(contentOf(docFrom(await store.load('doc')))).toEqual(contentOf(doc));
    expect(errors).toEqual([]);
  });

  it('snapshots the state an append comes with instead of merging the log, and keeps the appends after it', async () => {
    harness = await leveldbHarness({ compactThreshold: 10 });
    const { doc, updates } = recordingDoc();
    typeSomeText(doc, 60);
    // The appender's live copy holds one entry that is never appended: only a snapshot taken from it has it.
    const live = new Y.Doc();
    live.getMap('map').set('only-in-the-live-copy', true);
    let snapshots = 0;
    const stateAfter = () => {
      snapshots++;
      return Y.encodeStateAsUpdate(live);
    };
    const store = harness.current();
    for (const update of updates.slice(0, 40)) {
      Y.applyUpdate(live, update);
      await store.append('doc', [update], stateAfter);
    }
    // No state with these, and no waiting: they land while the last snapshot's compaction runs.
    await Promise.all(updates.slice(40).map((update) => store.append('doc', [update])));
    await store.close();

    expect(snapshots).toBeGreaterThan(0);
    const onDisk = await rawLog(harness.dir, 'doc');
    const reopened = await harness.reopen();
    expect(await reopened.meta('doc')).toMatchObject(onDisk);
    const loaded = docFrom(await reopened.load('doc'));
    expect(loaded.getMap('map').get('only-in-the-live-copy')).toBe(true);
    expect(loaded.getText('text').toString()).toBe(doc.getText('text').toString());
  });

  it('gives back the disk space of a long log once it is compacted: the files shrink to about the snapshot', async () => {
    harness = await leveldbHarness();
    const { doc, updates } = recordingDoc();
    const text = doc.getText('text');
    // 4,000 pastes of 1 KB, each deleted by the next update: 4 MB appended, almost nothing left to keep. The
    // background compactions (every 500 entries) fold it away; LevelDB keeps the dead data until told.
    let seed = 7;
    const letter = () => String.fromCharCode(97 + ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) % 26));
    for (let i = 0; i < 4_000; i++) {
      text.insert(0, Array.from({ length: 1024 }, letter).join(''));
      text.delete(0, 1024);
    }
    text.insert(0, 'the end');
    const appended = updates.reduce((sum, update) => sum + update.byteLength, 0);
    for (let i = 0; i < updates.length; i += 20) await harness.current().append('doc', updates.slice(i, i + 20));
    await harness.current().compact('doc');
    const { size } = (await harness.current().meta('doc'))!;
    await harness.current().close();

    const onDisk = await filesBytes(harness.dir);
    console.log(`appended ${appended} B, snapshot ${size} B, files after compaction ${onDisk} B`);
    // What stays besides the snapshot: LevelDB's manifest, its text logs and one table's index, a few KB.
    expect(onDisk).toBeLessThan(size + 64 * 1024);
    expect(appended).toBeGreaterThan(4_000_000);
    const store = await harness.reopen();
    expect(docFrom(await store.load('doc')).getText('text').toString()).toBe('the end');
  });

  it('reports a corrupt stored update as corrupt, to load, compact and the background onError', async () => {
    const errors: unknown[] = [];
    harness = await leveldbHarness({ compactThreshold: 3, onError: (err) => errors.push(err) });
    const { doc, updates } = recordingDoc();
    typeSomeText(doc, 6);
    await harness.current().append('doc', updates.slice(0, 2));
    await harness.current().close();
    await withRawDb(harness.dir, (db) => db.put(updateKey('doc', 1), new Uint8Array([0xff, 0xff, 0xff, 0x01])));

    const store = await harness.reopen();
    await expectStoreError(store.load('doc'), 'corrupt');
    await expectStoreError(store.compact('doc'), 'corrupt');
    // Appends still succeed; the compaction they start fails on its own and goes to onError.
    await store.append('doc', updates.slice(2, 4));
    await store.close();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(StoreError);
    expect((errors[0] as StoreError).code).toBe('corrupt');
  });

  it('reports corrupt metadata as corrupt', async () => {
    harness = await leveldbHarness();
    await harness.current().create('doc');
    await harness.current().close();
    await withRawDb(harness.dir, (db) => db.put(metaKey('doc'), new TextEncoder().encode('{"id":')));

    const store = await harness.reopen();
    await expectStoreError(store.meta('doc'), 'corrupt');
    await expectStoreError(store.list(), 'corrupt');
  });

  it('refuses to open a store that is already open, naming the directory', async () => {
    harness = await leveldbHarness();
    const err = await expectStoreError(openStore({ dir: harness.dir }), 'io');
    expect(err.message).toContain(harness.dir);
    expect(err.message).toContain('already open');
    expect(err.cause).toBeDefined();
  });

  it('refuses to open a directory that cannot be created', async () => {
    harness = await leveldbHarness();
    const file = join(harness.dir, 'a-file');
    await writeFile(file, 'not a directory');
    const err = await expectStoreError(openStore({ dir: join(file, 'store') }), 'io');
    expect(err.message).toContain(join(file, 'store'));
  });

  it('creates a missing directory, nested', async () => {
    const parent = await makeTempDir();
    try {
      const store = await openStore({ dir: join(parent, 'data', 'store') });
      await store.append('doc', [Y.encodeStateAsUpdate(new Y.Doc())]);
      expect(await store.meta('doc')).toMatchObject({ updates: 1 });
      await store.close();
    } finally {
      await removeDir(parent);
    }
  });

  it('close can be called twice', async () => {
    harness = await leveldbHarness();
    await harness.current().close();
    await expect(harness.current().close()).resolves.toBeUndefined();
  });

  it('rejects a compaction threshold below one', async () => {
    await expect(openStore({ dir: '/nonexistent', compactThreshold: 0 })).rejects.toThrow(RangeError);
    await expect(openStore({ dir: '/nonexistent', compactThreshold: Number.NaN })).rejects.toThrow(RangeError);
  });
});
