/** The two stores a server can run on, for the tests that must pass on both, and the calls those tests make. */
import { type TestService, startPostgres, startRedis } from '@collab/test-services';
import { afterAll, beforeAll } from 'vitest';
import type { StartOptions } from '../start.js';
import { type TestClient, type TestServer, useTestServers } from './helpers.js';

export const BACKENDS = ['LevelDB', 'Redis + PostgreSQL'] as const;
export type BackendName = (typeof BACKENDS)[number];

/**
 * Starts Redis and PostgreSQL for a cluster backend before the enclosing describe's tests (nothing for
 * LevelDB). `start` runs a server in this process, which is closed and removed after the test that started
 * it; several on the cluster backend share its documents, like the processes of a cluster.
 */
export function useBackend(name: BackendName): { start(options?: StartOptions): Promise<TestServer> } {
  const services = name === 'LevelDB' ? undefined : useClusterServices();
  const servers = useTestServers();
  return { start: (options) => servers.start(services ? clusterEnv(services) : {}, options) };
}

export interface ClusterServices {
  redis: TestService;
  postgres: TestService;
}

/** Starts Redis (AOF) and PostgreSQL before the enclosing describe's tests (filling in the answer) and stops them after. */
export function useClusterServices(): ClusterServices {
  const services = {} as ClusterServices;
  beforeAll(async () => {
    [services.redis, services.postgres] = await Promise.all([startRedis({ appendOnly: true }), startPostgres()]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([services.redis?.stop(), services.postgres?.stop()]);
  });
  return services;
}

/** The environment that points a server at the cluster's Redis and PostgreSQL. */
export const clusterEnv = ({ redis, postgres }: ClusterServices): Record<string, string> => ({
  REDIS_URL: redis.url,
  DATABASE_URL: postgres.url,
});

/** A clock the test moves forward, for expiries and the 30 days of the trash. */
export function testClock(): { now: () => number; advance(ms: number): void } {
  let offset = 0;
  return { now: () => Date.now() + offset, advance: (ms) => void (offset += ms) };
}

/** A request to the API with the token as `Authorization: Bearer`. */
export function api(server: TestServer, method: string, path: string, token: string, body?: unknown): Promise<Response> {
  return fetch(`${server.server.url}/api/docs/${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
}

/**
 * How the server ends a stock client's connection for good (a 44xx close, which the client does not retry).
 * Listen before doing what should cause it.
 */
export function finalClose(client: TestClient): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => client.provider.once('closed', resolve));
}

/** Resolves with `promise`'s value, or fails with `what` if that takes longer than `ms`. */
export function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
