import { describe, expect, it } from 'vitest';
import { type TestServer, readMetric, useClients, useTestServers, waitFor, waitForSync } from './helpers.js';

const DOCS = 8;

describe('DURABILITY: what a relayed update has been through', () => {
  const { start } = useTestServers();
  const { connect: client, destroyAll } = useClients();

  /** Several documents edited at once; resolves when every reader has every edit, i.e. all are stored. */
  async function editSeveralDocuments(server: TestServer): Promise<{ id: string; editToken: string; text: string }[]> {
    const docs = await Promise.all(Array.from({ length: DOCS }, () => server.createDoc()));
    const pairs = docs.map(({ id, editToken }) => ({ id, editToken, writer: client(server, id, editToken), reader: client(server, id, editToken) }));
    await Promise.all(pairs.flatMap(({ writer, reader }) => [waitForSync(writer), waitForSync(reader)]));
    for (let i = 0; i < 20; i++) for (const { writer } of pairs) writer.text.insert(writer.text.length, `${i};`);
    const text = pairs[0]!.writer.text.toString();
    await waitFor('every reader to have every edit', () => pairs.every(({ reader }) => reader.text.toString() === text));
    return pairs.map(({ id, editToken }) => ({ id, editToken, text }));
  }

  const stats = async (server: TestServer) => ({
    writes: await readMetric(server.server.url, 'collab_store_writes_total'),
    fsyncs: await readMetric(server.server.url, 'collab_store_fsyncs_total'),
  });

  it('by default, fsyncs the writes of what it relays (the store proves each write is in a synced batch)', async () => {
    const t = await start();
    await editSeveralDocuments(t);
    const { writes, fsyncs } = await stats(t);
    // At least the documents' creations and one write round each. How many batches carried them depends on
    // how the edits arrived; the store's own tests prove the sharing.
    expect(writes).toBeGreaterThanOrEqual(2 * DOCS);
    expect(fsyncs).toBeGreaterThan(0);
  });

  it('with DURABILITY=os, writes without fsync, relays and keeps every edit across a restart', async () => {
    const t = await start({ DURABILITY: 'os' });
    const docs = await editSeveralDocuments(t);
    // Every edit has been relayed, so every write it took has finished: none of them was synced.
    const { writes, fsyncs } = await stats(t);
    expect(writes).toBeGreaterThanOrEqual(2 * DOCS);
    expect(fsyncs).toBe(0);

    destroyAll();
    await t.restart();
    for (const { id, editToken, text } of docs) {
      const fresh = client(t, id, editToken);
      await waitForSync(fresh);
      expect(fresh.text.toString()).toBe(text);
    }
  });
});
