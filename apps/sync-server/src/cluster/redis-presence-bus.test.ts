import { type TestService, startRedis } from '@collab/test-services';
import { connectRedis } from '@collab/persistence';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterPresence } from '../collab/presence-bus.js';
import { createLogger } from '../observability.js';
import { type RedisPresenceBus, createRedisPresenceBus } from './redis-presence-bus.js';

/** A room's side of the bus that records what other processes' peers changed. */
function recordingRoom(): ClusterPresence & { received: Uint8Array[]; next(): Promise<Uint8Array> } {
  const waiting: Array<(update: Uint8Array) => void> = [];
  return {
    received: [],
    receiveRemoteAwareness(_processId, update) {
      this.received.push(update);
      waiting.shift()?.(update);
    },
    localAwareness: () => null,
    removeRemoteProcess() {},
    next: () => new Promise((resolve) => waiting.push(resolve)),
  };
}

describe('the Redis presence bus', () => {
  let redis: TestService;
  const buses: RedisPresenceBus[] = [];
  const open = async (processId: string) => {
    const bus = await createRedisPresenceBus({ redisUrl: redis.url, logger: createLogger('silent'), processId });
    buses.push(bus);
    return bus;
  };
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis?.stop());
  afterEach(async () => {
    for (const bus of buses.splice(0)) await bus.close();
  });

  /**
   * Publishes `update` from `from` until `room` has it: the bus drops what it cannot send (presence is
   * renewed by clients every 15 s), so after an outage it is the next renewal that must get through.
   */
  async function deliver(from: RedisPresenceBus, docId: string, room: ReturnType<typeof recordingRoom>, update: Uint8Array) {
    const timer = setInterval(() => from.publish(docId, update), 50);
    let timeout: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<never>((_, reject) => {
      timeout = setTimeout(() => reject(new Error(`presence on ${docId} did not arrive within 10 s`)), 10_000);
    });
    try {
      expect(await Promise.race([room.next(), gaveUp])).toEqual(update);
    } finally {
      clearInterval(timer);
      clearTimeout(timeout);
    }
  }

  it('opens its connections like the store does: named after the process in CLIENT LIST', async () => {
    await open('process one');
    const admin = await connectRedis(redis.url, 'test-admin');
    try {
      const names = String(await admin.client('LIST'))
        .split('\n')
        .map((line) => /name=(\S*)/.exec(line)?.[1]);
      expect(names).toEqual(expect.arrayContaining(['collab-presence-pub:process_one', 'collab-presence-sub:process_one']));
    } finally {
      admin.disconnect();
    }
  });

  it('carries presence between processes, again after Redis restarts, also for a document loaded meanwhile', async () => {
    const [a, b] = [await open('a'), await open('b')];
    const [early, late] = [recordingRoom(), recordingRoom()];
    a.attach('early', recordingRoom());
    a.attach('late', recordingRoom());
    b.attach('early', early);
    await deliver(a, 'early', early, Uint8Array.of(1));

    // A document loaded on b while Redis is down: its subscription is refused at once.
    const watcher = await connectRedis(redis.url, 'test-watcher');
    const down = new Promise((resolve) => watcher.once('close', resolve));
    const restarted = redis.restart();
    await down;
    b.attach('late', late);
    await restarted;
    watcher.disconnect();

    await deliver(a, 'early', early, Uint8Array.of(2));
    await deliver(a, 'late', late, Uint8Array.of(3));
  });
});
