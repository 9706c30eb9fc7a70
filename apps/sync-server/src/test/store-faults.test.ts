import type WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { encodeSyncStep1 } from '../collab/protocol.js';
import { type StoreControl, controlStore } from './controlled-store.js';
import { type TestClient, type TestServer, readMetric, startTestServer, untilUpdated, useClients, waitForSync } from './helpers.js';

/** A server on a real LevelDB store whose appends the test can make fail. */
async function serverWithFaultyStore(): Promise<{ t: TestServer; control: StoreControl }> {
  let control!: StoreControl;
  const t = await startTestServer(
    {},
    {
      decorateStore: (store) => {
        control = controlStore(store);
        return store;
      },
    },
  );
  return { t, control };
}

/** Every close code the client's connections end with, and a way to wait for the next one. */
function closeCodes(client: TestClient) {
  const codes: number[] = [];
  const waiting: Array<(code: number) => void> = [];
  client.provider.on('connection-close', (event) => {
    const code = event?.code ?? 0;
    codes.push(code);
    waiting.shift()?.(code);
  });
  return { codes, next: () => new Promise<number>((resolve) => waiting.push(resolve)) };
}

/**
 * A sync request on the client's open socket, resolved by the server's answer (which the stock client
 * applies like any other). The server answers only from a document equal to the store, and after every
 * frame it sent this client before: once it is here, nothing unseen is on its way.
 */
function syncRoundTrip(client: TestClient): Promise<void> {
  const ws = client.provider.ws as unknown as WebSocket;
  return new Promise((resolve, reject) => {
    const onClose = (code: number) => reject(new Error(`the socket closed (${code}) before the answer`));
    // The stock client asks for ArrayBuffers.
    const onMessage = (data: ArrayBuffer) => {
      const [type, syncType] = new Uint8Array(data);
      if (type !== 0 || syncType !== 1) return; // sync step 2
      ws.off('message', onMessage).off('close', onClose);
      resolve();
    };
    ws.on('message', onMessage).once('close', onClose);
    ws.send(encodeSyncStep1(client.doc));
  });
}

async function storedText(t: TestServer, id: string): Promise<string> {
  const doc = new Y.Doc();
  const state = await t.server.store.load(id);
  if (state) Y.applyUpdate(doc, state);
  return doc.getText('t').toString();
}

describe('a failing store', () => {
  let t: TestServer;
  afterEach(() => t.cleanup());
  const clients = useClients();
  const connect = (id: string, token: string) => clients.connect(t, id, token);

  /** A server with a store whose appends fail at will, and a writer and a reader synced on a new document. */
  async function writerAndReader() {
    const started = await serverWithFaultyStore();
    t = started.t;
    const { id, editToken } = await t.createDoc();
    const writer = connect(id, editToken);
    const reader = connect(id, editToken);
    const writerCloses = closeCodes(writer);
    const readerCloses = closeCodes(reader);
    await Promise.all([waitForSync(writer), waitForSync(reader)]);
    return { control: started.control, id, editToken, writer, reader, writerCloses, readerCloses };
  }

  it('closes only the writers with 4503; a reader stays, receives nothing unstored and converges once it works', async () => {
    const { control, id, editToken, writer, reader, writerCloses, readerCloses } = await writerAndReader();
    writer.text.insert(0, 'stored. ');
    await untilUpdated(reader, 'the first edit', () => reader.text.toString() === 'stored. ');

    control.append = 'failing';
    writer.text.insert(writer.text.length, 'written while the disk was full');
    expect(await writerCloses.next()).toBe(4503);
    const health = await fetch(`${t.server.url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: 'degraded', reason: 'writes to the store are failing' });
    expect(await readMetric(t.server.url, 'collab_store_errors_total{operation="append"}')).toBeGreaterThanOrEqual(1);

    // The writer's client comes back and resends its edit; while the store still fails, it is refused again.
    expect(await writerCloses.next()).toBe(4503);
    expect(control.failedAppends).toBeGreaterThanOrEqual(2);
    await syncRoundTrip(reader);
    expect(reader.text.toString()).toBe('stored. ');
    expect(reader.provider.wsconnected).toBe(true);
    expect(await storedText(t, id)).toBe('stored. ');

    control.append = 'working';
    const full = 'stored. written while the disk was full';
    await untilUpdated(reader, 'the resent edit to reach the reader', () => reader.text.toString() === full);
    expect(await storedText(t, id)).toBe(full);
    expect(readerCloses.codes).toEqual([]);
    expect((await fetch(`${t.server.url}/healthz`)).status).toBe(200);

    await t.restart();
    const fresh = connect(id, editToken);
    await untilUpdated(fresh, 'a fresh client to get the document', () => fresh.text.toString() === full);
  });

  it('an append that failed after writing still reaches the reader, from the reloaded document', async () => {
    const { control, id, writer, reader, writerCloses, readerCloses } = await writerAndReader();

    control.append = 'failing-after-write';
    // The writer gives up after its close: what the reader gets can only come from the store.
    control.onFailure = () => {
      control.append = 'working';
    };
    const writerClosed = writerCloses.next();
    writer.text.insert(0, 'written, then reported lost');
    expect(await writerClosed).toBe(4503);
    writer.provider.disconnect();

    await untilUpdated(reader, 'the stored edit to reach the reader', () => reader.text.toString() === 'written, then reported lost');
    expect(await storedText(t, id)).toBe('written, then reported lost');
    expect(readerCloses.codes).toEqual([]);
  });
});
