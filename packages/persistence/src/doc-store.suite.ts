import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DEFAULT_ACCESS, type DocAccess } from './access.js';
import type { DocStore } from './doc-store.js';
import { StoreError } from './doc-store.js';
import { contentOf, docFrom, recordingDoc, typeSomeText } from './test/yjs-helpers.js';

/** A store under test, with a way to reopen it over the same data and to throw the data away. */
export interface StoreHarness {
  store: DocStore;
  /** Closes the current store if it is still open and opens a new one over the same data. */
  reopen(): Promise<DocStore>;
  /** Closes whatever is open and removes the data. */
  cleanup(): Promise<void>;
}

const INVALID_IDS = ['', 'a/b', '../etc', 'a b', 'a.b', 'é', 'x'.repeat(129)];

/** The behaviour every DocStore backend promises; each backend runs it on its own storage. */
export function runDocStoreSuite(name: string, makeStore: () => Promise<StoreHarness>): void {
  describe(`${name} (DocStore behaviour)`, () => {
    let harness: StoreHarness;
    let store: DocStore;

    beforeEach(async () => {
      harness = await makeStore();
      store = harness.store;
    });
    afterEach(() => harness.cleanup());

    async function loadedContent(docId: string) {
      return contentOf(docFrom(await store.load(docId)));
    }

    it('loads back exactly what real Yjs edits appended, one by one and in batches', async () => {
      const { doc, updates } = recordingDoc();
      typeSomeText(doc, 200);
      for (const update of updates.splice(0, 100)) await store.append('doc', [update]);
      await store.append('doc', updates.splice(0));

      expect(await loadedContent('doc')).toEqual(contentOf(doc));
      expect(contentOf(doc).text.length).toBeGreaterThan(50);
    });

    it('merges the edits of concurrent clients into the state they converge to', async () => {
      const alice = recordingDoc();
      const bob = recordingDoc();
      typeSomeText(alice.doc, 60, 3);
      typeSomeText(bob.doc, 60, 4);
      await Promise.all([
        ...alice.updates.map((update) => store.append('shared', [update])),
        ...bob.updates.map((update) => store.append('shared', [update])),
      ]);
      Y.applyUpdate(alice.doc, Y.encodeStateAsUpdate(bob.doc));
      Y.applyUpdate(bob.doc, Y.encodeStateAsUpdate(alice.doc));

      expect(await loadedContent('shared')).toEqual(contentOf(alice.doc));
      expect(contentOf(alice.doc)).toEqual(contentOf(bob.doc));
    });

    it('reports nothing for a document that was never written', async () => {
      await store.compact('missing');
      expect(await store.load('missing')).toBeNull();
      expect(await store.meta('missing')).toBeNull();
      expect(await store.list()).toEqual([]);
    });

    it('keeps many documents, including ids that prefix each other, apart', async () => {
      const ids = ['a', 'a-b', 'a-', '-a', 'a_b', 'a0', 'aa', 'A', '_', 'z'.repeat(128)];
      for (let i = 0; i < 20; i++) ids.push(`doc-${i}`);
      const docs = new Map(ids.map((id) => [id, recordingDoc()] as const));
      ids.forEach((id, i) => typeSomeText(docs.get(id)!.doc, 20 + i, i + 1));
      const interleaved = ids.flatMap((id) => docs.get(id)!.updates.map((update) => store.append(id, [update])));
      await Promise.all(interleaved);

      for (const id of ids) expect(await loadedContent(id)).toEqual(contentOf(docs.get(id)!.doc));
      expect((await store.list()).map((meta) => meta.id)).toEqual([...ids].sort());

      await store.compact('a');
      await store.delete('a-b');
      for (const id of ids.filter((id) => id !== 'a-b')) {
        expect(await loadedContent(id)).toEqual(contentOf(docs.get(id)!.doc));
      }
      expect(await store.load('a-b')).toBeNull();
    });

    it('stores updates of several megabytes', async () => {
      const { doc, updates } = recordingDoc();
      const text = doc.getText('text');
      text.insert(0, randomLetters(3_000_000, 1));
      text.insert(1_500_000, randomLetters(2_000_000, 2));
      await store.append('big', [updates[0]!]);
      await store.append('big', [updates[1]!]);
      expect(updates[0]!.byteLength).toBeGreaterThan(3_000_000);

      expect((await loadedContent('big')).text).toBe(text.toString());
      await store.compact('big');
      store = await harness.reopen();
      expect((await loadedContent('big')).text).toBe(text.toString());
    });

    it('compaction keeps the content and leaves one entry', async () => {
      const { doc, updates } = recordingDoc();
      typeSomeText(doc, 120);
      await store.append('doc', updates);
      const before = await store.meta('doc');
      expect(before).toMatchObject({ updates: updates.length, size: totalBytes(updates) });

      await store.compact('doc');
      const after = await store.meta('doc');
      expect(after).toMatchObject({ updates: 1, createdAt: before!.createdAt, updatedAt: before!.updatedAt });
      expect(after!.size).toBeLessThan(before!.size);
      expect(await loadedContent('doc')).toEqual(contentOf(doc));

      await store.compact('doc');
      expect(await store.meta('doc')).toEqual(after);
    });

    it('keeps appends made while a compaction runs', async () => {
      const { doc, updates } = recordingDoc();
      typeSomeText(doc, 300);
      await store.append('doc', updates.splice(0));
      for (let round = 0; round < 5; round++) {
        typeSomeText(doc, 40, round + 2);
        const fresh = updates.splice(0);
        await Promise.all([store.compact('doc'), ...fresh.map((update) => store.append('doc', [update]))]);
        expect(await loadedContent('doc')).toEqual(contentOf(doc));
      }
      await store.compact('doc');
      expect(await store.meta('doc')).toMatchObject({ updates: 1 });
      expect(await loadedContent('doc')).toEqual(contentOf(doc));
    });

    it('reopens with everything it acknowledged and keeps appending after', async () => {
      const { doc, updates } = recordingDoc();
      typeSomeText(doc, 80);
      await store.append('doc', updates.splice(0, 40));
      await store.compact('doc');
      await store.append('doc', updates.splice(0));
      const meta = await store.meta('doc');

      store = await harness.reopen();
      expect(await store.meta('doc')).toEqual(meta);
      expect(await loadedContent('doc')).toEqual(contentOf(doc));

      // More entries than the log held before: a store that reused old sequence numbers would overwrite some.
      typeSomeText(doc, 90, 9);
      for (const update of updates.splice(0)) await store.append('doc', [update]);
      store = await harness.reopen();
      expect(await loadedContent('doc')).toEqual(contentOf(doc));
      expect(await store.meta('doc')).toMatchObject({ updates: meta!.updates + 90 });
    });

    it('close waits for appends in flight', async () => {
      const { doc, updates } = recordingDoc();
      typeSomeText(doc, 50);
      const appends = updates.map((update) => store.append('doc', [update]));
      await Promise.all([...appends, store.close()]);

      store = await harness.reopen();
      expect(await loadedContent('doc')).toEqual(contentOf(doc));
    });

    it('tracks creation, appends and size in the metadata', async () => {
      const created = await store.create('doc');
      expect(created).toMatchObject({ id: 'doc', size: 0, updates: 0, updatedAt: created.createdAt });
      expect(await store.create('doc')).toEqual(created);
      expect(await store.meta('doc')).toEqual(created);
      const loaded = await store.load('doc');
      if (loaded !== null) expect(contentOf(docFrom(loaded))).toEqual({ text: '', map: {} });

      const { doc, updates } = recordingDoc();
      typeSomeText(doc, 5);
      await store.append('doc', updates);
      const meta = await store.meta('doc');
      expect(meta).toMatchObject({ id: 'doc', createdAt: created.createdAt, updates: 5, size: totalBytes(updates) });
      expect(meta!.updatedAt).toBeGreaterThanOrEqual(created.createdAt);
      expect(await store.list()).toEqual([meta]);
    });

    it('an empty append writes nothing', async () => {
      await store.append('doc', []);
      expect(await store.meta('doc')).toBeNull();
      expect(await store.load('doc')).toBeNull();
    });

    it('delete removes the document, and it can be written afresh', async () => {
      const { doc, updates } = recordingDoc();
      typeSomeText(doc, 30);
      await store.append('doc', updates.splice(0));
      await store.delete('doc');
      await store.delete('never-existed');

      expect(await store.load('doc')).toBeNull();
      expect(await store.meta('doc')).toBeNull();
      expect(await store.list()).toEqual([]);

      const fresh = recordingDoc();
      typeSomeText(fresh.doc, 10, 7);
      await store.append('doc', fresh.updates);
      expect(await loadedContent('doc')).toEqual(contentOf(fresh.doc));
      expect(await store.meta('doc')).toMatchObject({ updates: 10, size: totalBytes(fresh.updates) });
    });

    it('a delete that overtakes a running compaction is not undone by it', async () => {
      const { doc, updates } = recordingDoc();
      typeSomeText(doc, 200);
      await store.append('doc', updates);
      const fresh = recordingDoc();
      typeSomeText(fresh.doc, 10, 5);
      // The document is written afresh right after the delete, while the compaction of the old log may still run.
      await Promise.all([store.compact('doc'), store.delete('doc'), store.append('doc', fresh.updates)]);

      expect(await loadedContent('doc')).toEqual(contentOf(fresh.doc));
      expect(await store.meta('doc')).toMatchObject({ updates: 10, size: totalBytes(fresh.updates) });
      await store.delete('doc');
      store = await harness.reopen();
      expect(await store.load('doc')).toBeNull();
      expect(await store.list()).toEqual([]);
    });

    it('keeps each document\'s access state, from the default, across a reopen', async () => {
      expect(await store.access('doc')).toEqual(DEFAULT_ACCESS);
      const reset = await store.updateAccess('doc', (current) => ({
        ...current,
        generations: { ...current.generations, edit: current.generations.edit + 1 },
        viewEnabled: false,
        expiresAt: { edit: null, view: 1_900_000_000_000 },
      }));
      expect(reset).toEqual({
        ...DEFAULT_ACCESS,
        version: 1,
        generations: { view: 0, edit: 1, owner: 0 },
        viewEnabled: false,
        expiresAt: { edit: null, view: 1_900_000_000_000 },
      });
      expect(await store.access('doc')).toEqual(reset);
      expect(await store.access('other')).toEqual(DEFAULT_ACCESS);
      // A change that changes nothing writes nothing.
      expect(await store.updateAccess('doc', (current) => current)).toEqual(reset);

      store = await harness.reopen();
      expect(await store.access('doc')).toEqual(reset);
    });

    it('applies concurrent access changes one after the other', async () => {
      const bumpOwner = (current: DocAccess) => ({
        ...current,
        generations: { ...current.generations, owner: current.generations.owner + 1 },
      });
      const results = await Promise.all(Array.from({ length: 20 }, () => store.updateAccess('doc', bumpOwner)));
      expect(results.map((access) => access.generations.owner).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      expect(await store.access('doc')).toMatchObject({ version: 20, generations: { owner: 20 } });
    });

    it('lists deleted documents until they are purged; the access record outlives the content', async () => {
      const { doc, updates } = recordingDoc();
      typeSomeText(doc, 20);
      await store.append('doc', updates);
      await store.append('kept', updates);
      expect(await store.listDeleted()).toEqual([]);

      const deleted = await store.updateAccess('doc', (current) => ({ ...current, deletedAt: 1_000 }));
      expect(await store.listDeleted()).toEqual([{ id: 'doc', access: deleted }]);
      // Deleting in the access state keeps the content: it can be undeleted.
      expect(await loadedContent('doc')).toEqual(contentOf(doc));
      await store.updateAccess('doc', (current) => ({ ...current, deletedAt: null }));
      expect(await store.listDeleted()).toEqual([]);

      await store.updateAccess('doc', (current) => ({ ...current, deletedAt: 2_000, purgeStartedAt: 3_000 }));
      store = await harness.reopen();
      expect((await store.listDeleted()).map((entry) => entry.id)).toEqual(['doc']);
      await store.delete('doc');
      const purged = await store.updateAccess('doc', (current) => ({ ...current, purgedAt: 4_000 }));
      expect(await store.listDeleted()).toEqual([]);
      expect(await store.load('doc')).toBeNull();
      expect((await store.list()).map((meta) => meta.id)).toEqual(['kept']);
      expect(await store.access('doc')).toEqual(purged);
      expect(purged).toMatchObject({ deletedAt: 2_000, purgeStartedAt: 3_000, purgedAt: 4_000 });
    });

    it('rejects invalid document ids', async () => {
      const update = Y.encodeStateAsUpdate(new Y.Doc());
      for (const id of INVALID_IDS) {
        const calls = [
          store.create(id),
          store.append(id, [update]),
          store.append(id, []),
          store.load(id),
          store.compact(id),
          store.meta(id),
          store.delete(id),
          store.access(id),
          store.updateAccess(id, (current) => current),
        ];
        for (const call of calls) await expectStoreError(call, 'invalid-id');
      }
      expect(await store.list()).toEqual([]);
    });

    it('rejects every call after close', async () => {
      await store.append('doc', [Y.encodeStateAsUpdate(new Y.Doc())]);
      await store.close();
      const calls = [
        store.create('doc'),
        store.append('doc', [new Uint8Array([0, 0])]),
        store.load('doc'),
        store.compact('doc'),
        store.meta('doc'),
        store.list(),
        store.delete('doc'),
        store.access('doc'),
        store.updateAccess('doc', (current) => current),
        store.listDeleted(),
      ];
      for (const call of calls) await expectStoreError(call, 'closed');
    });
  });
}

async function expectStoreError(call: Promise<unknown>, code: StoreError['code']): Promise<void> {
  const err: unknown = await call.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(err).toBeInstanceOf(StoreError);
  expect((err as StoreError).code).toBe(code);
}

function totalBytes(updates: readonly Uint8Array[]): number {
  return updates.reduce((sum, update) => sum + update.byteLength, 0);
}

/** Letters from a seeded generator, so that large values do not compress to nothing. */
function randomLetters(length: number, seed: number): string {
  let state = seed;
  let out = '';
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out += String.fromCharCode(97 + (state % 26));
  }
  return out;
}
