import { StoreError } from '@collab/persistence';
import { describe, expect, it } from 'vitest';
import { BACKENDS, api, finalClose, testClock, useBackend, within } from './backends.js';
import type { LinksAnswer } from '../http/share-links.js';
import {
  type CreatedDoc,
  type TestClient,
  type TestServer,
  connectClient,
  openRawSocket,
  startTestServer,
  useClients,
  waitFor,
  waitForSync,
} from './helpers.js';

describe.each(BACKENDS)('share links on %s', (backend) => {
  const { start } = useBackend(backend);
  const clients = useClients();
  const clock = testClock();
  let t: TestServer;
  let doc: CreatedDoc;

  async function setUp(): Promise<void> {
    t = await start({ clock: clock.now });
    doc = await t.createDoc();
  }

  const connected = (token: string) => clients.connected(t, doc.id, token);

  /** How the server answers a new socket with `token`: its close code and reason, or 'open'. */
  async function socketWith(token: string): Promise<{ code: number; reason: string } | 'open'> {
    const raw = openRawSocket(`${t.collabUrl}/${doc.id}?token=${encodeURIComponent(token)}`);
    // An admitted socket gets the server's sync step 1; a refused one nothing before its close.
    const admitted = waitFor('a message', () => raw.messages.length > 0).then(() => 'open' as const);
    const outcome = await Promise.race([raw.closed, admitted]);
    raw.socket.close();
    return outcome;
  }

  const links = async (token: string) => (await (await api(t, 'GET', `${doc.id}/links`, token)).json()) as LinksAnswer;
  const tokenOf = (url: string) => decodeURIComponent(url.split('#token=')[1]!);

  it('a reset closes the sockets of the old link within 1 s; the old token is refused and the new one works', async () => {
    await setUp();
    const writer = await connected(doc.editToken);
    const reader = await connected(doc.viewToken);
    const owner = await connected(doc.ownerToken);
    writer.text.insert(0, 'before the reset');
    const writerClosed = finalClose(writer);

    const res = await api(t, 'POST', `${doc.id}/links/edit/reset`, doc.ownerToken);
    expect(res.status).toBe(200);
    const { token, url } = (await res.json()) as { token: string; url: string };
    expect(await within(1_000, 'closing the writer', writerClosed)).toEqual({ code: 4401, reason: 'link revoked' });
    expect(writer.provider.shouldConnect).toBe(false);
    expect(url.endsWith(`/d/${doc.id}#token=${token}`)).toBe(true);

    expect(await socketWith(doc.editToken)).toEqual({ code: 4401, reason: 'link revoked' });
    expect((await api(t, 'GET', `${doc.id}/links`, doc.editToken)).status).toBe(401);
    const fresh = await connected(token);
    expect(fresh.text.toString()).toBe('before the reset');
    // The other roles' links were not touched.
    expect(reader.provider.wsconnected && owner.provider.wsconnected).toBe(true);
    owner.text.insert(0, 'owner: ');
    await waitFor('the owner’s edit to reach the new link', () => fresh.text.toString() === 'owner: before the reset');
    expect(await links(token)).toMatchObject({ role: 'edit' });
  });

  it('resetting the view or the owner link takes back that role only', async () => {
    await setUp();
    const writer = await connected(doc.editToken);
    const reader = await connected(doc.viewToken);
    const readerClosed = finalClose(reader);
    const view = (await (await api(t, 'POST', `${doc.id}/links/view/reset`, doc.ownerToken)).json()) as { token: string };
    expect(await within(1_000, 'closing the reader', readerClosed)).toEqual({ code: 4401, reason: 'link revoked' });

    const owner = (await (await api(t, 'POST', `${doc.id}/links/owner/reset`, doc.ownerToken)).json()) as { token: string };
    expect((await api(t, 'POST', `${doc.id}/links/edit/reset`, doc.ownerToken)).status).toBe(401);
    expect(await socketWith(doc.ownerToken)).toEqual({ code: 4401, reason: 'link revoked' });
    const owned = await links(owner.token);
    expect(tokenOf(owned.ownerUrl!)).toBe(owner.token);
    expect(tokenOf(owned.viewUrl!)).toBe(view.token);
    expect(tokenOf(owned.editUrl!)).toBe(doc.editToken);
    expect(writer.provider.wsconnected).toBe(true);
  });

  it('each role is given the links it may hand on, and only the owner manages them', async () => {
    await setUp();
    expect(Object.keys(await links(doc.viewToken)).sort()).toEqual(['role', 'viewUrl']);
    expect(Object.keys(await links(doc.editToken)).sort()).toEqual(['editUrl', 'role', 'viewUrl']);
    const owned = await links(doc.ownerToken);
    expect(owned).toEqual({
      role: 'owner',
      editUrl: expect.stringContaining(`/d/${doc.id}#token=`),
      viewUrl: expect.stringContaining(`/d/${doc.id}#token=`),
      ownerUrl: expect.stringContaining(`/d/${doc.id}#token=`),
      viewEnabled: true,
      expiresAt: { edit: null, view: null },
    });
    expect(tokenOf(owned.editUrl!)).toBe(doc.editToken);
    expect(tokenOf(owned.ownerUrl!)).toBe(doc.ownerToken);

    for (const token of [doc.editToken, doc.viewToken]) {
      expect((await api(t, 'POST', `${doc.id}/links/edit/reset`, token)).status).toBe(403);
      expect((await api(t, 'PATCH', `${doc.id}/links/view`, token, { enabled: false })).status).toBe(403);
    }
    const bad = [
      ['POST', 'links/admin/reset', undefined, /edit, view, owner/],
      ['PATCH', 'links/edit', { enabled: false }, /only the view link/],
      ['PATCH', 'links/owner', { expiresAt: null }, /edit, view/],
      ['PATCH', 'links/view', {}, /enabled|expiresAt/],
      ['PATCH', 'links/view', { expiresAt: 'tomorrow' }, /expiresAt/],
      ['PATCH', 'links/view', { expiresAt: new Date(clock.now() - 1000).toISOString() }, /future/],
      ['PATCH', 'links/view', 'not json', /JSON/],
    ] as const;
    for (const [method, path, body, error] of bad) {
      const res = await api(t, method, `${doc.id}/${path}`, doc.ownerToken, body);
      expect(res.status, `${method} ${path}`).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(error);
    }
    expect((await api(t, 'GET', `${doc.id}/links`, 'nonsense')).status).toBe(401);
    expect((await api(t, 'GET', `${doc.id}/links`, (await t.createDoc()).ownerToken)).status).toBe(403);
    expect(await links(doc.ownerToken)).toEqual(owned);
  });

  it('a view link turned off closes its sockets and refuses new ones until it is turned on again', async () => {
    await setUp();
    const reader = await connected(doc.viewToken);
    const writer = await connected(doc.editToken);
    const readerClosed = finalClose(reader);
    const off = await api(t, 'PATCH', `${doc.id}/links/view`, doc.ownerToken, { enabled: false });
    expect(off.status).toBe(200);
    expect(await off.json()).toMatchObject({ viewEnabled: false, editUrl: expect.any(String) });
    expect(await within(1_000, 'closing the reader', readerClosed)).toEqual({ code: 4401, reason: 'link turned off' });
    expect(await socketWith(doc.viewToken)).toEqual({ code: 4401, reason: 'link turned off' });
    expect(Object.keys(await links(doc.editToken)).sort()).toEqual(['editUrl', 'role']);
    expect(writer.provider.wsconnected).toBe(true);

    await api(t, 'PATCH', `${doc.id}/links/view`, doc.ownerToken, { enabled: true });
    expect(await socketWith(doc.viewToken)).toBe('open');
    expect(tokenOf((await links(doc.editToken)).viewUrl!)).toBe(doc.viewToken);
  });

  it('an expiry set on a link closes its sockets when it passes; cleared, the link works again', async () => {
    await setUp();
    const writer = await connected(doc.editToken);
    const writerClosed = finalClose(writer);
    const soon = new Date(clock.now() + 1_500).toISOString();
    const set = await api(t, 'PATCH', `${doc.id}/links/edit`, doc.ownerToken, { expiresAt: soon });
    expect(await set.json()).toMatchObject({ expiresAt: { edit: soon, view: null } });
    expect(await socketWith(doc.editToken)).toBe('open');

    expect(await within(5_000, 'the expiry', writerClosed)).toEqual({ code: 4401, reason: 'link expired' });
    expect(await socketWith(doc.editToken)).toEqual({ code: 4401, reason: 'link expired' });
    expect(Object.keys(await links(doc.viewToken))).toEqual(['role', 'viewUrl']);
    expect((await links(doc.ownerToken)).editUrl).toBeUndefined();

    await api(t, 'PATCH', `${doc.id}/links/edit`, doc.ownerToken, { expiresAt: null });
    expect(await socketWith(doc.editToken)).toBe('open');
    clock.advance(10 * 365 * 24 * 3600 * 1000);
    expect(await socketWith(doc.editToken)).toBe('open');
  });
});


describe('the access state of a document with open sockets', () => {
  it('is read from the store once, however many sockets join', async () => {
    const reads: string[] = [];
    const t = await startTestServer(
      {},
      {
        decorateStore(store) {
          const access = store.access.bind(store);
          store.access = (docId) => {
            reads.push(docId);
            return access(docId);
          };
          return store;
        },
      },
    );
    const clients: TestClient[] = [];
    try {
      const doc = await t.createDoc();
      const first = connectClient(t.collabUrl, doc.id, doc.editToken);
      clients.push(first);
      await waitForSync(first);
      for (let i = 0; i < 20; i++) clients.push(connectClient(t.collabUrl, doc.id, i % 2 ? doc.viewToken : doc.editToken));
      await Promise.all(clients.map((client) => waitForSync(client)));
      expect(reads).toEqual([doc.id]);
    } finally {
      for (const client of clients) client.destroy();
      await t.cleanup();
    }
  });
});

describe('access states that cannot be read', () => {
  it('close new sockets with 4503 and answer requests with 503, until the store answers again', async () => {
    const failing = { now: false };
    const t = await startTestServer(
      {},
      {
        decorateStore(store) {
          const access = store.access.bind(store);
          store.access = async (docId) => {
            if (failing.now) throw new StoreError('io', 'storage failed: EIO');
            return access(docId);
          };
          return store;
        },
      },
    );
    try {
      const doc = await t.createDoc();
      failing.now = true;
      expect(await openRawSocket(`${t.collabUrl}/${doc.id}?token=${doc.editToken}`).closed).toEqual({
        code: 4503,
        reason: 'storage unavailable',
      });
      const res = await api(t, 'GET', `${doc.id}/links`, doc.editToken);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ error: 'storage unavailable; try again later' });
      failing.now = false;
      expect((await api(t, 'GET', `${doc.id}/links`, doc.editToken)).status).toBe(200);
    } finally {
      await t.cleanup();
    }
  });
});
