import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterEnv, useClusterServices } from './backends.js';
import { type TestServer, startTestServer, useClients, waitFor, waitForSync } from './helpers.js';

/** Cluster mode while Redis is away: the README's promise that only the writers' connections close. */
describe('cluster mode, Redis restarting under a document', () => {
  const services = useClusterServices();
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(clusterEnv(services));
  });
  afterAll(() => t?.cleanup());
  const { connect } = useClients();

  it('closes the writers with 4503 and keeps a reader, which converges once Redis is back', async () => {
    const { id, editToken } = await t.createDoc();
    const [writer, reader] = [connect(t, id, editToken), connect(t, id, editToken)];
    const closes = { writer: [] as number[], reader: [] as number[] };
    writer.provider.on('connection-close', (event) => closes.writer.push(event?.code ?? 0));
    reader.provider.on('connection-close', (event) => closes.reader.push(event?.code ?? 0));
    await Promise.all([waitForSync(writer), waitForSync(reader)]);

    const marks: string[] = [];
    const typing = (async () => {
      for (let i = 0; i < 60; i++) {
        const mark = `<${i}>`;
        writer.text.insert(writer.text.length, mark);
        marks.push(mark);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    await services.redis.restart();
    await typing;

    await waitFor('the reader to hold every edit', () => marks.every((mark) => reader.text.toString().includes(mark)), 30_000);
    // The restart really interrupted the writer: its edits were refused, kept and sent again.
    expect(closes.writer.length).toBeGreaterThan(0);
    expect(closes.writer.every((code) => code === 4503)).toBe(true);
    expect(closes.reader).toEqual([]);
  }, 60_000);
});
