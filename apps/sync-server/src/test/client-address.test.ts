import { afterEach, describe, expect, it } from 'vitest';
import { type InProcessServer, assembleTestServer } from './in-process.js';

/** The per-address limits behind a reverse proxy (TRUST_PROXY), through the app's own routes. */
describe('per-address limits behind a proxy', () => {
  let server: InProcessServer;
  afterEach(() => server.cleanup());

  const PROXY = '10.0.0.1';
  const createDoc = (forwardedFor: string) =>
    server.request('/api/docs', { method: 'POST', headers: { 'X-Forwarded-For': forwardedFor } }, PROXY);

  it('cannot be reset by a client writing its own X-Forwarded-For entries', async () => {
    server = await assembleTestServer({ TRUST_PROXY: 'true', DOCS_RATE_LIMIT: '3' });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await createDoc(`198.51.100.${i}, 203.0.113.7`)).status);
    expect(statuses).toEqual([201, 201, 201, 429]);
    // Another address the proxy saw has its own budget.
    expect((await createDoc('203.0.113.8')).status).toBe(201);
  });

  it('counts behind two proxies the address the outer one saw', async () => {
    server = await assembleTestServer({ TRUST_PROXY: '2', DOCS_RATE_LIMIT: '2' });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await createDoc(`198.51.100.${i}, 203.0.113.7, 192.0.2.10`)).status);
    expect(statuses).toEqual([201, 201, 429]);
  });

  it('ignores X-Forwarded-For when no proxy is trusted', async () => {
    server = await assembleTestServer({ DOCS_RATE_LIMIT: '2' });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await createDoc(`203.0.113.${i}`)).status);
    expect(statuses).toEqual([201, 201, 429]);
  });
});
