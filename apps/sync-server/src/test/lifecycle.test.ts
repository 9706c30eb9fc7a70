import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { DocStore } from '@collab/persistence';
import { type TestServer, connectClient, openRawSocket, startTestServer, waitFor, waitForSync } from './helpers.js';

/** A store whose loads take `ms` longer, as on a slow disk or a big document. */
const slowLoads = (ms: number) => (store: DocStore) => {
  const load = store.load.bind(store);
  store.load = async (id) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return load(id);
  };
  return store;
};

describe('connection lifecycle', () => {
  let t: TestServer;
  afterEach(() => t.cleanup());

  it('answers a client’s first sync only once the stored document is loaded (no empty flash)', async () => {
    t = await startTestServer({}, { decorateStore: slowLoads(300) });
    const { id, editToken } = await t.createDoc();
    const writer = connectClient(t.collabUrl, id, editToken);
    await waitForSync(writer);
    writer.text.insert(0, 'the whole document');
    const witness = connectClient(t.collabUrl, id, editToken);
    await waitFor('the edit to be stored', () => witness.text.length > 0);
    writer.destroy();
    witness.destroy();
    await waitFor('the room to unload', () => t.server.roomsLoaded() === 0);

    const reader = connectClient(t.collabUrl, id, editToken);
    const textAtFirstSync = await new Promise<string>((resolve) =>
      reader.provider.once('sync', () => resolve(reader.text.toString())),
    );
    expect(textAtFirstSync).toBe('the whole document');
    reader.destroy();
  });

  it('drops a peer that stops answering pings within two heartbeat intervals', async () => {
    t = await startTestServer({}, { heartbeatMs: 100 });
    const { id, editToken } = await t.createDoc();
    // A raw TCP socket that completes the handshake and then goes silent, like a laptop whose lid closed.
    const silent = net.connect(t.server.port, '127.0.0.1');
    silent.on('error', () => {});
    silent.resume(); // read and discard, or Node never reports the close
    silent.write(
      `GET /collab/${id}?token=${editToken} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${Buffer.from('silent-peer-key!').toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    let closed = false;
    silent.once('close', () => (closed = true));
    // A stock client answers pings (ws does so by itself) and must stay.
    const healthy = openRawSocket(`${t.collabUrl}/${id}?token=${editToken}`);
    await healthy.opened;
    await waitFor('the silent peer to be dropped', () => closed, 2_000);
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
