import { startRedis, type TestService } from '@collab/test-services';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tryLease } from './lease.js';
import { connectRedis } from './redis-connection.js';

let redis: TestService;
let client: Redis;

beforeAll(async () => {
  redis = await startRedis();
  client = await connectRedis(redis.url, 'test');
});
afterAll(async () => {
  client?.disconnect();
  await redis?.stop();
});

it('is held by one at a time, and its release never frees a lease that someone else took since', async () => {
  const first = await tryLease(client, 'lease');
  expect(first).not.toBeNull();
  expect(await tryLease(client, 'lease')).toBeNull();
  await first!.release();

  const second = (await tryLease(client, 'lease'))!;
  expect(await client.pttl('lease')).toBeGreaterThan(0);
  // As if `second` had expired and a third holder had taken the lease.
  await client.set('lease', 'third holder');
  await second.release();
  expect(await client.get('lease')).toBe('third holder');
});
