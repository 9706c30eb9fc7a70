import { afterEach, describe, expect, it, vi } from 'vitest';
import { recordingPeer, readServerFrame } from '../test/recording-peer.js';
import type { Peer } from './peer.js';
import { Presence } from './presence.js';
import { type AwarenessEntry, CloseCode, encodeAwarenessEntries, parseAwarenessUpdate } from './protocol.js';

/** An awareness update of one client's state, as a client sends it, with its parsed entries. */
function awarenessOf(clientId: number, clock: number, state: unknown): [Uint8Array, AwarenessEntry[]] {
  const update = encodeAwarenessEntries([{ clientId, clock, state }]);
  return [update, parseAwarenessUpdate(update, 16)];
}

/** A presence whose changes are recorded: who made each change and which client ids it touched. */
function recordedPresence() {
  const changes: Array<{ from: Peer | null; clients: readonly number[] }> = [];
  const presence = new Presence((clients, from) => changes.push({ from, clients }));
  return { presence, changes };
}

const statesIn = (frame: Uint8Array | null) => {
  if (!frame) return new Map();
  const read = readServerFrame(frame);
  if (read.kind !== 'awareness') throw new Error(`expected an awareness frame, got ${read.kind}`);
  return new Map(parseAwarenessUpdate(read.update, 16).map((entry) => [entry.clientId, entry.state]));
};

describe('presence', () => {
  const presences: Presence[] = [];
  const make = () => {
    const recorded = recordedPresence();
    presences.push(recorded.presence);
    return recorded;
  };
  afterEach(() => {
    for (const presence of presences.splice(0)) presence.destroy();
  });

  it('broadcasts a peer’s state to everyone, the sender included, and hands it to newcomers', () => {
    const { presence, changes } = make();
    const ada = recordingPeer('ada');
    presence.addPeer(ada);
    presence.receive(ada, ...awarenessOf(1, 1, { name: 'Ada' }));
    expect(changes).toEqual([{ from: ada, clients: [1] }]);
    expect(statesIn(presence.currentFrame())).toEqual(new Map([[1, { name: 'Ada' }]]));
  });

  it('ignores a peer’s changes to client ids another peer introduced, and keeps the rest of its update', () => {
    const { presence, changes } = make();
    const [ada, eve] = [recordingPeer('ada'), recordingPeer('eve')];
    presence.addPeer(ada);
    presence.addPeer(eve);
    presence.receive(ada, ...awarenessOf(1, 1, { name: 'Ada' }));
    presence.receive(eve, ...awarenessOf(1, 5, { name: 'not Ada' }));
    presence.receive(eve, ...awarenessOf(1, 6, null));
    const both = encodeAwarenessEntries([
      { clientId: 1, clock: 7, state: { name: 'not Ada' } },
      { clientId: 2, clock: 1, state: { name: 'Eve' } },
    ]);
    presence.receive(eve, both, parseAwarenessUpdate(both, 16));
    expect(statesIn(presence.currentFrame())).toEqual(
      new Map<number, unknown>([
        [1, { name: 'Ada' }],
        [2, { name: 'Eve' }],
      ]),
    );
    expect(changes.map((c) => [c.from, c.clients])).toEqual([
      [ada, [1]],
      [eve, [2]],
    ]);
  });

  it('removes a leaving peer’s states for everyone, and its client ids are free again', () => {
    const { presence, changes } = make();
    const [ada, eve] = [recordingPeer('ada'), recordingPeer('eve')];
    presence.addPeer(ada);
    presence.addPeer(eve);
    presence.receive(ada, ...awarenessOf(1, 1, { name: 'Ada' }));
    presence.removePeer(ada);
    expect(changes.at(-1)?.clients).toEqual([1]);
    // Its removal: the last clock with no state, which the stock client takes as "gone".
    expect(parseAwarenessUpdate(presence.updateOf([1]), 16)).toMatchObject([{ clientId: 1, clock: 1, state: null }]);
    expect(presence.currentFrame()).toBeNull();
    presence.receive(eve, ...awarenessOf(1, 2, { name: 'Ada, reconnected through eve' }));
    expect(statesIn(presence.currentFrame()).get(1)).toEqual({ name: 'Ada, reconnected through eve' });
  });

  it('encodes the latest state of each client asked for, once each', () => {
    const { presence } = make();
    const ada = recordingPeer('ada');
    presence.addPeer(ada);
    presence.receive(ada, ...awarenessOf(1, 1, { caret: 1 }));
    presence.receive(ada, ...awarenessOf(2, 1, { caret: 5 }));
    presence.receive(ada, ...awarenessOf(1, 2, { caret: 2 }));
    expect(parseAwarenessUpdate(presence.updateOf([1, 2]), 16)).toMatchObject([
      { clientId: 1, clock: 2, state: { caret: 2 } },
      { clientId: 2, clock: 1, state: { caret: 5 } },
    ]);
  });

  it('gives the states of the peers chosen', () => {
    const { presence } = make();
    const [ada, eve] = [recordingPeer('ada'), recordingPeer('eve')];
    presence.addPeer(ada);
    presence.addPeer(eve);
    presence.receive(ada, ...awarenessOf(1, 1, { name: 'Ada' }));
    presence.receive(eve, ...awarenessOf(2, 1, { name: 'Eve' }));
    const adaOnly = presence.statesOf((peer) => peer === ada);
    expect(adaOnly && parseAwarenessUpdate(adaOnly, 16).map((e) => e.state)).toEqual([{ name: 'Ada' }]);
    expect(presence.statesOf(() => false)).toBeNull();
  });

  describe('budgets', () => {
    const budget = { maxPresenceClients: 2, maxDocPresenceBytes: 100 };
    const name = (length: number) => ({ n: 'x'.repeat(length - 8) }); // {"n":"…"} is 8 bytes more

    it('refuse a peer more client ids than MAX_PRESENCE_CLIENTS, counting those it has (4413)', () => {
      const { presence } = make();
      const eve = recordingPeer('eve');
      presence.addPeer(eve);
      const two = encodeAwarenessEntries([
        { clientId: 1, clock: 1, state: {} },
        { clientId: 2, clock: 1, state: {} },
      ]);
      expect(presence.check(eve, parseAwarenessUpdate(two, 16), budget)).toBeNull();
      presence.receive(eve, two, parseAwarenessUpdate(two, 16));
      // Renewing or removing its own is always fine; a third is not.
      expect(presence.check(eve, awarenessOf(2, 2, { renewed: true })[1], budget)).toBeNull();
      expect(presence.check(eve, awarenessOf(3, 1, null)[1], budget)).toBeNull();
      expect(presence.check(eve, awarenessOf(3, 1, {})[1], budget)).toMatchObject({ code: CloseCode.TooLarge, metric: 'presence-clients' });
    });

    it('refuse a state that would take the document’s presence past MAX_DOC_PRESENCE_BYTES, and count freed bytes', () => {
      const { presence } = make();
      const [ada, eve] = [recordingPeer('ada'), recordingPeer('eve')];
      presence.addPeer(ada);
      presence.addPeer(eve);
      presence.receive(ada, ...awarenessOf(1, 1, name(60)));
      expect(presence.check(eve, awarenessOf(2, 1, name(40))[1], budget)).toBeNull();
      expect(presence.check(eve, awarenessOf(2, 1, name(41))[1], budget)).toMatchObject({ code: CloseCode.TooLarge, metric: 'presence-bytes' });
      // Ada's own state may be replaced by a smaller one, or a larger one within the budget.
      expect(presence.check(ada, awarenessOf(1, 2, name(100))[1], budget)).toBeNull();
      presence.removePeer(ada);
      expect(presence.check(eve, awarenessOf(2, 1, name(100))[1], budget)).toBeNull();
    });

    it('forget the clocks of a departed peer’s client ids', async () => {
      const { presence } = make();
      for (let i = 0; i < 100; i++) {
        const visitor = recordingPeer(`visitor ${i}`);
        presence.addPeer(visitor);
        presence.receive(visitor, ...awarenessOf(1_000 + i, 1, {}));
        presence.removePeer(visitor);
      }
      expect(presence.currentFrame()).toBeNull();
      // What awareness still knows of any client besides the server itself: its clocks are not visible otherwise.
      const { awareness } = presence as unknown as { awareness: { clientID: number; meta: Map<number, unknown> } };
      await vi.waitFor(() => expect([...awareness.meta.keys()]).toEqual([awareness.clientID]), { timeout: 5_000 });
    });
  });
});
