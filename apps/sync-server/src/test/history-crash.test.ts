import { afterEach, expect, it } from 'vitest';
import { type TestClient, connectClient, createDocOn, waitFor, waitForSync } from './helpers.js';
import { type ServerProcess, serverHome } from './server-process.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

// Starting the server from source twice takes seconds on a busy machine: the limit stops a hung run.
it('a server SIGKILLed while versions are being cut loses no update it relayed, and every version opens', { timeout: 90_000 }, async () => {
  const home = await serverHome({ HISTORY_INTERVAL_S: '1' });
  cleanups.push(() => home.cleanup());
  let server: ServerProcess = await home.start();
  const { id, editToken } = await createDocOn(server.url);
  const client = (): TestClient => {
    const c = connectClient(server.collabUrl, id, editToken);
    cleanups.push(() => c.destroy());
    return c;
  };
  const auth = { headers: { Authorization: `Bearer ${editToken}` } };
  const versions = async () => (await (await fetch(`${server.url}/api/docs/${id}/versions`, auth)).json()) as Array<{ id: string }>;

  const writer = client();
  const reader = client();
  await Promise.all([waitForSync(writer), waitForSync(reader)]);
  // The writer types without pause, so a version is cut every second from a document that keeps changing.
  let typing = true;
  const typed = (async () => {
    for (let i = 0; typing; i++) {
      writer.text.insert(writer.text.length, `${i} `);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  await waitFor('versions being cut', async () => (await versions()).length >= 3, 30_000);
  // Killed the moment the reader receives an update: the next cut is due within the second, mid-stream.
  await new Promise<void>((resolve) =>
    reader.doc.on('update', () => {
      server.child.kill('SIGKILL');
      resolve();
    }),
  );
  expect(await server.exited).toBe('SIGKILL');
  typing = false;
  await typed;
  const relayed = reader.text.toString();
  writer.destroy();
  reader.destroy();

  server = await home.start();
  const fresh = client();
  await waitForSync(fresh);
  expect(fresh.text.toString().startsWith(relayed)).toBe(true);
  const kept = await versions();
  expect(kept.length).toBeGreaterThanOrEqual(3);
  for (const version of kept) {
    const res = await fetch(`${server.url}/api/docs/${id}/versions/${version.id}?format=yjs`, auth);
    expect(res.status).toBe(200);
  }
});
