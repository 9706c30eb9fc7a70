import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CreatedDoc, type TestServer, startTestServer } from './helpers.js';
import { chunkedBody, imageBytes, sha256 } from './file-bytes.js';

const MAX_FILE_BYTES = 64 * 1024;

describe('POST and GET /api/docs/:id/files', () => {
  let t: TestServer;
  let doc: CreatedDoc;
  let other: CreatedDoc;

  beforeAll(async () => {
    t = await startTestServer({ MAX_FILE_BYTES: String(MAX_FILE_BYTES), FILES_RATE_LIMIT: '1000', PUBLIC_URL: 'https://docs.example.org' });
    [doc, other] = await Promise.all([t.createDoc(), t.createDoc()]);
  });
  afterAll(() => t.cleanup());

  const upload = (docId: string, token: string | null, body: RequestInit['body'], headers: Record<string, string> = {}) =>
    fetch(`${t.server.url}/api/docs/${docId}/files`, {
      method: 'POST',
      body,
      headers: { ...(token && { authorization: `Bearer ${token}` }), ...headers },
      ...(body instanceof ReadableStream && { duplex: 'half' }),
    } as RequestInit);
  const download = (docId: string, sha: string, token: string | null, headers: Record<string, string> = {}) =>
    fetch(`${t.server.url}/api/docs/${docId}/files/${sha}`, { headers: { ...(token && { authorization: `Bearer ${token}` }), ...headers } });
  const storedObjects = async () => {
    const objects = path.join(t.dataDir, 'files', 'objects');
    const fanouts = await readdir(objects);
    return (await Promise.all(fanouts.map((f) => readdir(path.join(objects, f))))).flat();
  };

  it('stores an image under its SHA-256 with the edit token and serves it to the edit and view tokens', async () => {
    const bytes = imageBytes('image/png', 20_000);
    const res = await upload(doc.id, doc.editToken, bytes, { 'content-type': 'image/svg+xml' });
    expect(res.status).toBe(201);
    const sha = sha256(bytes);
    expect(await res.json()).toEqual({ sha, type: 'image/png', size: bytes.length, url: `https://docs.example.org/api/docs/${doc.id}/files/${sha}` });

    for (const token of [doc.editToken, doc.viewToken]) {
      const got = await download(doc.id, sha, token);
      expect(got.status).toBe(200);
      expect(got.headers.get('content-type')).toBe('image/png');
      expect(got.headers.get('x-content-type-options')).toBe('nosniff');
      expect(got.headers.get('cache-control')).toMatch(/^private, max-age=\d+, immutable$/);
      expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);
    }
    const again = await download(doc.id, sha, doc.viewToken, { 'if-none-match': `"${sha}"` });
    expect(again.status).toBe(304);
  });

  it('refuses a view token (403), another document’s token (403), a bad or missing token (401), as JSON', async () => {
    const bytes = imageBytes('image/gif', 500);
    expect((await upload(doc.id, doc.editToken, bytes)).status).toBe(201);
    const sha = sha256(bytes);
    const cases: Array<[Promise<Response>, number]> = [
      [upload(doc.id, doc.viewToken, bytes), 403],
      [upload(doc.id, other.editToken, bytes), 403],
      [upload(doc.id, 'not-a-token', bytes), 401],
      [upload(doc.id, null, bytes), 401],
      [download(doc.id, sha, other.editToken), 403],
      [download(doc.id, sha, other.viewToken), 403],
      [download(doc.id, sha, `${doc.viewToken}x`), 401],
      [download(doc.id, sha, null), 401],
    ];
    for (const [response, status] of cases) {
      const res = await response;
      expect(res.status).toBe(status);
      expect(await res.json()).toEqual({ error: expect.any(String) });
    }
  });

  it('answers 404 for a file the document does not hold (even one another document holds) and 400 for a bad id', async () => {
    const bytes = imageBytes('image/webp', 800);
    expect((await upload(other.id, other.editToken, bytes)).status).toBe(201);
    expect((await download(other.id, sha256(bytes), other.viewToken)).status).toBe(200);
    expect((await download(doc.id, sha256(bytes), doc.viewToken)).status).toBe(404);
    expect((await download(doc.id, sha256(Buffer.from('never uploaded')), doc.viewToken)).status).toBe(404);
    expect((await download(doc.id, 'ABC', doc.viewToken)).status).toBe(400);
    expect((await upload('bad.id', doc.editToken, bytes)).status).toBe(400);
  });

  it('takes PNG, JPEG, GIF and WebP by their bytes and refuses SVG and anything else with 415', async () => {
    for (const type of ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const) {
      const bytes = imageBytes(type, 1_000);
      const res = await upload(doc.id, doc.editToken, bytes, { 'content-type': 'application/octet-stream' });
      expect(res.status).toBe(201);
      expect((await download(doc.id, sha256(bytes), doc.editToken)).headers.get('content-type')).toBe(type);
    }
    const before = await storedObjects();
    const refused = [
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
      '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
      '<!doctype html><script>alert(1)</script>',
      '',
    ];
    for (const body of refused) {
      const res = await upload(doc.id, doc.editToken, body, { 'content-type': 'image/png' });
      expect(res.status).toBe(415);
      expect(((await res.json()) as { error: string }).error).toMatch(/PNG, JPEG, GIF and WebP/);
    }
    expect(await storedObjects()).toEqual(before);
  });

  it('tells the editor the largest file it takes', async () => {
    expect(await (await fetch(`${t.server.url}/api/limits`)).json()).toEqual({ maxFileBytes: MAX_FILE_BYTES });
  });

  it('answers 413 over MAX_FILE_BYTES, declared or streamed, and keeps nothing of it', async () => {
    const before = await storedObjects();
    const exact = imageBytes('image/png', MAX_FILE_BYTES);
    expect((await upload(doc.id, doc.editToken, exact)).status).toBe(201);
    const over = imageBytes('image/png', MAX_FILE_BYTES + 1);
    const declared = await upload(doc.id, doc.editToken, over);
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { error: string }).error).toMatch(/too large/);
    const streamed = await upload(doc.id, doc.editToken, chunkedBody(imageBytes('image/png', 3 * MAX_FILE_BYTES)));
    expect(streamed.status).toBe(413);
    expect(await storedObjects()).toEqual([...before, sha256(exact)].sort());
    expect(await readdir(path.join(t.dataDir, 'files', 'tmp'))).toEqual([]);
  });

  it('keeps identical bytes once, whichever documents upload them', async () => {
    const bytes = imageBytes('image/jpeg', 5_000);
    const before = (await storedObjects()).length;
    expect((await upload(doc.id, doc.editToken, chunkedBody(bytes, 3))).status).toBe(201);
    expect((await upload(other.id, other.editToken, bytes)).status).toBe(201);
    expect((await upload(doc.id, doc.editToken, bytes)).status).toBe(201);
    expect((await storedObjects()).length).toBe(before + 1);
    expect((await download(other.id, sha256(bytes), other.viewToken)).status).toBe(200);
  });

  it('answers 404 for an upload to a document that does not exist', async () => {
    const ghost = { id: 'never-created' };
    const token = await signFor(ghost.id);
    expect((await upload(ghost.id, token, imageBytes('image/png', 100))).status).toBe(404);
  });

  async function signFor(docId: string): Promise<string> {
    const { createTokens } = await import('../auth/tokens.js');
    const { TEST_SECRET } = await import('./helpers.js');
    return createTokens([TEST_SECRET]).sign({ docId, role: 'edit', generation: 0 });
  }
});

describe('upload rate per address', () => {
  it('answers 429 past FILES_RATE_LIMIT uploads a minute from one address', async () => {
    const t = await startTestServer({ FILES_RATE_LIMIT: '3' });
    try {
      const doc = await t.createDoc();
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${t.server.url}/api/docs/${doc.id}/files`, {
          method: 'POST',
          body: imageBytes('image/png', 100),
          headers: { authorization: `Bearer ${doc.editToken}` },
        });
        statuses.push(res.status);
      }
      expect(statuses).toEqual([201, 201, 201, 429, 429]);
    } finally {
      await t.cleanup();
    }
  });
});
