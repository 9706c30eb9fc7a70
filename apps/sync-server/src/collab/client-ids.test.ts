import { describe, expect, it } from 'vitest';
import { createClientIds } from './client-ids.js';

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
});
