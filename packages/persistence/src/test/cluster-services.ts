import { startPostgres, startRedis, type TestService } from '@collab/test-services';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { StoreHarness } from '../doc-store.suite.js';
import { openClusterStore, type ClusterStore, type ClusterStoreOptions } from '../index.js';

/** Real Redis (with a fsynced append-only file, as the cluster requires) and PostgreSQL for one test file. */
export interface ClusterServices {
  redis: TestService;
  postgres: TestService;
  /** A plain connection, to look at and change what the store wrote. */
  raw: Redis;
  /** Opens a store ("a process") on both services; every store opened here is closed after its test. */
  open(options?: Partial<ClusterStoreOptions>): Promise<ClusterStore>;
  /** Empties Redis and drops the tables, so that the next store starts from nothing. */
  reset(): Promise<void>;
  /** Resets, then opens a store for a behaviour suite. */
  harness(): Promise<StoreHarness>;
}

/** Starts the services before the file's tests and stops them after; read the result inside tests only. */
export function useClusterServices(): ClusterServices {
  const services = {} as ClusterServices;
  const stores: ClusterStore[] = [];
  beforeAll(async () => {
    const [redis, postgres] = await Promise.all([startRedis({ appendOnly: true }), startPostgres()]);
    const raw = new Redis(redis.url, { lazyConnect: true });
    raw.on('error', () => undefined);
    await raw.connect();
    Object.assign(services, {
      redis,
      postgres,
      raw,
      async open(options: Partial<ClusterStoreOptions> = {}) {
        const store = await openClusterStore({ redisUrl: redis.url, databaseUrl: postgres.url, ...options });
        stores.push(store);
        return store;
      },
      async reset() {
        await raw.flushall();
        const client = new pg.Client({ connectionString: postgres.url });
        await client.connect();
        await client.query('DROP TABLE IF EXISTS collab_documents, collab_versions, collab_access').finally(() => client.end());
      },
      async harness() {
        await services.reset();
        let store = await services.open();
        return {
          store,
          async reopen() {
            await store.close();
            store = await services.open();
            return store;
          },
          cleanup: () => store.close(),
        };
      },
    } satisfies ClusterServices);
  });
  afterEach(async () => {
    await Promise.allSettled(stores.splice(0).map((store) => store.close()));
  });
  afterAll(async () => {
    services.raw?.disconnect();
    await Promise.allSettled([services.redis?.stop(), services.postgres?.stop()]);
  });
  return services;
}
