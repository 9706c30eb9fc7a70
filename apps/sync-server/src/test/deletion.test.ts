import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { RESTORE_WINDOW_MS } from '../access/policy.js';
import type { StartOptions } from '../start.js';
import { imageBytes, sha256 } from './file-bytes.js';
import { BACKENDS, api, finalClose, testClock, useBackend, within } from './backends.js';
import { type CreatedDoc, type TestServer, capturingLogger, openRawSocket, useClients, waitFor } from './helpers.js';

const DAY = 24 * 3600 * 1000;

describe.each(BACKENDS)('deleting a document on %s', (backend) => {
  const { start } = useBackend(backend);
  const clients = useClients();
  const clock = testClock();
  let t: TestServer;
  let doc: CreatedDoc;

  async function setUp(options: StartOptions = {}): Promise<void> {
    t = await start({ clock: clock.now, purgeSweepMs: 50, ...options });
    doc = await t.createDoc();
  }

  const connected = (token: string) => clients.connected(t, doc.id, token);

  const refusal = (token: string) => openRawSocket(`${t.collabUrl}/${doc.id}?token=${token}`).closed;
  const exportStatus = async (token: string) => (await api(t, 'GET', `${doc.id}/export?format=text`, token)).status;

  async function written(text: string): Promise<void> {
    const writer = await connected(doc.editToken);
    writer.text.insert(0, text);
    await waitFor('the text to be stored', async () => (await t.server.store.load(doc.id)) !== null);
    writer.destroy();
  }

  it('closes every socket with 4404, refuses everything after, and undeletes the document whole', async () => {
    await setUp();
    const sockets = await Promise.all([doc.editToken, doc.viewToken, doc.ownerToken].map(connected));
    sockets[0]!.text.insert(0, 'keep me');
    await waitFor('the text to reach the reader', () => sockets[1]!.text.toString() === 'keep me');
    const closes = sockets.map(finalClose);
    const image = imageBytes('image/png', 100);
    const uploaded = await fetch(`${t.server.url}/api/docs/${doc.id}/files`, {
      method: 'POST',
      body: image,
      headers: { authorization: `Bearer ${doc.ownerToken}` },
    });
    expect(uploaded.status).toBe(201);
    const file = `${doc.id}/files/${sha256(image)}`;

    expect((await api(t, 'DELETE', doc.id, doc.editToken)).status).toBe(403);
    const deleted = await api(t, 'DELETE', doc.id, doc.ownerToken);
    expect(deleted.status).toBe(204);
    const codes = await within(1_000, 'closing every socket', Promise.all(closes));
    expect(codes).toEqual(Array(3).fill({ code: 4404, reason: 'document deleted' }));

    for (const token of [doc.editToken, doc.viewToken, doc.ownerToken]) {
      expect(await refusal(token)).toEqual({ code: 4404, reason: 'document deleted' });
      expect(await exportStatus(token)).toBe(404);
      expect((await api(t, 'GET', `${doc.id}/links`, token)).status).toBe(404);
      expect(await (await api(t, 'GET', file, token)).json()).toEqual({ error: 'document deleted' });
    }
    expect((await api(t, 'DELETE', doc.id, doc.ownerToken)).status).toBe(404);
    expect(await (await api(t, 'POST', `${doc.id}/links/edit/reset`, doc.ownerToken)).json()).toEqual({ error: 'document deleted' });

    expect((await api(t, 'POST', `${doc.id}/undelete`, doc.editToken)).status).toBe(403);
    const undeleted = await api(t, 'POST', `${doc.id}/undelete`, doc.ownerToken);
    expect(undeleted.status).toBe(200);
    expect(await undeleted.json()).toEqual({ id: doc.id });
    const back = await connected(doc.viewToken);
    expect(back.text.toString()).toBe('keep me');
    expect((await api(t, 'GET', file, doc.viewToken)).status).toBe(200);
    expect((await api(t, 'POST', `${doc.id}/undelete`, doc.ownerToken)).status).toBe(200);
  });

  it('can be undeleted for 30 days; then it is purged with its versions, and its links stay refused', async () => {
    await setUp();
    await written('doomed');
    const versionOf = new Y.Doc();
    Y.applyUpdate(versionOf, (await t.server.store.load(doc.id))!);
    await t.server.store.versions.add(doc.id, { doc: versionOf, kind: 'named', name: 'before the delete' });
    const image = imageBytes('image/gif', 100);
    await fetch(`${t.server.url}/api/docs/${doc.id}/files`, {
      method: 'POST',
      body: image,
      headers: { authorization: `Bearer ${doc.editToken}` },
    });
    expect(await t.server.files.documents()).toContain(doc.id);
    expect((await api(t, 'DELETE', doc.id, doc.ownerToken)).status).toBe(204);
    clock.advance(RESTORE_WINDOW_MS - DAY);
    expect((await api(t, 'POST', `${doc.id}/undelete`, doc.ownerToken)).status).toBe(200);
    expect(await exportStatus(doc.viewToken)).toBe(200);
    // Kept through the delete (besides it, the server may have cut one when the delete closed the writer).
    expect((await t.server.store.versions.list(doc.id)).map((v) => v.name)).toContain('before the delete');

    expect((await api(t, 'DELETE', doc.id, doc.ownerToken)).status).toBe(204);
    const { deletedAt } = await t.server.store.access(doc.id);
    clock.advance(RESTORE_WINDOW_MS);
    await waitFor('the sweeper to purge the document', async () => (await t.server.store.access(doc.id)).purgedAt !== null);
    const { purgeStartedAt } = await t.server.store.access(doc.id);
    expect(purgeStartedAt).toBeGreaterThanOrEqual(deletedAt! + RESTORE_WINDOW_MS);
    expect(await t.server.store.load(doc.id)).toBeNull();
    expect(await t.server.store.meta(doc.id)).toBeNull();
    expect(await t.server.store.listDeleted()).toEqual([]);
    expect(await t.server.store.versions.list(doc.id)).toEqual([]);
    // Its images are no longer its own: the file collector removes what nothing else references.
    expect(await t.server.files.documents()).not.toContain(doc.id);

    const late = await api(t, 'POST', `${doc.id}/undelete`, doc.ownerToken);
    expect(late.status).toBe(410);
    expect(await late.json()).toEqual({ error: expect.stringContaining('30 days') });
    expect(await refusal(doc.editToken)).toEqual({ code: 4404, reason: 'document deleted' });
    expect(await exportStatus(doc.ownerToken)).toBe(404);
  });

  it('is not purged before 30 days, even by a server started later', async () => {
    const { logger, logs, clear } = capturingLogger('debug');
    await setUp({ logger, purgeSweepMs: 3_600_000 });
    await written('still here');
    expect((await api(t, 'DELETE', doc.id, doc.ownerToken)).status).toBe(204);
    clock.advance(RESTORE_WINDOW_MS - 60_000);
    clear();
    await t.restart();
    // A server sweeps the trash as it starts: the document would be purged by the end of that sweep if it were due.
    await waitFor('the sweep at start', () => logs().includes('trash swept'));
    expect(logs()).toContain('"deleted":1,"purged":0');
    expect((await t.server.store.access(doc.id)).purgeStartedAt).toBeNull();
    expect((await api(t, 'POST', `${doc.id}/undelete`, doc.ownerToken)).status).toBe(200);
    expect((await connected(doc.viewToken)).text.toString()).toBe('still here');
  });
});
