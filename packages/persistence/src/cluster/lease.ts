import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** Deletes the lease only if it still holds our token: an expired lease may already belong to someone else. */
const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** How long a lease outlives a holder that dies without releasing it. A compaction must finish well within. */
export const LEASE_TTL_MS = 30_000;
const POLL_MS = 20;

export interface Lease {
  /** Gives the lease up; if it fails (Redis away), the lease simply expires. */
  release(): Promise<void>;
}

/**
 * A short exclusive right over one document, shared by every process: `SET key token NX PX ttl`. Compaction
 * and delete take it, so that a compaction never writes back a document that a delete removed meanwhile.
 */
export async function tryLease(redis: Redis, key: string): Promise<Lease | null> {
  const token = randomUUID();
  const taken = await redis.set(key, token, 'PX', LEASE_TTL_MS, 'NX');
  if (taken !== 'OK') return null;
  return {
    async release() {
      await redis.eval(RELEASE_SCRIPT, 1, key, token).catch(() => undefined);
    },
  };
}

/** Waits for the lease: until its holder releases it, or at most until it expires. */
export async function waitForLease(redis: Redis, key: string): Promise<Lease> {
  for (;;) {
    const lease = await tryLease(redis, key);
    if (lease) return lease;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
