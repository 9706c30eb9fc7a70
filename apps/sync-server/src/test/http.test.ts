import { mkdir, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { capturingLogger, connectClient, makeTempDir, openRawSocket, useTestServers, waitFor, waitForSync } from './helpers.js';
import { type InProcessServer, assembleTestServer } from './in-process.js';

describe('HTTP API, in process (no port)', () => {
  const servers: InProcessServer[] = [];
  const assemble = async (...args: Parameters<typeof assembleTestServer>) => {
    const server = await assembleTestServer(...args);
    servers.push(server);
    return server;
  };
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.cleanup();
  });

  it('creates a document with its links on PUBLIC_URL, the token in the fragment', async () => {
    const server = await assemble({ PUBLIC_URL: 'https://docs.example.org/' });
    const res = await server.request('/api/docs', { method: 'POST' });
    expect(res.status).toBe(201);
    const body = (await res.json()) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(['editToken', 'editUrl', 'id', 'ownerToken', 'viewToken', 'viewUrl']);
    expect(body.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(body.editUrl).toBe(`https://docs.example.org/d/${body.id}#token=${body.editToken}`);
    expect(body.viewUrl).toBe(`https://docs.example.org/d/${body.id}#token=${body.viewToken}`);
    expect(new Set([body.editToken, body.viewToken, body.ownerToken]).size).toBe(3);
    expect(await server.store.meta(body.id!)).toMatchObject({ id: body.id, updates: 0 });
  });

  it('answers unknown routes with a JSON 404 and plain requests to the socket endpoint with 426', async () => {
    const server = await assemble();
    const missing = await server.request('/api/nothing-here');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: expect.stringContaining('/api/nothing-here') });
    const plain = await server.request('/collab/abc');
    expect(plain.status).toBe(426);
    expect(await plain.json()).toMatchObject({ error: expect.any(String) });
  });

  it('serves the built editor, with client-side routes falling back to index.html', async () => {
    const server = await assemble({}, { editorDir: await builtEditor() });
    for (const route of ['/', '/d/some-doc?token=x']) {
      const res = await server.request(route);
      expect(res.status, route).toBe(200);
      expect(await res.text()).toContain('<title>Editor</title>');
    }
    const js = await server.request('/assets/app.js');
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect((await server.request('/assets/missing.js')).status).toBe(404);
  });

  it('says how to build the editor when it has not been built', async () => {
    const server = await assemble();
    const res = await server.request('/');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('npm run build');
  });
});

describe('HTTP API, on a port', () => {
  const { start } = useTestServers();

  it('reports health and the contract’s metrics', async () => {
    const t = await start();
    const health = await fetch(`${t.server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });

    const { id, editToken } = await t.createDoc();
    const client = connectClient(t.collabUrl, id, editToken);
    await waitForSync(client);
    client.text.insert(0, 'counted');
    const metrics = async () => (await fetch(`${t.server.url}/metrics`)).text();
    let text = '';
    await waitFor('metrics to show the update', async () => /^collab_updates_total 1$/m.test((text = await metrics())));
    expect(text).toMatch(/^collab_connections 1$/m);
    expect(text).toMatch(/^collab_documents_loaded 1$/m);
    expect(text).toMatch(/^collab_update_bytes_total \d+$/m);
    expect(text).toMatch(/^collab_persist_seconds_count \d+$/m);
    client.destroy();
  });

  it('serves no file outside the editor’s directory, whatever the raw path', async () => {
    const editorDir = await builtEditor();
    const t = await start({}, { editorDir });
    for (const sneaky of ['/../../../../etc/passwd', '/assets/..%2f..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/etc/passwd']) {
      expect(await rawGet(t.server.port, sneaky), sneaky).not.toContain('root:');
    }
  });

  it('never writes a token to the logs', async () => {
    const { logger, logs } = capturingLogger('trace');
    const t = await start({}, { logger });
    const { id, editToken, viewToken } = await t.createDoc();
    const client = connectClient(t.collabUrl, id, editToken);
    await waitForSync(client);
    client.destroy();
    const refused = openRawSocket(`${t.collabUrl}/${id}?token=${viewToken}x`);
    await refused.closed;
    await waitFor('the connection logs', () => logs().includes('connection closed') && logs().includes('connection refused'));
    expect(logs()).toContain(id);
    expect(logs()).not.toContain(editToken);
    expect(logs()).not.toContain(viewToken);
    expect(logs()).not.toContain('token=');
  });
});

/** A built editor in a temp dir: index.html and one asset. */
async function builtEditor(): Promise<string> {
  const editorDir = await makeTempDir('collab-editor-');
  await mkdir(path.join(editorDir, 'assets'));
  await writeFile(path.join(editorDir, 'index.html'), '<!doctype html><title>Editor</title>');
  await writeFile(path.join(editorDir, 'assets', 'app.js'), 'console.log(1)');
  return editorDir;
}

/** A GET whose path is sent as written: fetch would normalise the dot segments away. */
function rawGet(port: number, rawPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: rawPath }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}
