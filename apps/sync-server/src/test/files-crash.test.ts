import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { imageBytes, sha256 } from './file-bytes.js';
import { createDocOn, waitFor } from './helpers.js';
import { serverHome } from './server-process.js';

describe('an upload cut short by SIGKILL', () => {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('leaves no half file and no reference: after a restart the file is unknown and uploads again whole', async () => {
    const home = await serverHome();
    cleanups.push(() => home.cleanup());
    const { dataDir } = home;
    let server = await home.start();
    const { id, editToken, viewToken } = await createDocOn(server.url);
    const bytes = imageBytes('image/png', 1024 * 1024);
    const half = bytes.subarray(0, bytes.length / 2);

    // Half the body, then nothing more: the server is writing the temp file when it is killed.
    const body = new ReadableStream<Uint8Array>({ start: (controller) => controller.enqueue(half) });
    const abort = new AbortController();
    cleanups.push(() => abort.abort());
    const stalled = fetch(`${server.url}/api/docs/${id}/files`, {
      method: 'POST',
      body,
      duplex: 'half',
      signal: abort.signal,
      headers: { authorization: `Bearer ${editToken}` },
    } as RequestInit).catch(() => null);
    const tmp = path.join(dataDir, 'files', 'tmp');
    await waitFor('the upload to reach its temp file', async () => {
      const names = await readdir(tmp).catch(() => []);
      return names.length === 1 && (await stat(path.join(tmp, names[0]!))).size === half.length;
    });
    server.child.kill('SIGKILL');
    expect(await server.exited).toBe('SIGKILL');
    expect(await stalled).toBeNull();

    server = await home.start();
    const get = () => fetch(`${server.url}/api/docs/${id}/files/${sha256(bytes)}`, { headers: { authorization: `Bearer ${viewToken}` } });
    expect((await get()).status).toBe(404);
    expect(await readdir(tmp)).toEqual([]);
    expect(await readdir(path.join(dataDir, 'files', 'objects'))).toEqual([]);

    const again = await fetch(`${server.url}/api/docs/${id}/files`, { method: 'POST', body: bytes, headers: { authorization: `Bearer ${editToken}` } });
    expect(again.status).toBe(201);
    const served = await get();
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);
  });
});
