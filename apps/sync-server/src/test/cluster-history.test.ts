import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { type TestClient, createDocOn, readMetric, untilUpdated, useClients, waitFor, waitForSync } from './helpers.js';
import { type ServerProcess, useClusterProcesses } from './server-process.js';

/** Two server processes on one Redis and one PostgreSQL, each with writers of its own on one document. */
describe('version history in cluster mode', { timeout: 90_000 }, () => {
  const { start: startProcess } = useClusterProcesses({ HISTORY_INTERVAL_S: '1' });
  const { connect } = useClients();

  function writer(server: ServerProcess, id: string, token: string, name: string): TestClient {
    const c = connect(server, id, token);
    c.provider.awareness.setLocalStateField('user', { name, color: '#123456' });
    return c;
  }

  function append(client: TestClient, line: string): void {
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.insert(0, [new Y.XmlText(line)]);
    const fragment = client.doc.getXmlFragment('default');
    fragment.insert(fragment.length, [paragraph]);
  }

  it('two processes whose writers leave at once cut each state once', async () => {
    const [one, two] = await Promise.all([startProcess(), startProcess()]);
    const doc = await createDocOn(one.url);
    const ada = writer(one, doc.id, doc.editToken, 'Ada');
    const bob = writer(two, doc.id, doc.editToken, 'Bob');
    await Promise.all([waitForSync(ada), waitForSync(bob)]);
    for (let round = 0; round < 3; round++) {
      append(ada, `ada ${round}`);
      append(bob, `bob ${round}`);
      const lines = 2 * (round + 1);
      await untilUpdated(ada, 'both lines', () => ada.doc.getXmlFragment('default').length === lines);
      await untilUpdated(bob, 'both lines', () => bob.doc.getXmlFragment('default').length === lines);
    }
    ada.destroy();
    bob.destroy();
    // Each process cuts when its last writer leaves and again when the document unloads.
    for (const server of [one, two]) {
      await waitFor('the document to unload', async () => (await readMetric(server.url, 'collab_documents_loaded')) === 0, 20_000);
    }

    const auth = { headers: { Authorization: `Bearer ${doc.editToken}` } };
    const versions = (await (await fetch(`${two.url}/api/docs/${doc.id}/versions`, auth)).json()) as Array<{
      id: string;
      authors: Array<{ name: string }>;
    }>;
    expect(versions.length).toBeGreaterThan(0);
    const contents = await Promise.all(
      versions.map(async (v) => (await fetch(`${one.url}/api/docs/${doc.id}/versions/${v.id}?format=text`, auth)).text()),
    );
    // Newest first: the newest holds everything, and no state was added twice.
    expect(contents[0]!.trim().split('\n\n').sort()).toEqual(['ada 0', 'ada 1', 'ada 2', 'bob 0', 'bob 1', 'bob 2']);
    expect(new Set(contents).size).toBe(contents.length);
    // Each version names the writers of the process that cut it (see the README's known limits).
    const authors = new Set(versions.flatMap((v) => v.authors.map((a) => a.name)));
    expect(authors.size).toBeGreaterThan(0);
    for (const name of authors) expect(['Ada', 'Bob']).toContain(name);
  });
});
