import type { DocStore } from '@collab/persistence';
import { afterEach, describe, expect, it } from 'vitest';
import { type TestClient, type TestServer, connectClient, startTestServer, waitFor, waitForSync } from './helpers.js';

/** A real store whose appends can be made to fail, as on a full disk or a lost permission. */
function switchableStore() {
  const control = { failing: false };
  const decorate = (store: DocStore) => {
    const append = store.append.bind(store);
    store.append = async (id, updates) => {
      if (control.failing) throw new Error('ENOSPC: no space left on device');
      return append(id, updates);
    };
    return store;
  };
  return { control, decorate };
}

describe('a failing store', () => {
  let t: TestServer;
  const clients: TestClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await t.cleanup();
  });

  it('relays nothing, closes the writer with 4503, reports degraded, and loses nothing once it recovers', async () => {
    const { control, decorate } = switchableStore();
    t = await startTestServer({}, { decorateStore: decorate });
    const { id, editToken } = await t.createDoc();
    const writer = connectClient(t.collabUrl, id, editToken);
    const reader = connectClient(t.collabUrl, id, editToken);
    clients.push(writer, reader);
    await Promise.all([waitForSync(writer), waitForSync(reader)]);
    writer.text.insert(0, 'stored. ');
    await waitFor('the first edit', () => reader.text.toString() === 'stored. ');

    control.failing = true;
    const closedWith = new Promise<number>((resolve) =>
      writer.provider.once('connection-close', (event) => resolve(event?.code ?? 0)),
    );
    writer.text.insert(writer.text.length, 'written while the disk was full');
    expect(await closedWith).toBe(4503);
    expect(reader.text.toString()).toBe('stored. ');
    const health = await fetch(`${t.server.url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: 'degraded', reason: 'writes to the store are failing' });
    const metrics = await (await fetch(`${t.server.url}/metrics`)).text();
    expect(metrics).toMatch(/^collab_store_errors_total\{operation="append"\} [1-9]/m);

    // The writer keeps its edit and resends it when it reconnects to a store that works again.
    control.failing = false;
    const full = 'stored. written while the disk was full';
    await waitFor('the resent edit to reach the reader', () => reader.text.toString() === full, 15_000);
    expect((await fetch(`${t.server.url}/healthz`)).status).toBe(200);

    await t.restart();
    const fresh = connectClient(t.collabUrl, id, editToken);
    clients.push(fresh);
    await waitForSync(fresh);
    expect(fresh.text.toString()).toBe(full);
  });
});
