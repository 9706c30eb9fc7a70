import { waitFor } from '@collab/test-services';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { runDocStoreSuite } from '../doc-store.suite.js';
import type { ClusterStore } from '../index.js';
import { useClusterServices } from '../test/cluster-services.js';
import { contentOf, docFrom, recordingDoc, typeSomeText } from '../test/yjs-helpers.js';
import { runVersionStoreSuite } from '../versions/version-store.suite.js';
import { tryLease } from './lease.js';
import { leaseKey, logKey } from './redis-keys.js';

const services = useClusterServices();

runDocStoreSuite('cluster store', () => services.harness());
runVersionStoreSuite('cluster store', () => services.harness());

/** A document as another process's room holds it: the state at open, then every remote delivery applied. */
async function follow(store: ClusterStore, docId: string) {
  const doc = new Y.Doc();
  const deliveries: Uint8Array[][] = [];
  const opened = await store.open(docId, (updates) => {
    deliveries.push(updates);
    for (const update of updates) Y.applyUpdate(doc, update);
  });
  if (opened.state) Y.applyUpdate(doc, opened.state);
  return { doc, deliveries, close: opened.close, received: () => deliveries.flat() };
}

async function appendEach(store: ClusterStore, docId: string, updates: readonly Uint8Array[]): Promise<void> {
  for (const update of updates) await store.append(docId, [update]);
}

describe('cluster store across processes', () => {
  it('delivers what one process appends to the others in order, and not to the appender', async () => {
    await services.reset();
    const [a, b] = await Promise.all([services.open(), services.open()]);
    const atA = await follow(a, 'doc');
    const atB = await follow(b, 'doc');
    const { doc, updates } = recordingDoc();
    typeSomeText(doc, 100);

    await appendEach(a, 'doc', updates.slice(0, 50));
    // Concurrent appends of one process keep their call order in the stream.
    await Promise.all(updates.slice(50).map((update) => a.append('doc', [update])));
    await waitFor('every update at B', () => atB.received().length === updates.length);
    expect(atB.received()).toEqual(updates);
    expect(contentOf(atB.doc)).toEqual(contentOf(doc));

    typeSomeText(atB.doc, 10, 5);
    const fromB = Y.encodeStateAsUpdate(atB.doc, Y.encodeStateVector(doc));
    await b.append('doc', [fromB]);
    await waitFor("B's update at A", () => atA.deliveries.length === 1);
    expect(atA.received()).toEqual([fromB]);
    expect(atB.received()).toHaveLength(updates.length);
  });

  it('gives a document opened later its whole state, then what follows, missing nothing in between', async () => {
    await services.reset();
    const [a, b] = await Promise.all([services.open(), services.open()]);
    const { doc, updates } = recordingDoc();
    typeSomeText(doc, 200);
    await appendEach(a, 'doc', updates.slice(0, 100));
    await a.compact('doc');

    // B opens while A keeps appending: each update is in B's state or delivered after it.
    const appending = appendEach(a, 'doc', updates.slice(100));
    const atB = await follow(b, 'doc');
    await appending;
    await waitFor('B to converge', () => contentOf(atB.doc).text === contentOf(doc).text);
    expect(contentOf(atB.doc)).toEqual(contentOf(doc));
  });

  it('reads every open document on one connection, and a newly opened one joins without waiting', async () => {
    await services.reset();
    const a = await services.open();
    const b = await services.open({ processId: 'process-b' });
    await follow(b, 'first');
    await waitFor("B's reader to wait in XREAD on `first` alone", async () => {
      const reader = await readerOf('process-b');
      return reader.cmd === 'xread' && reader.flags.includes('b');
    });
    // `second` must interrupt that read rather than wait for it to time out.
    const unblocksBefore = await unblockCalls();
    const second = await follow(b, 'second');
    await a.append('second', [Y.encodeStateAsUpdate(recordingDocWith('hello'))]);
    await waitFor('the update of a newly opened document', () => second.deliveries.length === 1);
    expect(await unblockCalls()).toBeGreaterThan(unblocksBefore);

    const ids = Array.from({ length: 40 }, (_, i) => `many-${i}`);
    const followers = await Promise.all(ids.map((id) => follow(b, id)));
    const sources = ids.map((_, i) => {
      const source = recordingDoc();
      typeSomeText(source.doc, 20, i + 1);
      return source;
    });
    await Promise.all(ids.map((id, i) => appendEach(a, id, sources[i]!.updates)));
    await waitFor('every document at B', () =>
      followers.every((follower, i) => contentOf(follower.doc).text === contentOf(sources[i]!.doc).text),
    );
    const clients = (await services.raw.client('LIST')) as string;
    expect(clients.match(/name=collab-reader:process-b\b/g)).toHaveLength(1);
  });

  it('stops delivering a document once it is closed', async () => {
    await services.reset();
    const [a, b] = await Promise.all([services.open(), services.open()]);
    const atB = await follow(b, 'doc');
    const stillOpen = await follow(b, 'other');
    const { doc, updates } = recordingDoc();
    typeSomeText(doc, 20);
    await appendEach(a, 'doc', updates.slice(0, 10));
    await waitFor('the first updates', () => atB.received().length === 10);
    atB.close();
    atB.close();
    await appendEach(a, 'doc', updates.slice(10));
    // B's one reader reads every open document's stream in order of arrival: once what was appended to
    // `other` after them arrives, the updates to `doc` would have too.
    await a.append('other', [Y.encodeStateAsUpdate(recordingDocWith('later'))]);
    await waitFor('the later update of another document', () => stillOpen.deliveries.length === 1);
    expect(atB.received()).toHaveLength(10);
  });

  it('never loses an update while two processes append and compact, and keeps the stream short', async () => {
    await services.reset();
    const errors: unknown[] = [];
    const options = { compactThreshold: 20, onError: (err: unknown) => errors.push(err) };
    const [a, b, watcher] = await Promise.all([services.open(options), services.open(options), services.open()]);
    const atWatcher = await follow(watcher, 'doc');
    const alice = recordingDoc();
    const bob = recordingDoc();
    typeSomeText(alice.doc, 300, 3);
    typeSomeText(bob.doc, 300, 4);

    let longest = 0;
    const appendAndMeasure = async (store: ClusterStore, updates: Uint8Array[]) => {
      for (const update of updates) {
        await store.append('doc', [update]);
        longest = Math.max(longest, await services.raw.xlen(logKey('doc')));
      }
    };
    const compactRepeatedly = async (store: ClusterStore) => {
      for (let i = 0; i < 10; i++) await store.compact('doc');
    };
    await Promise.all([
      appendAndMeasure(a, alice.updates),
      appendAndMeasure(b, bob.updates),
      compactRepeatedly(a),
      compactRepeatedly(b),
    ]);
    Y.applyUpdate(alice.doc, Y.encodeStateAsUpdate(bob.doc));

    expect(errors).toEqual([]);
    expect(longest).toBeLessThan(100); // of 600 appended; the threshold is 20
    // A background compaction of B may still hold the lease, and then A's compaction leaves the document to it.
    await waitFor('a compaction of everything', async () => {
      await a.compact('doc');
      return (await services.raw.xlen(logKey('doc'))) === 1; // the trim marker
    });
    expect(await b.meta('doc')).toMatchObject({ updates: 1 });
    const fresh = await services.open();
    expect(contentOf(docFrom(await fresh.load('doc')))).toEqual(contentOf(alice.doc));
    await waitFor('the watcher to converge', () => contentOf(atWatcher.doc).text === contentOf(alice.doc).text);
    expect(contentOf(atWatcher.doc)).toEqual(contentOf(alice.doc));
  });

  it('compacts only under the lease; two processes compacting at once leave one intact snapshot', async () => {
    await services.reset();
    const [a, b] = await Promise.all([services.open(), services.open()]);
    const { doc, updates } = recordingDoc();
    typeSomeText(doc, 100);
    await appendEach(a, 'doc', updates.splice(0, 60));

    const held = (await tryLease(services.raw, leaseKey('doc')))!;
    await a.compact('doc');
    expect(await a.meta('doc')).toMatchObject({ updates: 60 });
    expect(await services.raw.xlen(logKey('doc'))).toBe(60);
    await held.release();

    for (const update of updates) {
      await Promise.all([a.compact('doc'), b.compact('doc'), b.append('doc', [update])]);
    }
    await Promise.all([a.compact('doc'), b.compact('doc')]);
    expect(await a.meta('doc')).toMatchObject({ updates: 1 });
    expect(await services.raw.xlen(logKey('doc'))).toBe(1);
    expect(contentOf(docFrom(await b.load('doc')))).toEqual(contentOf(doc));
  });

  it('applies access changes from several processes one after the other', async () => {
    await services.reset();
    const stores = await Promise.all([services.open(), services.open(), services.open()]);
    const bumpEdit = (store: ClusterStore) =>
      store.updateAccess('doc', (current) => ({
        ...current,
        generations: { ...current.generations, edit: current.generations.edit + 1 },
      }));
    await Promise.all(stores.flatMap((store) => Array.from({ length: 10 }, () => bumpEdit(store))));
    for (const store of stores) expect(await store.access('doc')).toMatchObject({ version: 30, generations: { edit: 30 } });
  });

  it('a fresh process, after every other closed, loads every document exactly', async () => {
    await services.reset();
    const [a, b] = await Promise.all([services.open(), services.open()]);
    const ids = Array.from({ length: 12 }, (_, i) => `doc-${String(i).padStart(2, '0')}`);
    const docs = ids.map((id, i) => {
      const source = recordingDoc();
      typeSomeText(source.doc, 30 + i, i + 1);
      return source;
    });
    await Promise.all(
      ids.map(async (id, i) => {
        const { updates } = docs[i]!;
        await appendEach(i % 2 ? a : b, id, updates.slice(0, 15));
        if (i % 3 === 0) await a.compact(id);
        await appendEach(i % 2 ? b : a, id, updates.slice(15));
      }),
    );
    await b.create('empty');
    const metas = await a.list();
    await Promise.all([a.close(), b.close()]);

    const fresh = await services.open();
    for (const [i, id] of ids.entries()) {
      expect(contentOf(docFrom(await fresh.load(id)))).toEqual(contentOf(docs[i]!.doc));
    }
    expect(await fresh.list()).toEqual(metas);
    expect(metas.map((meta) => meta.id)).toEqual([...ids, 'empty']);
    expect(await fresh.load('empty')).toBeNull();
  });
});

/** The CLIENT LIST entry of a store's reader connection: its flags (`b`: blocked) and current command. */
async function readerOf(processId: string): Promise<{ flags: string; cmd: string }> {
  const list = (await services.raw.client('LIST')) as string;
  const line = list.split('\n').find((l) => l.includes(` name=collab-reader:${processId} `)) ?? '';
  const field = (name: string) => new RegExp(`(?:^| )${name}=(\\S*)`).exec(line)?.[1] ?? '';
  return { flags: field('flags'), cmd: field('cmd') };
}

/** How many CLIENT UNBLOCK commands Redis has served: the stores' readers are interrupted with them. */
async function unblockCalls(): Promise<number> {
  const stats = await services.raw.info('commandstats');
  return Number(/^cmdstat_client\|unblock:calls=(\d+)/m.exec(stats)?.[1] ?? 0);
}

function recordingDocWith(text: string): Y.Doc {
  const doc = new Y.Doc();
  doc.getText('text').insert(0, text);
  return doc;
}
