import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from './backends.js';
import { TEST_SECRET, type TestClient, type TestServer, openRawSocket, startTestServer, useClients, waitFor } from './helpers.js';

/** An application that knows COLLAB_SECRET mints tokens for its own users, exactly as the README shows. */
async function mint(claims: Record<string, unknown>, expiresIn: string | number = '1h'): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(TEST_SECRET));
}

describe('tokens minted by another application', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.cleanup());
  const clients = useClients();
  const connected = (docId: string, token: string) => clients.connected(t, docId, token);

  const namesSeenBy = (client: TestClient) =>
    [...client.provider.awareness.getStates().entries()]
      .filter(([id]) => id !== client.doc.clientID)
      .map(([, state]) => state.user as { name?: string; color?: string } | undefined);

  it('open a document of the application’s choosing, under the name the token gives', async () => {
    const docId = 'crm-account-4711-notes';
    const ada = await connected(docId, await mint({ doc: docId, role: 'edit', gen: 0, name: 'Ada Lovelace' }));
    const watcher = await connected(docId, await mint({ doc: docId, role: 'view' }));

    ada.provider.awareness.setLocalStateField('user', { name: 'Mallory', color: '#123456' });
    await waitFor('Ada’s presence at the watcher', () => namesSeenBy(watcher).some((user) => user?.color === '#123456'));
    expect(namesSeenBy(watcher)).toEqual([{ name: 'Ada Lovelace', color: '#123456' }]);
    ada.provider.awareness.setLocalState({ cursor: null });
    await waitFor('Ada’s new state at the watcher', () => namesSeenBy(watcher).every((user) => user?.color === undefined));
    expect(namesSeenBy(watcher)).toEqual([{ name: 'Ada Lovelace' }]);

    ada.text.insert(0, 'minted elsewhere');
    await waitFor('the edit at the watcher', () => watcher.text.toString() === 'minted elsewhere');
    // The links Ada may hand on are the document's own, without her name.
    const links = (await (await api(t, 'GET', `${docId}/links`, await mint({ doc: docId, role: 'edit', name: 'Ada' }))).json()) as {
      editUrl: string;
    };
    const [, payload] = links.editUrl.split('#token=')[1]!.split('.');
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString())).toEqual({ doc: docId, role: 'edit', gen: 0 });
  });

  it('are refused when a claim is wrong', async () => {
    const docId = 'crm-account-4712-notes';
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ doc: docId, role: 'admin' }, 'token bad'],
      [{ doc: docId, role: 'edit', gen: -1 }, 'token bad'],
      [{ doc: docId, role: 'edit', gen: 'one' }, 'token bad'],
      [{ doc: docId, role: 'edit', name: '' }, 'token bad'],
      [{ doc: docId, role: 'edit', name: 'x'.repeat(101) }, 'token bad'],
      [{ doc: docId, role: 'edit', gen: 3 }, 'token bad'],
    ];
    for (const [claims, reason] of cases) {
      const refused = openRawSocket(`${t.collabUrl}/${docId}?token=${await mint(claims)}`);
      expect(await refused.closed, JSON.stringify(claims)).toEqual({ code: 4401, reason });
    }
    const expired = await mint({ doc: docId, role: 'edit' }, Math.floor(Date.now() / 1000) - 10);
    expect(await openRawSocket(`${t.collabUrl}/${docId}?token=${expired}`).closed).toEqual({ code: 4401, reason: 'token expired' });
  });
});
