import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { type TestClient, connectClient, createDocOn, makeTempDir, waitFor, waitForSync } from './helpers.js';
import { type ServerProcess, serverHome, spawnServer } from './server-process.js';

describe('durability of the server process', () => {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup() {
    const home = await serverHome();
    cleanups.push(() => home.cleanup());
    return { start: () => home.start() };
  }

  const client = (server: ServerProcess, id: string, token: string): TestClient => {
    const c = connectClient(server.collabUrl, id, token);
    cleanups.push(() => c.destroy());
    return c;
  };

  const crashRounds = Number(process.env.CRASH_ROUNDS ?? 5);

  it(`keeps every update a client received when the server is killed with SIGKILL right after (${crashRounds} kills)`, async () => {
    const { start } = await setup();
    let server = await start();
    const { id, editToken } = await createDocOn(server.url);
    const expected: string[] = [];
    for (let round = 0; round < crashRounds; round++) {
      const writer = client(server, id, editToken);
      const reader = client(server, id, editToken);
      await Promise.all([waitForSync(writer), waitForSync(reader)]);
      const mark = `[${round}]`;
      const killed = new Promise<void>((resolve) => {
        reader.doc.on('update', () => {
          if (!reader.text.toString().includes(mark)) return;
          // The very moment the relayed update arrives: nothing else gets a chance to write.
          server.child.kill('SIGKILL');
          resolve();
        });
      });
      writer.text.insert(writer.text.length, mark);
      expected.push(mark);
      await killed;
      expect(await server.exited).toBe('SIGKILL');
      writer.destroy();
      reader.destroy();

      server = await start();
      const fresh = client(server, id, editToken);
      await waitForSync(fresh);
      expect(fresh.text.toString()).toBe(expected.join(''));
      fresh.destroy();
    }
  }, 30_000 + crashRounds * 5_000);

  it('drains pending writes and exits 0 on SIGTERM; the writer’s edits all arrive after restart', async () => {
    const { start } = await setup();
    let server = await start();
    const { id, editToken } = await createDocOn(server.url);
    const writer = client(server, id, editToken);
    const reader = client(server, id, editToken);
    await Promise.all([waitForSync(writer), waitForSync(reader)]);
    for (let i = 0; i < 300; i++) writer.text.insert(writer.text.length, `${i},`);
    await waitFor('the first relayed edits', () => reader.text.length > 0);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const seenBeforeShutdown = reader.text.toString();
    reader.destroy();

    server = await start();
    const fresh = client(server, id, editToken);
    await waitForSync(fresh);
    expect(fresh.text.toString().startsWith(seenBeforeShutdown)).toBe(true);
    // The writer reconnects by itself and resends whatever the server had not stored.
    await waitFor('all 300 edits', () => fresh.text.toString() === writer.text.toString(), 15_000);
    expect(fresh.text.toString().split(',')).toHaveLength(301);
  });
});

describe('start-up configuration errors', () => {
  it.each([
    [{ PORT: 'eighty' }, /^Configuration error: PORT="eighty" is invalid/],
    [{ PUBLIC_URL: 'localhost:1234' }, /^Configuration error: PUBLIC_URL=/],
    [{ DATA_DIR: '/dev/null/data' }, /^Configuration error: DATA_DIR=\/dev\/null\/data is not a writable directory/],
    [{ REDIS_URL: 'redis://127.0.0.1:6379' }, /^Configuration error: DATABASE_URL is required/],
  ])('%o stops start-up with one line naming the variable', async (env, message) => {
    const dataDir = await makeTempDir();
    try {
      const started = spawnServer({ DATA_DIR: dataDir, PORT: '0', ...env });
      started.catch(() => {});
      const server = started.process;
      let stderr = '';
      server.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise((resolve) => server.once('exit', resolve));
      expect(code).toBe(1);
      expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
