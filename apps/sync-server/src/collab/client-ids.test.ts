import { afterEach, describe, expect, it, vi } from 'vitest';
import { collectGarbage } from '../memory-reclaimer.js';
import { type Claimant, createClientIds } from './client-ids.js';

const GRACE = 30_000;

function setup() {
  let time = 1_000;
  const ids = createClientIds(GRACE, () => time);
  return { ids, advance: (ms: number) => (time += ms) };
}

describe('client ids', () => {
  const ada = { address: '10.0.0.1' };
  const adaAgain = { address: '10.0.0.1' };
  const mallory = { address: '10.6.6.6' };
  const officeMate = { address: '10.0.0.1' };

  it('belong to the connection that used them first, while it lives', () => {
    const { ids } = setup();
    expect(ids.claim('d', 7, ada, false)).toEqual({ granted: true });
    expect(ids.claim('d', 7, ada, false)).toEqual({ granted: true });
    expect(ids.claim('d', 7, mallory, true)).toEqual({ granted: false, why: 'taken' });
    expect(ids.claim('d', 7, officeMate, false)).toEqual({ granted: false, why: 'taken' });
    // Another document's client 7 is another client.
    expect(ids.claim('other', 7, mallory, false)).toEqual({ granted: true });
  });

  it('tell a reconnecting user to come back later while the old connection is still being dropped', () => {
    const { ids } = setup();
    ids.claim('d', 7, ada, false);
    expect(ids.claim('d', 7, adaAgain, true)).toEqual({ granted: false, why: 'busy' });
  });

  it('stay reserved after their connection closed: only the same user, continuing, takes them over', () => {
    const { ids, advance } = setup();
    ids.claim('d', 7, ada, false);
    ids.release(ada);
    advance(GRACE - 1);
    expect(ids.held('d', 7)).toBe(true);
    expect(ids.claim('d', 7, mallory, true)).toEqual({ granted: false, why: 'taken' });
    expect(ids.claim('d', 7, officeMate, false)).toEqual({ granted: false, why: 'taken' });
    expect(ids.claim('d', 7, adaAgain, true)).toEqual({ granted: true });
    // Taken over: the new connection owns it, live.
    expect(ids.claim('d', 7, ada, true)).toEqual({ granted: false, why: 'busy' });
  });

  it('are free again once the grace period has passed', () => {
    const { ids, advance } = setup();
    ids.claim('d', 7, ada, false);
    ids.release(ada);
    advance(GRACE);
    expect(ids.held('d', 7)).toBe(false);
    expect(ids.claim('d', 7, mallory, false)).toEqual({ granted: true });
  });

  it('are not freed by the end of a reservation that was taken over', () => {
    const { ids, advance } = setup();
    ids.claim('d', 7, ada, false);
    ids.release(ada);
    advance(1_000);
    ids.claim('d', 7, adaAgain, true);
    advance(GRACE);
    expect(ids.held('d', 7)).toBe(true);
    expect(ids.claim('d', 7, mallory, false)).toEqual({ granted: false, why: 'taken' });
  });

  it('forget reservations in bulk without keeping them all', () => {
    const { ids, advance } = setup();
    for (let i = 0; i < 5_000; i++) {
      const user = { address: `10.1.${i >> 8}.${i & 255}` };
      ids.claim('d', i, user, false);
      ids.release(user);
    }
    advance(GRACE);
    expect(ids.held('d', 0)).toBe(false);
    expect(ids.held('d', 4_999)).toBe(false);
  });

  describe('once their connections closed', () => {
    afterEach(() => vi.useRealTimers());

    it('keep no connection, only its address', async () => {
      const { ids } = setup();
      let collected = (): void => undefined;
      const finalized = new Promise<void>((resolve) => (collected = resolve));
      // Kept alive by the test: a registry that is itself collected calls nobody.
      const registry = new FinalizationRegistry(() => collected());
      // A connection referenced by nothing but the registry once released.
      (() => {
        const connection: Claimant = { address: '10.0.0.9' };
        registry.register(connection, null);
        ids.claim('d', 7, connection, false);
        ids.release(connection);
      })();
      expect(await collectedWithin(finalized, 10)).toBe(true);
      // Still reserved for its user, known by address.
      expect(ids.claim('d', 7, mallory, true)).toEqual({ granted: false, why: 'taken' });
      expect(ids.claim('d', 7, { address: '10.0.0.9' }, true)).toEqual({ granted: true });
    });

    it('are forgotten when the grace period ends, on an idle server too', () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
      const ids = createClientIds(GRACE);
      for (let i = 0; i < 100; i++) {
        const user = { address: `10.2.0.${i}` };
        ids.claim(`doc ${i % 10}`, i, user, false);
        ids.release(user);
      }
      vi.advanceTimersByTime(GRACE - 1);
      expect(ids.size).toBe(100);
      // Nothing calls the registry from here: its own timer forgets the reservations.
      vi.advanceTimersByTime(1);
      expect(ids.size).toBe(0);
      ids.close();
    });
  });
});

/** Collects garbage until `finalized` settles, at most `times` collections: whether it did. */
async function collectedWithin(finalized: Promise<unknown>, times: number): Promise<boolean> {
  let done = false;
  void finalized.then(() => (done = true));
  for (let i = 0; i < times && !done; i++) {
    await collectGarbage();
    // Finalization callbacks run in a task of their own after the collection.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return done;
}
