import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { encodeSyncStep2, encodeUpdate } from '../collab/protocol.js';
import { type TestServer, openRawSocket, startTestServer, useClients, waitFor, waitForSync } from './helpers.js';

const middleBoundary = (text: string) => {
  const boundaries = [0, ...[...text.matchAll(/;/g)].map((m) => m.index + 1)];
  return boundaries[Math.floor(boundaries.length / 2)]!;
};

describe('stock y-websocket clients', () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(() => t.cleanup());
  const clients = useClients();
  const connect = (docId: string, token: string) => clients.connect(t, docId, token);

  it('relays an edit from one client to another', async () => {
    const { id, editToken } = await t.createDoc();
    const a = connect(id, editToken);
    const b = connect(id, editToken);
    await Promise.all([waitForSync(a), waitForSync(b)]);
    a.text.insert(0, 'hello');
    await waitFor('b to receive the edit', () => b.text.toString() === 'hello');
  });

  it('holds what a returning client types until its sync answer brings the edits it depends on', async () => {
    const { id, editToken } = await t.createDoc();
    const reader = connect(id, editToken);
    await waitForSync(reader);
    // Offline edits, then a keystroke typed after reconnecting, which depends on them.
    const writer = new Y.Doc();
    writer.getText('t').insert(0, 'written offline;');
    const offline = Y.encodeStateAsUpdate(writer);
    const before = Y.encodeStateVector(writer);
    writer.getText('t').insert(writer.getText('t').length, ' typed on return');
    const keystroke = Y.encodeStateAsUpdate(writer, before);

    const raw = openRawSocket(`${t.collabUrl}/${id}?token=${editToken}`, { answerSync: false });
    await raw.opened;
    raw.socket.send(encodeUpdate(keystroke));
    const offlineOnly = new Y.Doc();
    Y.applyUpdate(offlineOnly, offline);
    raw.socket.send(encodeSyncStep2(offlineOnly, new Uint8Array([0])));
    await waitFor('the reader to get both', () => reader.text.toString() === 'written offline; typed on return');
    expect(raw.socket.readyState).toBe(raw.socket.OPEN);
    raw.socket.close();
  });

  it('converges when several clients edit the same text concurrently', async () => {
    const { id, editToken } = await t.createDoc();
    const group = [1, 2, 3, 4].map(() => connect(id, editToken));
    await Promise.all(group.map((c) => waitForSync(c)));
    for (let round = 0; round < 25; round++) {
      // Insert in the middle, between two whole markers, so that every marker stays contiguous.
      group.forEach((c, i) => c.text.insert(middleBoundary(c.text.toString()), `${i}:${round};`));
    }
    const expectedLength = group.reduce((sum, c) => sum + c.text.length, 0) / group.length;
    await waitFor('all clients to converge', () => {
      const texts = group.map((c) => c.text.toString());
      return texts.every((text) => text === texts[0]) && texts[0]!.length >= expectedLength;
    });
    const text = group[0]!.text.toString();
    for (let i = 0; i < 4; i++) for (let round = 0; round < 25; round++) expect(text).toContain(`${i}:${round};`);
  });

  it('gives a late joiner the whole document in its first sync', async () => {
    const { id, editToken } = await t.createDoc();
    const writer = connect(id, editToken);
    await waitForSync(writer);
    writer.doc.getMap('meta').set('title', 'Notes');
    writer.text.insert(0, 'written before anyone else came');
    const reader = connect(id, editToken);
    await waitFor('the late joiner', () => reader.text.toString() === 'written before anyone else came');
    expect(reader.doc.getMap('meta').get('title')).toBe('Notes');
  });

  it('keeps the document when everyone has left and the room was unloaded', async () => {
    const { id, editToken } = await t.createDoc();
    const writer = connect(id, editToken);
    await waitForSync(writer);
    writer.text.insert(0, 'kept');
    const other = connect(id, editToken);
    await waitFor('the edit to arrive', () => other.text.toString() === 'kept');
    clients.destroyAll();
    await waitFor('the room to unload', () => t.server.roomsLoaded() === 0);
    const later = connect(id, editToken);
    await waitFor('the stored text after unload', () => later.text.toString() === 'kept');
  });

  it('shares awareness and removes a client’s state for everyone when it leaves', async () => {
    const { id, editToken, viewToken } = await t.createDoc();
    const a = connect(id, editToken);
    const b = connect(id, viewToken);
    a.provider.awareness.setLocalStateField('user', { name: 'Ada', color: '#f00' });
    b.provider.awareness.setLocalStateField('user', { name: 'Bob', color: '#00f' });
    await waitFor('b to see a', () => b.provider.awareness.getStates().get(a.doc.clientID)?.user?.name === 'Ada');
    await waitFor('a to see b', () => a.provider.awareness.getStates().get(b.doc.clientID)?.user?.name === 'Bob');
    a.destroy();
    await waitFor('a to vanish from b’s presence', () => !b.provider.awareness.getStates().has(a.doc.clientID));
  });

  it('merges a client’s offline edits when it reconnects', async () => {
    const { id, editToken } = await t.createDoc();
    const a = connect(id, editToken);
    const b = connect(id, editToken);
    await Promise.all([waitForSync(a), waitForSync(b)]);
    a.provider.disconnect();
    a.text.insert(0, 'offline ');
    b.text.insert(0, 'online ');
    a.provider.connect();
    const converged = () => a.text.toString() === b.text.toString() && a.text.length === 15;
    await waitFor('convergence after reconnect', converged);
    const fresh = connect(id, editToken);
    await waitFor('a fresh client to see both', () => fresh.text.toString() === a.text.toString());
    expect(Y.encodeStateVector(fresh.doc)).toEqual(Y.encodeStateVector(a.doc));
  });
});
