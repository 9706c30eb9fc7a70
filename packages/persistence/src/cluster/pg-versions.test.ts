import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { useClusterServices } from '../test/cluster-services.js';
import { contentOf, docFrom, typeSomeText } from '../test/yjs-helpers.js';

const services = useClusterServices();
const NOW = Date.UTC(2025, 2, 1);
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

describe('cluster versions across processes', () => {
  it('two processes cutting the same state at once add it once', async () => {
    await services.reset();
    const [a, b] = await Promise.all([services.open(), services.open()]);
    const atA = new Y.Doc();
    for (let round = 0; round < 10; round++) {
      typeSomeText(atA, 20, round + 1);
      const atB = docFrom(Y.encodeStateAsUpdate(atA));
      const cuts = await Promise.all([
        a.versions.addIfChanged('doc', { doc: atA, kind: 'auto' }),
        b.versions.addIfChanged('doc', { doc: atB, kind: 'auto' }),
      ]);
      expect(cuts.filter((cut) => cut !== null)).toHaveLength(1);
    }
    const listed = await b.versions.list('doc');
    expect(listed).toHaveLength(10);
    expect(contentOf(docFrom(await a.versions.content('doc', listed[0]!.id)))).toEqual(contentOf(atA));
  });

  it('two processes on one interval add one version per interval, even with different states', async () => {
    await services.reset();
    const [a, b] = await Promise.all([services.open(), services.open()]);
    const atA = new Y.Doc();
    const atB = new Y.Doc();
    for (let minute = 0; minute < 30; minute++) {
      typeSomeText(atA, 3, minute + 1);
      typeSomeText(atB, 3, minute + 100);
      const createdAt = NOW + minute * MINUTE;
      await Promise.all([
        a.versions.addIfChanged('doc', { doc: atA, kind: 'auto', createdAt }, { minGapMs: 5 * MINUTE }),
        b.versions.addIfChanged('doc', { doc: atB, kind: 'auto', createdAt }, { minGapMs: 5 * MINUTE }),
      ]);
    }
    const times = (await a.versions.list('doc')).map((v) => v.createdAt).reverse();
    expect(times).toEqual([0, 5, 10, 15, 20, 25].map((m) => NOW + m * MINUTE));
  });

  it('a thinning in one process and cuts in another leave every kept version whole', async () => {
    await services.reset();
    const [a, b] = await Promise.all([services.open(), services.open()]);
    const doc = new Y.Doc();
    const expected = new Map<string, ReturnType<typeof contentOf>>();
    for (let i = 0; i < 60; i++) {
      typeSomeText(doc, 5, i + 1);
      const v = await a.versions.add('doc', { doc, kind: 'auto', createdAt: NOW - (60 - i) * 30 * MINUTE });
      expected.set(v.id, contentOf(doc));
    }
    const cuts = [];
    for (let i = 0; i < 10; i++) {
      typeSomeText(doc, 5, i + 70);
      // A copy per cut: the store reads the doc when the cut's turn comes, after the edits that follow.
      const copy = docFrom(Y.encodeStateAsUpdate(doc));
      cuts.push(b.versions.add('doc', { doc: copy, kind: 'auto', createdAt: NOW + i }).then((v) => [v, contentOf(copy)] as const));
    }
    const [deleted, added] = await Promise.all([a.versions.thin('doc', NOW + DAY), Promise.all(cuts)]);
    for (const [v, content] of added) expected.set(v.id, content);
    expect(deleted.length).toBeGreaterThan(0);
    for (const v of await b.versions.list('doc')) {
      expect(contentOf(docFrom(await a.versions.content('doc', v.id)))).toEqual(expected.get(v.id));
    }
  });
});
