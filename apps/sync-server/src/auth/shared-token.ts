import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether `presented` is the operator's `expected` token (CREATE_TOKEN, METRICS_TOKEN), compared in constant
 * time: digests of both, so that neither the length nor the first differing byte shows in the timing.
 */
export function isSharedToken(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
