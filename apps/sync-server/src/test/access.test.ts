import { afterEach, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from './helpers.js';

const CREATE_TOKEN = 'create-token-for-the-tests';
const METRICS_TOKEN = 'metrics-token-for-the-tests';

describe('who may create documents and read metrics', () => {
  let t: TestServer;
  afterEach(() => t.cleanup());

  const create = (headers: Record<string, string> = {}) => fetch(`${t.server.url}/api/docs`, { method: 'POST', headers });

  it('lets anyone create by default, but a browser only from the server’s own pages', async () => {
    t = await startTestServer({ PUBLIC_URL: 'https://docs.example.org' });
    expect((await create()).status).toBe(201);
    expect((await create({ Origin: t.server.url })).status).toBe(201);
    expect((await create({ Origin: 'https://docs.example.org' })).status).toBe(201);
    const foreign = await create({ Origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toEqual({ error: 'origin not allowed' });
    expect((await create({ Origin: 'null' })).status).toBe(403);
  });

  it('asks for CREATE_TOKEN when ALLOW_ANONYMOUS_CREATE is false', async () => {
    t = await startTestServer({ ALLOW_ANONYMOUS_CREATE: 'false', CREATE_TOKEN });
    const anonymous = await create();
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: expect.stringContaining('create token') });
    expect((await create({ Authorization: `Bearer ${CREATE_TOKEN}x` })).status).toBe(401);
    const created = await create({ Authorization: `Bearer ${CREATE_TOKEN}` });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ id: expect.any(String), editToken: expect.any(String) });
  });

  it('serves /metrics to anyone by default, and only with METRICS_TOKEN once it is set', async () => {
    t = await startTestServer();
    expect((await fetch(`${t.server.url}/metrics`)).status).toBe(200);
    await t.cleanup();
    t = await startTestServer({ METRICS_TOKEN });
    const refused = await fetch(`${t.server.url}/metrics`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer');
    expect(await refused.json()).toMatchObject({ error: expect.stringContaining('METRICS_TOKEN') });
    expect((await fetch(`${t.server.url}/metrics`, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
    const allowed = await fetch(`${t.server.url}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain('collab_connections');
  });
});
