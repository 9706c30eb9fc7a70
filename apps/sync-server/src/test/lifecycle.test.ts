import type { DocStore } from '@collab/persistence';
import { afterEach, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { type TestServer, connectClient, openRawSocket, startTestServer, upgradeOverTcp, waitFor, waitForSync } from './helpers.js';

/**
 * A real store whose loads, once `hold` is called, wait until `release`: a slow disk or a big document, with
 * the test deciding when the load ends. `reached` resolves when a load has started to wait.
 */
function heldLoads() {
  let gate: { reached: Promise<void>; reach(): void; released: Promise<void>; release(): void } | null = null;
  const decorate = (store: DocStore) => {
    const load = store.load.bind(store);
    store.load = async (id) => {
      if (gate) {
        gate.reach();
        await gate.released;
      }
      return load(id);
    };
    return store;
  };
  const hold = () => {
    let reach!: () => void;
    let release!: () => void;
    const reached = new Promise<void>((resolve) => (reach = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    gate = { reached, reach, released, release };
    return { reached, release };
  };
  return { decorate, hold };
}

describe('connection lifecycle', () => {
  let t: TestServer;
  afterEach(() => t.cleanup());

  it('answers a client’s first sync only once the stored document is loaded (no empty flash)', async () => {
    const loads = heldLoads();
    t = await startTestServer({}, { decorateStore: loads.decorate });
    const { id, editToken } = await t.createDoc();
    const writer = connectClient(t.collabUrl, id, editToken);
    await waitForSync(writer);
    writer.text.insert(0, 'the whole document');
    const witness = connectClient(t.collabUrl, id, editToken);
    await waitFor('the edit to be stored', () => witness.text.length > 0);
    writer.destroy();
    witness.destroy();
    await waitFor('the room to unload', () => t.server.roomsLoaded() === 0);

    const load = loads.hold();
    const reader = connectClient(t.collabUrl, id, editToken);
    let textAtFirstSync: string | null = null;
    reader.provider.once('sync', () => (textAtFirstSync = reader.text.toString()));
    await load.reached;
    await waitFor('the reader to connect', () => reader.provider.wsconnected);
    // The reader sent its sync step 1 on connecting. The server reads a socket's frames in order and answers
    // a ping as it reads it: once the pong is back, the sync step 1 was read, and an answer to it would be here.
    const socket = reader.provider.ws as unknown as WebSocket;
    try {
      await new Promise((resolve) => socket.once('pong', resolve).ping());
      expect(textAtFirstSync).toBeNull();
    } finally {
      load.release();
    }
    await waitForSync(reader);
    expect(textAtFirstSync).toBe('the whole document');
    reader.destroy();
  });

  it('drops a peer that stops answering pings within two heartbeat intervals', async () => {
    t = await startTestServer({}, { heartbeatMs: 100 });
    const { id, editToken } = await t.createDoc();
    // A stock client answers pings (ws does so by itself) and must stay. Its pings count the heartbeat's rounds.
    const healthy = openRawSocket(`${t.collabUrl}/${id}?token=${editToken}`);
    await healthy.accepted;
    let rounds = 0;
    healthy.socket.on('ping', () => rounds++);
    // A peer that completes the handshake and then goes silent, like a laptop whose lid closed. The server
    // watches it from the upgrade's answer on: rounds counted from then are at most those it had.
    const silent = await upgradeOverTcp(t.server.port, `/collab/${id}?token=${editToken}`);
    const roundsAtJoin = rounds;
    silent.resume(); // read and discard, or Node never reports the close
    let roundsWhenDropped = -1;
    silent.once('close', () => (roundsWhenDropped = rounds));
    await waitFor('the silent peer to be dropped', () => roundsWhenDropped >= 0);
    expect(roundsWhenDropped - roundsAtJoin).toBeLessThanOrEqual(2);
    // The healthy peer answered every ping: it is pinged again rather than dropped.
    await waitFor('another round', () => rounds > roundsWhenDropped);
    expect(healthy.socket.readyState).toBe(healthy.socket.OPEN);
    healthy.socket.close();
  });

  it('unloads a document shortly after its last connection leaves', async () => {
    t = await startTestServer();
    const { id, editToken } = await t.createDoc();
    const client = connectClient(t.collabUrl, id, editToken);
    await waitForSync(client);
    expect(t.server.roomsLoaded()).toBe(1);
    client.destroy();
    await waitFor('the room to unload', () => t.server.roomsLoaded() === 0);
  });
});
