import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { StoreError, type DocStore } from '../doc-store.js';
import type { StoreHarness } from '../doc-store.suite.js';
import { contentOf, docFrom, typeSomeText } from '../test/yjs-helpers.js';
import { KEYFRAME_EVERY } from './version-codec.js';
import type { LendDoc, NewVersion, VersionStore } from './version-store.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2025, 2, 1);
const ALICE = { name: 'Alice', color: '#e11d48' };
const BOB = { name: 'Bob', color: '#2563eb' };

/** The behaviour every VersionStore (a DocStore's `versions`) promises; each backend runs it on its own storage. */
export function runVersionStoreSuite(name: string, makeStore: () => Promise<StoreHarness>): void {
  describe(`${name} (VersionStore behaviour)`, () => {
    let harness: StoreHarness;
    let store: DocStore;
    let versions: VersionStore;

    beforeEach(async () => {
      harness = await makeStore();
      store = harness.store;
      versions = store.versions;
    });
    afterEach(() => harness.cleanup());

    async function reopen(): Promise<void> {
      store = await harness.reopen();
      versions = store.versions;
    }

    async function opened(docId: string, versionId: string) {
      const state = await versions.content(docId, versionId);
      expect(state).not.toBeNull();
      return contentOf(docFrom(state));
    }

    const auto = (doc: Y.Doc, createdAt?: number): NewVersion => ({ doc, kind: 'auto', authors: [ALICE], createdAt });

    it('lists versions newest first with their metadata, and opens each to the document as it was', async () => {
      const doc = new Y.Doc();
      const expected: ReturnType<typeof contentOf>[] = [];
      const added = [];
      // More than two keyframe periods, with insertions, deletions and map changes between versions.
      for (let i = 0; i < 2 * KEYFRAME_EVERY + 5; i++) {
        typeSomeText(doc, 12, i + 1);
        added.push(await versions.add('doc', { doc, kind: 'auto', authors: [ALICE, BOB], createdAt: NOW + i }));
        expected.push(contentOf(doc));
      }
      expect(added[0]).toEqual({ id: added[0]!.id, docId: 'doc', createdAt: NOW, name: null, kind: 'auto', authors: [ALICE, BOB] });
      const ids = added.map((v) => Number(v.id));
      expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
      expect(await versions.list('doc')).toEqual([...added].reverse());

      for (const i of [0, 1, KEYFRAME_EVERY - 1, KEYFRAME_EVERY, KEYFRAME_EVERY + 1, added.length - 1]) {
        expect(await opened('doc', added[i]!.id)).toEqual(expected[i]);
      }
      await reopen();
      expect(await versions.list('doc')).toEqual([...added].reverse());
      for (let i = 0; i < added.length; i++) expect(await opened('doc', added[i]!.id)).toEqual(expected[i]);
    });

    it('adds a version only when the document changed, deletions included', async () => {
      const doc = new Y.Doc();
      doc.getText('text').insert(0, 'hello world');
      const first = await versions.addIfChanged('doc', auto(doc));
      expect(first).not.toBeNull();
      expect(await versions.addIfChanged('doc', auto(doc))).toBeNull();
      // A deletion alone does not advance the state vector, and is still a change.
      doc.getText('text').delete(0, 6);
      const second = await versions.addIfChanged('doc', auto(doc));
      expect(second).not.toBeNull();
      expect(await versions.addIfChanged('doc', auto(docFrom(Y.encodeStateAsUpdate(doc))))).toBeNull();
      expect((await versions.list('doc')).map((v) => v.id)).toEqual([second!.id, first!.id]);
      expect(await opened('doc', second!.id)).toEqual({ text: 'world', map: {} });
    });

    it('skips a changed version cut within minGapMs of the newest, and adds it after', async () => {
      const doc = new Y.Doc();
      doc.getText('text').insert(0, 'a');
      await versions.addIfChanged('doc', auto(doc, NOW), { minGapMs: 300_000 });
      doc.getText('text').insert(1, 'b');
      expect(await versions.addIfChanged('doc', auto(doc, NOW + 299_999), { minGapMs: 300_000 })).toBeNull();
      expect(await versions.addIfChanged('doc', auto(doc, NOW + 300_000), { minGapMs: 300_000 })).not.toBeNull();
      expect(await versions.list('doc')).toHaveLength(2);
    });

    it('adds named and restore versions even when nothing changed', async () => {
      const doc = new Y.Doc();
      doc.getText('text').insert(0, 'draft');
      const auto1 = await versions.add('doc', auto(doc));
      const named = await versions.add('doc', { doc, kind: 'named', name: 'Before review' });
      const restore = await versions.add('doc', { doc, kind: 'restore', authors: [BOB] });
      expect(named).toMatchObject({ kind: 'named', name: 'Before review', authors: [] });
      expect(restore).toMatchObject({ kind: 'restore', name: null, authors: [BOB] });
      for (const v of [auto1, named, restore]) expect(await opened('doc', v.id)).toEqual({ text: 'draft', map: {} });
    });

    it('keeps everything of the newest version when cut from a copy that lags behind it', async () => {
      const ahead = new Y.Doc();
      ahead.getText('text').insert(0, 'one two');
      const behind = docFrom(Y.encodeStateAsUpdate(ahead));
      ahead.getText('text').insert(7, ' three');
      await versions.add('doc', auto(ahead));
      expect(await versions.addIfChanged('doc', auto(behind))).toBeNull();
      behind.getText('text').insert(0, '> ');
      const union = await versions.addIfChanged('doc', auto(behind));
      expect(await opened('doc', union!.id)).toEqual({ text: '> one two three', map: {} });
    });

    it('renames a version, keeping its kind; null clears the name; unknown versions are null', async () => {
      const doc = new Y.Doc();
      doc.getText('text').insert(0, 'x');
      const v = await versions.add('doc', auto(doc));
      expect(await versions.rename('doc', v.id, 'Final')).toEqual({ ...v, name: 'Final' });
      await reopen();
      expect(await versions.list('doc')).toEqual([{ ...v, name: 'Final' }]);
      expect(await versions.rename('doc', v.id, null)).toEqual(v);

      for (const unknown of ['999999', '0', '-1', '1.5', 'abc', '', '01', '9'.repeat(20)]) {
        expect(await versions.rename('doc', unknown, 'n')).toBeNull();
        expect(await versions.content('doc', unknown)).toBeNull();
      }
      expect(await versions.content('other', v.id)).toBeNull();
      expect(await versions.rename('other', v.id, 'n')).toBeNull();
      expect(await versions.list('other')).toEqual([]);
    });

    it('thins by the policy on an injected clock, keeps named versions, and every kept version opens as before', async () => {
      const doc = new Y.Doc();
      const cut: { id: string; content: ReturnType<typeof contentOf> }[] = [];
      // Every 20 minutes for three days, oldest first.
      for (let t = NOW - 3 * DAY; t <= NOW; t += 20 * 60_000) {
        typeSomeText(doc, 6, t % 97);
        const v = await versions.add('doc', auto(doc, t));
        cut.push({ id: v.id, content: contentOf(doc) });
      }
      const named = cut[10]!.id;
      await versions.rename('doc', named, 'kept forever');

      const deleted = await versions.thin('doc', NOW);
      const left = await versions.list('doc');
      const createdAt = new Map(left.map((v) => [v.id, v.createdAt]));
      // The 72 of the last 24 h, the last of each of the 49 hours that began 72 h to 24 h ago, the named one.
      expect(left).toHaveLength(72 + 49 + 1);
      expect(deleted).toHaveLength(cut.length - left.length);
      expect(left.map((v) => v.id)).toContain(named);
      expect(deleted.some((id) => createdAt.has(id))).toBe(false);
      for (const v of cut.filter((c) => createdAt.has(c.id))) expect(await opened('doc', v.id)).toEqual(v.content);
      for (const id of deleted) expect(await versions.content('doc', id)).toBeNull();

      expect(await versions.thin('doc', NOW)).toEqual([]);
      typeSomeText(doc, 5, 3);
      const next = await versions.add('doc', auto(doc, NOW + 1));
      expect(await opened('doc', next.id)).toEqual(contentOf(doc));
      await reopen();
      for (const v of cut.filter((c) => createdAt.has(c.id))) expect(await opened('doc', v.id)).toEqual(v.content);
    });

    it('deleteAll removes one document’s versions only, and its history can start again', async () => {
      const ids = ['a', 'a-b', 'a-', 'a0', 'b'];
      for (const id of ids) {
        const doc = new Y.Doc();
        doc.getText('text').insert(0, id);
        await versions.add(id, auto(doc));
      }
      await versions.deleteAll('a');
      await versions.deleteAll('never-had-versions');
      expect(await versions.list('a')).toEqual([]);
      for (const id of ids.slice(1)) {
        const [v] = await versions.list(id);
        expect(await opened(id, v!.id)).toEqual({ text: id, map: {} });
      }
      const doc = new Y.Doc();
      doc.getText('text').insert(0, 'again');
      const fresh = await versions.addIfChanged('a', auto(doc));
      expect(await opened('a', fresh!.id)).toEqual({ text: 'again', map: {} });
    });

    it('keeps versions when the document itself is deleted', async () => {
      const doc = new Y.Doc();
      doc.getText('text').insert(0, 'kept');
      await store.append('doc', [Y.encodeStateAsUpdate(doc)]);
      const v = await versions.add('doc', auto(doc));
      await store.delete('doc');
      expect(await opened('doc', v.id)).toEqual({ text: 'kept', map: {} });
    });

    it('runs concurrent cuts of one document in call order: each opens to the state it was given', async () => {
      const doc = new Y.Doc();
      const cuts = [];
      for (let i = 0; i < 12; i++) {
        typeSomeText(doc, 8, i + 1);
        const copy = docFrom(Y.encodeStateAsUpdate(doc));
        cuts.push(versions.add('doc', auto(copy)).then((v) => [v, contentOf(copy)] as const));
      }
      const added = await Promise.all(cuts);
      const ids = added.map(([v]) => Number(v.id));
      expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
      for (const [v, content] of added) expect(await opened('doc', v.id)).toEqual(content);
    });

    it('reads a lent document when the lender lends it, and adds nothing when lending fails', async () => {
      const doc = new Y.Doc();
      doc.getText('text').insert(0, 'as lent');
      const lent: string[] = [];
      const lend: LendDoc = async (read) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        const result = read(doc);
        lent.push(doc.getText('text').toString());
        // Changed after the read: the version is what `read` saw.
        doc.getText('text').insert(0, 'later ');
        return result;
      };
      const v = await versions.add('doc', { doc: lend, kind: 'auto' });
      expect(lent).toEqual(['as lent']);
      expect(await opened('doc', v.id)).toEqual({ text: 'as lent', map: {} });
      const refused: LendDoc = () => Promise.reject(new Error('room gone'));
      await expect(versions.addIfChanged('doc', { doc: refused, kind: 'auto' })).rejects.toThrow('room gone');
      await expect(versions.add('doc', { doc: refused, kind: 'restore' })).rejects.toThrow('room gone');
      expect((await versions.list('doc')).map((version) => version.id)).toEqual([v.id]);
      expect((await versions.addIfChanged('doc', { doc, kind: 'auto' }))?.kind).toBe('auto');
    });

    it('rejects invalid document ids and bad versions, adding nothing', async () => {
      const doc = new Y.Doc();
      for (const id of ['', 'a/b', '../etc', 'x'.repeat(129)]) {
        const calls = [
          versions.add(id, auto(doc)),
          versions.addIfChanged(id, auto(doc)),
          versions.list(id),
          versions.content(id, '1'),
          versions.rename(id, '1', 'n'),
          versions.thin(id, NOW),
          versions.deleteAll(id),
        ];
        for (const call of calls) await expect(call).rejects.toMatchObject({ code: 'invalid-id' });
      }
      const bad = [
        { doc, kind: 'manual' },
        { doc: Y.encodeStateAsUpdate(doc), kind: 'auto' },
        { doc, kind: 'auto', name: 5 },
        { doc, kind: 'auto', authors: [{ name: 'A' }] },
        { doc, kind: 'auto', createdAt: Number.NaN },
      ] as unknown as NewVersion[];
      for (const version of bad) await expect(versions.add('doc', version)).rejects.toBeInstanceOf(TypeError);
      await expect(versions.rename('doc', '1', 7 as unknown as string)).rejects.toBeInstanceOf(TypeError);
      expect(await versions.list('doc')).toEqual([]);
    });

    it('close waits for cuts in flight, and every call after it rejects', async () => {
      const doc = new Y.Doc();
      typeSomeText(doc, 40);
      const adding = versions.add('doc', auto(doc));
      await store.close();
      const v = await adding;
      const calls = [
        versions.add('doc', auto(doc)),
        versions.list('doc'),
        versions.content('doc', v.id),
        versions.rename('doc', v.id, 'n'),
        versions.thin('doc', NOW),
        versions.deleteAll('doc'),
      ];
      for (const call of calls) {
        const err = await call.then(() => null, (reason: unknown) => reason);
        expect(err).toBeInstanceOf(StoreError);
        expect((err as StoreError).code).toBe('closed');
      }
      await reopen();
      expect(await opened('doc', v.id)).toEqual(contentOf(doc));
    });
  });
}
