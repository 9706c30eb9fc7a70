import { afterEach, describe, expect, it } from 'vitest';
import { TEST_SECRET, type TestServer, admissionOf, startTestServer } from './helpers.js';

const NEW_SECRET = 'the-new-secret-after-rotation-0123456789';

describe('share links, origins and request limits', () => {
  let t: TestServer;
  afterEach(() => t.cleanup());

  const post = (body?: string, headers: Record<string, string> = {}) =>
    fetch(`${t.server.url}/api/docs`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

  it('issues links that expire when asked to', async () => {
    let now = Date.now();
    t = await startTestServer({}, { clock: () => now });
    const res = await post(JSON.stringify({ expiresIn: 3600 }));
    expect(res.status).toBe(201);
    const doc = (await res.json()) as { id: string; editToken: string; viewToken: string; ownerToken: string; expiresAt: string };
    expect(Date.parse(doc.expiresAt)).toBe(now + 3600_000);
    // The expiry is the link's, kept with the document (its owner may move or clear it), not the token's.
    const [, payload] = doc.editToken.split('.');
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString())).toEqual({ doc: doc.id, role: 'edit', gen: 0 });
    const links = await fetch(`${t.server.url}/api/docs/${doc.id}/links`, { headers: { authorization: `Bearer ${doc.ownerToken}` } });
    expect(await links.json()).toMatchObject({ expiresAt: { edit: doc.expiresAt, view: doc.expiresAt } });
    expect(await admissionOf(`${t.collabUrl}/${doc.id}?token=${doc.editToken}`)).toBe('accepted');
    now += 3600_000;
    for (const token of [doc.editToken, doc.viewToken]) expect(await admissionOf(`${t.collabUrl}/${doc.id}?token=${token}`)).toBe(4401);
    expect(await admissionOf(`${t.collabUrl}/${doc.id}?token=${doc.ownerToken}`)).toBe('accepted');
    for (const [body, message] of [
      ['{"expiresIn": 5}', /expiresIn/],
      ['{"expiresIn": "soon"}', /expiresIn/],
      ['{"other": 1}', /body|other/i],
      ['not json', /JSON/],
    ] as const) {
      const bad = await post(body);
      expect(bad.status, body).toBe(400);
      expect(((await bad.json()) as { error: string }).error).toMatch(message);
    }
  });

  it('accepts links signed with a previous secret during a key rotation, and signs with the new one', async () => {
    t = await startTestServer();
    const old = await t.createDoc();
    await t.cleanup();
    const rotated = await startTestServer({ COLLAB_SECRET: NEW_SECRET, COLLAB_PREVIOUS_SECRETS: TEST_SECRET });
    try {
      expect(await admissionOf(`${rotated.collabUrl}/${old.id}?token=${old.editToken}`)).toBe('accepted');
      const fresh = await rotated.createDoc();
      // Only the new secret signs: a server that knows only the old one refuses the new link.
      t = await startTestServer();
      expect(await admissionOf(`${t.collabUrl}/${fresh.id}?token=${fresh.editToken}`)).toBe(4401);
    } finally {
      await rotated.cleanup();
    }
  });

  it('refuses browsers from origins outside ALLOWED_ORIGINS', async () => {
    t = await startTestServer({ ALLOWED_ORIGINS: 'https://docs.example.org' });
    const { id, editToken } = await t.createDoc();
    const url = `${t.collabUrl}/${id}?token=${editToken}`;
    expect(await admissionOf(url, { Origin: 'https://evil.example' })).toBe(4403);
    expect(await admissionOf(url, { Origin: 'https://docs.example.org' })).toBe('accepted');
    expect(await admissionOf(url)).toBe('accepted');
    const res = await post(undefined, { Origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: 'origin not allowed' });
  });

  it('limits document creation per client address and the size of request bodies', async () => {
    t = await startTestServer({ DOCS_RATE_LIMIT: '3' });
    for (let i = 0; i < 3; i++) expect((await post()).status).toBe(201);
    const limited = await post();
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ error: expect.stringContaining('too many') });
    const big = await post(JSON.stringify({ expiresIn: 3600, pad: 'x'.repeat(10_000) }));
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({ error: 'request body too large' });
  });

  it('serves pages with a strict content security policy and no referrer', async () => {
    t = await startTestServer();
    const res = await fetch(`${t.server.url}/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });
});
