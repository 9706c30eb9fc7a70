import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { waitFor } from './wait-for.js';

describe('waitFor', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves once the check holds, sync or async', async () => {
    let checks = 0;
    const waiting = waitFor('the third check', async () => ++checks === 3);
    await vi.advanceTimersByTimeAsync(1_000);
    await waiting;
    expect(checks).toBe(3);
  });

  it('fails with what it waited for and how long', async () => {
    const waiting = waitFor('a thing that never happens', () => false, 500);
    const failed = expect(waiting).rejects.toThrow('timed out after 500 ms waiting for a thing that never happens');
    await vi.advanceTimersByTimeAsync(1_000);
    await failed;
  });

  it('fails at once with the error of a check that throws', async () => {
    await expect(waitFor('anything', () => Promise.reject(new Error('the server exited')))).rejects.toThrow('the server exited');
  });
});
