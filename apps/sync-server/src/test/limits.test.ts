import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { admissionOf, awarenessMessage, openRawSocket, readMetric, useClients, useTestServers, waitFor } from './helpers.js';

describe('limits on what one client may cost', () => {
  const { start } = useTestServers();
  const { connect, connected } = useClients();

  it('closes a connection that floods messages with 4503, leaving others alone', async () => {
    const t = await start({ MESSAGE_RATE_LIMIT: '50' });
    const { id, editToken } = await t.createDoc();
    const honest = await connected(t, id, editToken);
    const flood = openRawSocket(`${t.collabUrl}/${id}?token=${editToken}`);
    await flood.accepted;
    for (let i = 0; i < 200; i++) flood.socket.send(awarenessMessage(424242, { n: i }, i + 1));
    expect(await flood.closed).toEqual({ code: 4503, reason: 'rate limit exceeded' });
    honest.text.insert(0, 'still here');
    const witness = connect(t, id, editToken);
    await waitFor('the honest edit', () => witness.text.toString() === 'still here');
  });

  it('caps connections per document and per process with 4503', async () => {
    const t = await start({ MAX_CONNECTIONS_PER_DOC: '2', MAX_CONNECTIONS: '3' });
    const a = await t.createDoc();
    const b = await t.createDoc();
    const url = (doc: { id: string; editToken: string }) => `${t.collabUrl}/${doc.id}?token=${doc.editToken}`;
    const first = [openRawSocket(url(a)), openRawSocket(url(a))];
    await Promise.all(first.map((s) => s.accepted));
    const third = openRawSocket(url(a));
    expect(await third.closed).toEqual({ code: 4503, reason: 'document is at its connection limit' });
    const other = openRawSocket(url(b));
    await other.accepted;
    const overProcess = openRawSocket(url(b));
    expect(await overProcess.closed).toEqual({ code: 4503, reason: 'server is at its connection limit' });
    // A place freed is a place available again, once the server has seen the socket close.
    first[0]!.socket.close();
    await waitFor('the server to count two connections', async () => (await readMetric(t.server.url, 'collab_connections')) === 2);
    expect(await admissionOf(url(a))).toBe('accepted');
    for (const s of [first[1]!, other]) s.socket.close();
  });

  it('caps sockets per client address with 4503, telling addresses apart behind a trusted proxy', async () => {
    const t = await start({ MAX_CONNECTIONS_PER_ADDRESS: '2', TRUST_PROXY: 'true' });
    const { id, editToken } = await t.createDoc();
    const url = `${t.collabUrl}/${id}?token=${editToken}`;
    const from = (address: string) => {
      const socket = new WebSocket(url, { headers: { 'X-Forwarded-For': address } });
      socket.on('error', () => {});
      return {
        socket,
        opened: new Promise<void>((resolve) => socket.once('open', () => resolve())),
        closed: new Promise<number>((resolve) => socket.once('close', (code) => resolve(code))),
      };
    };
    const office = [from('203.0.113.7'), from('203.0.113.7')];
    await Promise.all(office.map((s) => s.opened));
    expect(await from('203.0.113.7').closed).toBe(4503);
    const elsewhere = from('198.51.100.1');
    await elsewhere.opened;
    office[0]!.socket.close();
    await office[0]!.closed;
    // Admitted: the server's first sync message comes (a refused socket is closed before any).
    await waitFor('the freed place', async () => (await admissionOf(url, { 'X-Forwarded-For': '203.0.113.7' })) === 'accepted');
    for (const s of [office[1]!, elsewhere]) s.socket.close();
  });

  it('keeps one connection from changing or erasing another user’s presence', async () => {
    const t = await start();
    const { id, editToken, viewToken } = await t.createDoc();
    const ada = connect(t, id, editToken);
    const watcher = connect(t, id, viewToken);
    ada.provider.awareness.setLocalStateField('user', { name: 'Ada' });
    const adaState = () => watcher.provider.awareness.getStates().get(ada.doc.clientID) as { user?: { name: string } } | undefined;
    await waitFor('the watcher to see Ada', () => adaState()?.user?.name === 'Ada');

    const mallory = openRawSocket(`${t.collabUrl}/${id}?token=${viewToken}`);
    await mallory.accepted;
    mallory.socket.send(awarenessMessage(ada.doc.clientID, { user: { name: 'Mallory' } }, 1_000));
    mallory.socket.send(awarenessMessage(ada.doc.clientID, null, 1_001));
    mallory.socket.send(awarenessMessage(777, { user: { name: 'Mallory herself' } }));
    await waitFor('Mallory’s own presence', () => watcher.provider.awareness.getStates().get(777) !== undefined);
    expect(adaState()?.user?.name).toBe('Ada');
    mallory.socket.close();
    await waitFor('Mallory to leave', () => !watcher.provider.awareness.getStates().has(777));
    expect(adaState()?.user?.name).toBe('Ada');
  });

  it('closes an awareness update over MAX_AWARENESS_BYTES with 4413', async () => {
    const t = await start({ MAX_AWARENESS_BYTES: '1024' });
    const { id, editToken } = await t.createDoc();
    const raw = openRawSocket(`${t.collabUrl}/${id}?token=${editToken}`);
    await raw.accepted;
    raw.socket.send(awarenessMessage(5, { user: { name: 'x'.repeat(2_000) } }));
    expect((await raw.closed).code).toBe(4413);
  });
});
