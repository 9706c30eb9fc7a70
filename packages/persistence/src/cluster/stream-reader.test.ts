import { startRedis, type TestService, waitFor } from '@collab/test-services';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectRedis } from './redis-connection.js';
import { logKey } from './redis-keys.js';
import { appendFields, trimMarkerFields } from './stream-codec.js';
import { idAfter } from './stream-id.js';
import { StreamReader } from './stream-reader.js';

let redis: TestService;
let writer: Redis;
let control: Redis;
let connection: Redis;

beforeAll(async () => {
  redis = await startRedis();
  [writer, control, connection] = await Promise.all([
    connectRedis(redis.url, 'writer'),
    connectRedis(redis.url, 'control'),
    connectRedis(redis.url, 'reader'),
  ]);
});
afterAll(async () => {
  for (const client of [writer, control, connection]) client?.disconnect();
  await redis?.stop();
});

const append = async (processId: string, ...bytes: number[]) =>
  (await writer.xadd(logKey('doc'), '*', ...appendFields([new Uint8Array(bytes)], processId)))!;

it('skips its own entries, and reloads a document whose unread entries compaction trimmed, until it succeeds', async () => {
  const first = await append('other', 1);
  const second = await append('other', 2);
  await append('me', 3);
  await append('other', 4);
  // What compaction does after folding everything up to `second` into PostgreSQL.
  await writer.xtrim(logKey('doc'), 'MINID', idAfter(second));
  const marker = (await writer.xadd(logKey('doc'), '*', ...trimMarkerFields(second)))!;

  const reloads: string[] = [];
  const errors: unknown[] = [];
  const reader = new StreamReader({
    connection,
    control,
    processId: 'me',
    reload: async (docId) => {
      reloads.push(docId);
      if (reloads.length === 1) throw new Error('PostgreSQL is away');
      return { state: new Uint8Array([9, 9]), lastId: marker };
    },
    onError: (err) => errors.push(err),
  });
  try {
    // Had read up to `first`: entry 2 is gone, so it gets the reloaded state instead.
    const behind: number[][] = [];
    reader.subscribe('doc', first, (updates) => behind.push(...updates.map((update) => [...update])));
    // Had read everything compaction trimmed: nothing was missed, no reload.
    const caughtUp: number[][] = [];
    reader.subscribe('doc', second, (updates) => caughtUp.push(...updates.map((update) => [...update])));

    await waitFor('both subscribers', () => behind.length === 1 && caughtUp.length === 1);
    expect(behind).toEqual([[9, 9]]);
    expect(caughtUp).toEqual([[4]]);
    expect(reloads).toEqual(['doc', 'doc']);

    await append('other', 5);
    await waitFor('the next entry', () => behind.length === 2 && caughtUp.length === 2);
    expect(behind).toEqual([[9, 9], [5]]);
    expect(caughtUp).toEqual([[4], [5]]);
    expect(errors).toEqual([new Error('PostgreSQL is away')]);
  } finally {
    await reader.stop();
  }
});
