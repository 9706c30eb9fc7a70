import { freePort, waitFor } from '@collab/test-services';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openClusterStore, StoreError } from '../index.js';
import { useClusterServices } from '../test/cluster-services.js';
import { contentOf, docFrom, recordingDoc, typeSomeText } from '../test/yjs-helpers.js';

const services = useClusterServices();

async function failure(call: Promise<unknown>): Promise<StoreError> {
  const err: unknown = await call.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(err).toBeInstanceOf(StoreError);
  return err as StoreError;
}

describe('cluster store outages', () => {
  it('fails appends while Redis restarts, then delivers everything appended after, losing nothing', async () => {
    await services.reset();
    const [a, b] = await Promise.all([services.open(), services.open()]);
    const atB = new Y.Doc();
    const opened = await b.open('doc', (updates) => updates.forEach((update) => Y.applyUpdate(atB, update)));
    expect(opened.state).toBeNull();
    const { doc, updates } = recordingDoc();
    typeSomeText(doc, 60);
    for (const update of updates.slice(0, 20)) await a.append('doc', [update]);
    expect(a.status()).toEqual({ redis: true, postgres: true, lagSeconds: 0 });

    const restarting = services.redis.restart();
    await waitFor('A to see Redis gone', () => !a.status().redis);
    const err = await failure(a.append('doc', [updates[20]!]));
    expect(err.code).toBe('io');
    expect((await failure(a.load('doc'))).code).toBe('io');
    await restarting;
    await waitFor('both stores to reconnect', () => a.status().redis && b.status().redis);

    // The client resends the update that failed, then goes on.
    for (const update of updates.slice(20)) await a.append('doc', [update]);
    await waitFor('B to converge', () => contentOf(atB).text === contentOf(doc).text);
    expect(contentOf(atB)).toEqual(contentOf(doc));
    expect(contentOf(docFrom(await b.load('doc')))).toEqual(contentOf(doc));
    expect(b.status().lagSeconds).toBe(0);
  });

  it('reports PostgreSQL gone and back in status, and refuses appends meanwhile', async () => {
    await services.reset();
    const store = await services.open();
    const { doc, updates } = recordingDoc();
    typeSomeText(doc, 10);
    await store.append('doc', updates.slice(0, 5));
    await store.compact('doc');

    const restarting = services.postgres.restart();
    await waitFor('PostgreSQL to be seen gone', () => !store.status().postgres);
    const refused = await failure(store.append('doc', updates.slice(5)));
    expect(refused).toMatchObject({ code: 'io', message: expect.stringMatching(/PostgreSQL/) });
    await restarting;
    await waitFor('PostgreSQL to be seen back', () => store.status().postgres);
    await store.append('doc', updates.slice(5));
    expect(contentOf(docFrom(await store.load('doc')))).toEqual(contentOf(doc));
  });

  it('refuses to open when Redis or PostgreSQL cannot be reached', async () => {
    // Ports nobody listens on: connections are refused, as by a server that is down.
    const [redisPort, postgresPort] = await Promise.all([freePort(), freePort()]);
    const noRedis = await failure(openClusterStore({ redisUrl: `redis://127.0.0.1:${redisPort}`, databaseUrl: services.postgres.url }));
    expect(noRedis).toMatchObject({ code: 'io', message: expect.stringMatching(/Redis/) });
    const databaseUrl = `postgres://postgres@127.0.0.1:${postgresPort}/collab_test`;
    const noPostgres = await failure(openClusterStore({ redisUrl: services.redis.url, databaseUrl }));
    expect(noPostgres).toMatchObject({ code: 'io', message: expect.stringMatching(/PostgreSQL/) });
  });

  it('creates its table once when many processes start at the same moment', async () => {
    await services.reset();
    const stores = await Promise.all(Array.from({ length: 6 }, () => services.open()));
    await stores[0]!.create('doc');
    for (const store of stores) expect(await store.meta('doc')).toMatchObject({ id: 'doc', updates: 0 });
  });
});
