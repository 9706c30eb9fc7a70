import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openRawSocket, readMetric, useClients, useTestServers } from './helpers.js';

const MIB = 1024 * 1024;

/**
 * Messages over MAX_MESSAGE_BYTES (16 MiB by default) close with 4413 however large they are, so that the
 * stock client, which retries on anything but 44xx, gives up instead of sending the same state for ever.
 */
describe('an oversized message', () => {
  const { start } = useTestServers();
  const { connected } = useClients();

  it.each([20, 64])('of %i MiB closes the stock client with 4413, and it does not reconnect', async (mib) => {
    const t = await start();
    const { id, editToken } = await t.createDoc();
    const client = await connected(t, id, editToken);
    const closed = new Promise<number>((resolve) => client.provider.once('connection-close', (event) => resolve(event?.code ?? 0)));
    // The stock client's own verdict: it emits `closed` only when it has decided not to reconnect.
    const gaveUp = new Promise<{ code: number }>((resolve) => client.provider.once('closed', (event) => resolve(event)));
    client.text.insert(0, 'x'.repeat(mib * MIB));

    expect(await closed).toBe(4413);
    expect((await gaveUp).code).toBe(4413);
    expect(client.provider.shouldConnect).toBe(false);
    expect(await readMetric(t.server.url, 'collab_rejected_messages_total{reason="too-large"}')).toBe(1);
    const stored = new Y.Doc();
    const state = await t.server.store.load(id);
    if (state) Y.applyUpdate(stored, state);
    expect(stored.getText('t').length).toBe(0);
  });

  it('is refused from one byte over the limit, and a message of exactly the limit is read', async () => {
    const t = await start({ MAX_MESSAGE_BYTES: '2048' });
    const { id, editToken } = await t.createDoc();
    const url = `${t.collabUrl}/${id}?token=${editToken}`;
    // A message of unknown type is read, then refused as malformed (4400): proof that its size passed.
    const send = async (bytes: number) => {
      const raw = openRawSocket(url);
      await raw.opened;
      raw.socket.send(new Uint8Array(bytes).fill(0x7f));
      return (await raw.closed).code;
    };
    expect(await send(2048)).toBe(4400);
    expect(await send(2049)).toBe(4413);
  });
});
