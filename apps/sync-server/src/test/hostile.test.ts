/**
 * The attacks of issue 12, each through a real server and real sockets: the attacker's connection alone is
 * closed, with a 44xx code the stock client does not retry, the honest users of the same document go on,
 * and nothing of the attack is stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { encodeSyncStep1, encodeUpdate } from '../collab/protocol.js';
import {
  type CreatedDoc,
  type RawSocketOptions,
  type TestServer,
  awarenessMessage,
  awarenessWithRawState,
  connectClient,
  openRawSocket,
  readMetric,
  startTestServer,
  waitFor,
  waitForSync,
} from './helpers.js';
import { encodeHandUpdate } from './update-bytes.js';

const BUDGETS = {
  MAX_DOC_BYTES: String(64 * 1024),
  MAX_PRESENCE_CLIENTS: '2',
  MAX_DOC_PRESENCE_BYTES: '4096',
  MAX_HELD_BYTES: '8192',
  SYNC_RATE_LIMIT: '60',
};

/** A Yjs update of `text` inserted at the start by `doc`'s client, after what `doc` has. */
function insertion(doc: Y.Doc, text: string): Uint8Array {
  const before = Y.encodeStateVector(doc);
  doc.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(doc, before);
}

describe('hostile clients', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(BUDGETS);
  });
  afterAll(() => t.cleanup());

  const raw = (doc: CreatedDoc, token = doc.editToken, options?: RawSocketOptions) =>
    openRawSocket(`${t.collabUrl}/${doc.id}?token=${token}`, options);

  /** Two honest stock clients on a fresh document, synced, with every close either of them sees. */
  async function honestPair() {
    const doc = await t.createDoc();
    const [a, b] = [connectClient(t.collabUrl, doc.id, doc.editToken), connectClient(t.collabUrl, doc.id, doc.editToken)];
    const closes: number[] = [];
    for (const client of [a, b]) client.provider.on('connection-close', (event) => closes.push(event?.code ?? 0));
    await Promise.all([waitForSync(a), waitForSync(b)]);
    const storedText = async () => {
      const stored = new Y.Doc();
      const state = await t.server.store.load(doc.id);
      if (state) Y.applyUpdate(stored, state);
      return stored.getText('t').toString();
    };
    return { doc, a, b, closes, storedText, destroy: () => [a, b].forEach((c) => c.destroy()) };
  }
  type Pair = Awaited<ReturnType<typeof honestPair>>;

  /** The pair was never closed, and an edit made now reaches the other client and the store alone. */
  async function expectUnharmed(pair: Pair, before = '') {
    pair.a.text.insert(0, 'honest ');
    await waitFor('the honest edit', () => pair.b.text.toString() === 'honest ' + before);
    expect(await pair.storedText()).toBe('honest ' + before);
    expect(pair.closes).toEqual([]);
  }

  it('closes only the sender of an update whose origin is its own missing clock (4400)', async () => {
    const pair = await honestPair();
    const attacker = raw(pair.doc);
    await attacker.accepted;
    const structs = [{ content: { ref: 'string', text: 'x' } as const, origin: { client: 7, clock: 5 } }];
    attacker.socket.send(encodeUpdate(encodeHandUpdate({ clients: [{ client: 7, clock: 0, structs }] })));
    expect((await attacker.closed).code).toBe(4400);
    await expectUnharmed(pair);
    pair.destroy();
  });

  it('refuses a delete set in descending order, storing none of it', async () => {
    const pair = await honestPair();
    const long = 'x'.repeat(20_000);
    pair.a.text.insert(0, long);
    await waitFor('the long text', () => pair.b.text.length === long.length);
    const ranges = Array.from({ length: long.length / 2 }, (_, i) => ({ clock: long.length - 2 - 2 * i, length: 1 }));
    const attacker = raw(pair.doc);
    await attacker.accepted;
    attacker.socket.send(encodeUpdate(encodeHandUpdate({ clients: [], deletes: [{ client: pair.a.doc.clientID, ranges }] })));
    expect([4400, 4413]).toContain((await attacker.closed).code);
    await expectUnharmed(pair, long);
    pair.destroy();
  });

  it('closes a writer using another user’s client id (4409); that user’s later edits still count', async () => {
    const pair = await honestPair();
    pair.a.text.insert(0, 'mine');
    await waitFor('Ada’s edit', () => pair.b.text.toString() === 'mine');
    // Mallory writes as Ada, where Ada's next edit would go: Yjs would drop Ada's as already known.
    const mallory = new Y.Doc();
    Y.applyUpdate(mallory, Y.encodeStateAsUpdate(pair.a.doc));
    mallory.clientID = pair.a.doc.clientID;
    const attacker = raw(pair.doc);
    await attacker.accepted;
    attacker.socket.send(encodeUpdate(insertion(mallory, 'stolen ')));
    expect(await attacker.closed).toEqual({ code: 4409, reason: 'client id belongs to another connection' });
    await expectUnharmed(pair, 'mine');
  });

  it('closes a client that sends more than MAX_HELD_BYTES before its sync answer (4413)', async () => {
    const pair = await honestPair();
    const attacker = raw(pair.doc, pair.doc.editToken, { answerSync: false });
    await attacker.accepted;
    const flood = new Y.Doc();
    for (let i = 0; i < 20; i++) attacker.socket.send(encodeUpdate(insertion(flood, 'x'.repeat(1_000))));
    expect((await attacker.closed).code).toBe(4413);
    await expectUnharmed(pair);
    pair.destroy();
  });

  it('stops a document at MAX_DOC_BYTES: its writer gets 4413, readers stay', async () => {
    const pair = await honestPair();
    const attacker = raw(pair.doc);
    await attacker.accepted;
    const filler = new Y.Doc();
    for (let i = 0; i < 10; i++) attacker.socket.send(encodeUpdate(insertion(filler, 'x'.repeat(10_000))));
    expect(await attacker.closed).toEqual({ code: 4413, reason: 'the document is at its size limit' });
    await waitFor('the reader to hold what fitted, as stored', async () => {
      const text = pair.b.text.toString();
      return text.length >= 50_000 && text === (await pair.storedText());
    });
    expect((await t.server.store.load(pair.doc.id))!.byteLength).toBeLessThanOrEqual(64 * 1024);
    expect(pair.closes).toEqual([]);
    pair.destroy();
  });

  it('closes a client over SYNC_RATE_LIMIT sync requests (4429)', async () => {
    const pair = await honestPair();
    const attacker = raw(pair.doc, pair.doc.viewToken);
    await attacker.accepted;
    for (let i = 0; i < 20; i++) attacker.socket.send(encodeSyncStep1(pair.a.doc));
    expect((await attacker.closed).code).toBe(4429);
    await expectUnharmed(pair);
    pair.destroy();
  });

  it('never reads a view link’s update: it gets “permission denied” and stays open', async () => {
    const pair = await honestPair();
    const viewer = raw(pair.doc, pair.doc.viewToken);
    await viewer.accepted;
    const before = viewer.messages.length;
    viewer.socket.send(encodeUpdate(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff)));
    // Answered in order: the denial, then the answer to a sync request sent after it.
    viewer.socket.send(encodeSyncStep1(new Y.Doc()));
    await waitFor('two answers', () => viewer.messages.length >= before + 2);
    expect(Buffer.from(viewer.messages[before]!).toString('latin1')).toContain('read-only');
    expect(viewer.socket.readyState).toBe(viewer.socket.OPEN);
    await expectUnharmed(pair);
    pair.destroy();
  });

  describe('presence', () => {
    it('closes a connection showing more than MAX_PRESENCE_CLIENTS client ids (4413)', async () => {
      const pair = await honestPair();
      const attacker = raw(pair.doc, pair.doc.viewToken);
      await attacker.accepted;
      for (let id = 1; id <= 3; id++) attacker.socket.send(awarenessMessage(900 + id, { n: id }));
      expect(await attacker.closed).toEqual({ code: 4413, reason: 'too many presence client ids' });
      await waitFor('the attacker’s presence to go', () => ![901, 902].some((id) => pair.b.provider.awareness.getStates().has(id)));
      await expectUnharmed(pair);
      pair.destroy();
    });

    it('keeps the document’s presence within MAX_DOC_PRESENCE_BYTES, and frees what leavers held', async () => {
      const pair = await honestPair();
      const first = raw(pair.doc, pair.doc.viewToken);
      await first.accepted;
      first.socket.send(awarenessMessage(801, { pad: 'x'.repeat(3_000) }));
      await waitFor('the first state', () => pair.b.provider.awareness.getStates().has(801));
      const second = raw(pair.doc, pair.doc.viewToken);
      await second.accepted;
      second.socket.send(awarenessMessage(802, { pad: 'x'.repeat(2_000) }));
      expect((await second.closed).code).toBe(4413);
      first.socket.close();
      await waitFor('the first state to go', () => !pair.b.provider.awareness.getStates().has(801));
      const third = raw(pair.doc, pair.doc.viewToken);
      await third.accepted;
      third.socket.send(awarenessMessage(803, { pad: 'x'.repeat(2_000) }));
      await waitFor('the third state', () => pair.b.provider.awareness.getStates().has(803));
      third.socket.close();
      await expectUnharmed(pair);
      pair.destroy();
    });

    it('refuses presence nested deeper than MAX_AWARENESS_DEPTH (4400); newcomers join and the room unloads', async () => {
      const own = await startTestServer();
      try {
        const doc = await own.createDoc();
        const attacker = openRawSocket(`${own.collabUrl}/${doc.id}?token=${doc.viewToken}`);
        await attacker.accepted;
        const deep = '{"a":'.repeat(8_000) + '1' + '}'.repeat(8_000);
        attacker.socket.send(awarenessWithRawState(deep));
        expect((await attacker.closed).code).toBe(4400);
        const newcomer = connectClient(own.collabUrl, doc.id, doc.editToken);
        await waitForSync(newcomer);
        newcomer.destroy();
        await waitFor('the room to unload', async () => (await readMetric(own.server.url, 'collab_documents_loaded')) === 0);
      } finally {
        await own.cleanup();
      }
    });
  });
});
