import { TokenBucket } from '../collab/token-bucket.js';

/** Per-key request budgets (e.g. per client address), forgetting keys idle long enough to be full again. */
export interface RateLimiter {
  allow(key: string): boolean;
}

export function createRateLimiter(perMinute: number): RateLimiter {
  const buckets = new Map<string, { bucket: TokenBucket; lastSeen: number }>();
  const idleMs = 60_000; // a bucket left alone this long has refilled completely: forgetting it is exact
  let nextSweep = Date.now() + idleMs;
  return {
    allow(key) {
      const now = Date.now();
      if (now >= nextSweep) {
        for (const [k, entry] of buckets) if (now - entry.lastSeen > idleMs) buckets.delete(k);
        nextSweep = now + idleMs;
      }
      let entry = buckets.get(key);
      if (!entry) buckets.set(key, (entry = { bucket: new TokenBucket(perMinute / 60, perMinute), lastSeen: now }));
      entry.lastSeen = now;
      return entry.bucket.take();
    },
  };
}
