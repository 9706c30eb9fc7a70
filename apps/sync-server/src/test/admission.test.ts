import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { MessageType, encodeSyncStep1, encodeUpdate } from '../collab/protocol.js';
import { TEST_SECRET, type TestServer, openRawSocket, startTestServer, useClients, waitFor, waitForSync } from './helpers.js';

/** An auth message (type 2) with the permission-denied sub-type (0). */
const isPermissionDenied = (message: Uint8Array) => message[0] === MessageType.Auth && message[1] === 0;

describe('admission of /collab/:id sockets', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.cleanup());
  const { connect, connected } = useClients();

  /** Opens a raw socket, says sync step 1 as a client would, and returns how it closed and what it got. */
  async function refusal(pathAndQuery: string) {
    const raw = openRawSocket(`${t.collabUrl}/${pathAndQuery}`);
    raw.socket.once('open', () => raw.socket.send(encodeSyncStep1(new Y.Doc())));
    const closed = await raw.closed;
    return { ...closed, messages: raw.messages.length };
  }

  it('closes with 4401 and sends nothing when the token is missing', async () => {
    const { id } = await t.createDoc();
    expect(await refusal(id)).toMatchObject({ code: 4401, messages: 0 });
  });

  it('closes with 4401 for a token that is not one of ours', async () => {
    const { id, editToken } = await t.createDoc();
    expect(await refusal(`${id}?token=garbage`)).toMatchObject({ code: 4401 });
    const tampered = editToken.slice(0, -4) + (editToken.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect(await refusal(`${id}?token=${tampered}`)).toMatchObject({ code: 4401 });
    const forged = await new SignJWT({ doc: id, role: 'edit' })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('another-secret-another-secret-another'));
    expect(await refusal(`${id}?token=${forged}`)).toMatchObject({ code: 4401 });
  });

  it('closes with 4401 for an expired token', async () => {
    const { id } = await t.createDoc();
    const expired = await new SignJWT({ doc: id, role: 'edit' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(TEST_SECRET));
    expect(await refusal(`${id}?token=${expired}`)).toMatchObject({ code: 4401 });
  });

  it('closes with 4403 for a token of another document', async () => {
    const a = await t.createDoc();
    const b = await t.createDoc();
    expect(await refusal(`${a.id}?token=${b.editToken}`)).toMatchObject({ code: 4403, messages: 0 });
  });

  it('closes with 4400 for ids that do not match the id pattern', async () => {
    const { editToken } = await t.createDoc();
    for (const id of ['has%20space', 'x'.repeat(129), 'a.b', 'nested/path', '%C3%A9']) {
      expect(await refusal(`${id}?token=${editToken}`), id).toMatchObject({ code: 4400, messages: 0 });
    }
  });

  it('answers an upgrade outside /collab/ with 404 and goes on serving', async () => {
    const socket = new WebSocket(`${t.collabUrl.replace(/\/collab$/, '')}/elsewhere/x`);
    socket.on('error', () => {});
    const status = await new Promise((resolve) => socket.once('unexpected-response', (_req, res) => resolve(res.statusCode)));
    expect(status).toBe(404);
    const { id } = await t.createDoc();
    expect(await refusal(id)).toMatchObject({ code: 4401 });
  });

  it('lets a stock client stop retrying after a refusal', async () => {
    const { id } = await t.createDoc();
    const client = connect(t, id, 'not-a-token');
    const closed = await new Promise<{ code: number }>((resolve) => client.provider.once('closed', resolve));
    expect(closed.code).toBe(4401);
    expect(client.provider.shouldConnect).toBe(false);
  });

  it('gives a view link the document and awareness but never applies its edits', async () => {
    const { id, editToken, viewToken } = await t.createDoc();
    const editor = connect(t, id, editToken);
    const viewer = connect(t, id, viewToken);
    await Promise.all([waitForSync(editor), waitForSync(viewer)]);
    editor.text.insert(0, 'by the editor');
    await waitFor('the viewer to receive the edit', () => viewer.text.toString() === 'by the editor');

    // A raw socket with the view token sends edits anyway; the stock client's would be just the same.
    const raw = openRawSocket(`${t.collabUrl}/${id}?token=${viewToken}`);
    await raw.opened;
    const forbidden = new Y.Doc();
    forbidden.getText('t').insert(0, 'forbidden');
    raw.socket.send(encodeUpdate(Y.encodeStateAsUpdate(forbidden)));
    raw.socket.send(encodeUpdate(Y.encodeStateAsUpdate(forbidden)));
    await waitFor('the permission-denied answer', () => raw.messages.some(isPermissionDenied));
    expect(raw.messages.filter(isPermissionDenied)).toHaveLength(1);
    expect(raw.socket.readyState).toBe(raw.socket.OPEN);
    raw.socket.close();

    viewer.provider.awareness.setLocalStateField('user', { name: 'Reader' });
    await waitFor('the viewer’s presence to reach the editor', () =>
      [...editor.provider.awareness.getStates().values()].some((s) => s.user?.name === 'Reader'),
    );
    expect(viewer.provider.wsconnected).toBe(true);
    expect(editor.text.toString()).toBe('by the editor');

    await t.restart();
    const fresh = await connected(t, id, editToken);
    expect(fresh.text.toString()).toBe('by the editor');
  });
});
