import { describe, expect, it } from 'vitest';
import { api, finalClose, useBackend, within } from './backends.js';
import { type TestServer, openRawSocket, useClients } from './helpers.js';

/**
 * Two servers in this process on one Redis and one PostgreSQL, like two processes of a cluster behind a load
 * balancer: a change made through one must reach the sockets of the other.
 */
describe('access changes across the processes of a cluster', () => {
  const { start } = useBackend('Redis + PostgreSQL');
  const { connected } = useClients();

  async function twoProcesses(): Promise<[TestServer, TestServer]> {
    return [await start(), await start()];
  }

  it('a reset through one process closes the old link’s sockets on the other within 1 s', async () => {
    const [a, b] = await twoProcesses();
    const doc = await a.createDoc();
    const writer = await connected(b, doc.id, doc.editToken);
    const reader = await connected(b, doc.id, doc.viewToken);
    writer.text.insert(0, 'typed on B');
    const closed = finalClose(writer);

    const res = await api(a, 'POST', `${doc.id}/links/edit/reset`, doc.ownerToken);
    const { token } = (await res.json()) as { token: string };
    expect(await within(1_000, 'closing the writer on the other process', closed)).toEqual({ code: 4401, reason: 'link revoked' });
    expect(await openRawSocket(`${b.collabUrl}/${doc.id}?token=${doc.editToken}`).closed).toEqual({ code: 4401, reason: 'link revoked' });
    const fresh = await connected(b, doc.id, token);
    expect(fresh.text.toString()).toBe('typed on B');
    expect(reader.provider.wsconnected).toBe(true);
  });

  it('a delete through one process closes the document on the other; an undelete opens it again', async () => {
    const [a, b] = await twoProcesses();
    const doc = await a.createDoc();
    const onB = await connected(b, doc.id, doc.editToken);
    onB.text.insert(0, 'kept through the trash');
    const closed = finalClose(onB);

    expect((await api(a, 'DELETE', doc.id, doc.ownerToken)).status).toBe(204);
    expect(await within(1_000, 'closing the socket on the other process', closed)).toEqual({ code: 4404, reason: 'document deleted' });
    expect(await openRawSocket(`${b.collabUrl}/${doc.id}?token=${doc.viewToken}`).closed).toMatchObject({ code: 4404 });
    expect((await api(b, 'GET', `${doc.id}/links`, doc.editToken)).status).toBe(404);

    expect((await api(b, 'POST', `${doc.id}/undelete`, doc.ownerToken)).status).toBe(200);
    const back = await connected(a, doc.id, doc.viewToken);
    expect(back.text.toString()).toBe('kept through the trash');
  });
});
