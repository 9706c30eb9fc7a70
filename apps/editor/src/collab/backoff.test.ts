import { describe, expect, it } from 'vitest';
import { MAX_BACKOFF_CEILING_MS, MIN_BACKOFF_CEILING_MS, randomBackoffCeiling } from './backoff';

describe('randomBackoffCeiling', () => {
  it('spreads clients across the window', () => {
    expect(randomBackoffCeiling(() => 0)).toBe(MIN_BACKOFF_CEILING_MS);
    expect(randomBackoffCeiling(() => 0.999999)).toBe(MAX_BACKOFF_CEILING_MS);
    expect(randomBackoffCeiling(() => 0.5)).toBe((MIN_BACKOFF_CEILING_MS + MAX_BACKOFF_CEILING_MS) / 2);
  });
});
