import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../observability.js';
import { waitFor } from '../test/helpers.js';
import { recordingPeer } from '../test/recording-peer.js';
import { SharedPresence } from './cluster-presence.js';
import type { PresenceBus } from './presence-bus.js';
import { Presence } from './presence.js';
import { encodeAwareness, encodeAwarenessEntries, parseAwarenessUpdate } from './protocol.js';

const stateOf = (clientId: number, clock: number, state: unknown) => encodeAwarenessEntries([{ clientId, clock, state }]);

describe('presence shared with the other processes of a cluster', () => {
  const cleanup: Array<() => void> = [];
  afterEach(() => {
    for (const done of cleanup.splice(0)) done();
  });

  /** A room's presence with one local peer, on a bus that records what this process publishes. */
  function setup() {
    const published: Uint8Array[] = [];
    const bus: PresenceBus = { attach: () => () => undefined, publish: (_docId, update) => void published.push(update) };
    const local = recordingPeer('local');
    const presence = new Presence((clientIds, from) => {
      local.send(encodeAwareness(presence.updateOf(clientIds)));
      cluster.changed(clientIds, from);
    });
    const cluster = new SharedPresence('doc', presence, bus, createLogger('silent'), 16);
    presence.addPeer(local);
    cleanup.push(() => {
      cluster.destroy();
      presence.destroy();
    });
    return { presence, cluster, published, local };
  }

  it('publishes what this process’s peers change, merged per tick, and never what came from another process', async () => {
    const { presence, cluster, published, local } = setup();
    const receive = (update: Uint8Array) => presence.receive(local, update, parseAwarenessUpdate(update, 16));
    receive(stateOf(1, 1, { caret: 1 }));
    receive(stateOf(3, 1, { caret: 7 }));
    receive(stateOf(1, 2, { caret: 2 }));
    await waitFor('the first batch on the bus', () => published.length === 1);
    expect(parseAwarenessUpdate(published[0]!, 16)).toMatchObject([
      { clientId: 1, clock: 2, state: { caret: 2 } },
      { clientId: 3, clock: 1, state: { caret: 7 } },
    ]);

    cluster.receiveRemoteAwareness('other-process', stateOf(2, 1, { name: 'remote' }));
    expect(local.presence().get(2)).toEqual({ name: 'remote' });
    // The next local change is the event that would carry the remote one along, were it published.
    receive(stateOf(1, 3, { caret: 3 }));
    await waitFor('the next batch on the bus', () => published.length === 2);
    expect(parseAwarenessUpdate(published[1]!, 16).map((entry) => entry.clientId)).toEqual([1]);
  });

  it('answers a query with this process’s own states only', () => {
    const { presence, cluster, local } = setup();
    const mine = stateOf(1, 1, { name: 'local' });
    presence.receive(local, mine, parseAwarenessUpdate(mine, 16));
    cluster.receiveRemoteAwareness('other-process', stateOf(2, 1, { name: 'remote' }));
    const own = cluster.localAwareness();
    expect(own && parseAwarenessUpdate(own, 16).map((e) => e.clientId)).toEqual([1]);
  });

  it('removes the users of a process that is gone, for every local peer', () => {
    const { cluster, local } = setup();
    cluster.receiveRemoteAwareness('gone', stateOf(2, 1, { name: 'on a dead process' }));
    cluster.receiveRemoteAwareness('alive', stateOf(3, 1, { name: 'still here' }));
    cluster.removeRemoteProcess('gone');
    expect([...local.presence().keys()]).toEqual([3]);
    cluster.removeRemoteProcess('never seen');
  });

  it('ignores unreadable presence from another process', () => {
    const { cluster, local } = setup();
    cluster.receiveRemoteAwareness('broken', Uint8Array.of(1, 2, 3));
    expect(local.frames).toEqual([]);
  });
});
