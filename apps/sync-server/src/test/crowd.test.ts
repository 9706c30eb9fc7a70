import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { type TestClient, type TestServer, startTestServer, useClients, waitFor } from './helpers.js';

interface Caret {
  caret?: number;
}

describe('a crowd in one room', () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(() => t.cleanup());
  const clients = useClients();
  const join = (id: string, token: string) => clients.connect(t, id, token);
  const caretOf = (viewer: TestClient, of: TestClient) =>
    (viewer.provider.awareness.getStates().get(of.doc.clientID) as Caret | undefined)?.caret;

  it('gets presence changes merged, several users per awareness message, and every final caret', async () => {
    const USERS = 30;
    const MOVES = 5;
    const { id, editToken } = await t.createDoc();
    const users = Array.from({ length: USERS }, () => join(id, editToken));
    for (const user of users) user.provider.awareness.setLocalStateField('caret', -1);
    await waitFor('everyone to see everyone', () =>
      users.every((viewer) => users.every((user) => caretOf(viewer, user) === -1)),
    );

    // What the watcher's stock client applies from the server, one entry per awareness message.
    const watcher = users[0]!;
    const messages: number[][] = [];
    watcher.provider.awareness.on(
      'update',
      ({ added, updated, removed }: Record<'added' | 'updated' | 'removed', number[]>, origin: unknown) => {
        if (origin === watcher.provider) messages.push([...added, ...updated, ...removed]);
      },
    );
    // Each user moves its caret several times in a row: a message to the server per move.
    for (let move = 0; move < MOVES; move++) {
      for (const user of users) user.provider.awareness.setLocalStateField('caret', move);
    }
    const last = MOVES - 1;
    await waitFor('every final caret everywhere', () =>
      users.every((viewer) => users.every((user) => caretOf(viewer, user) === last)),
    );

    // Each message lists a client at most once, with its latest state; many moves share a message (the
    // watcher applies no echo of its own moves, so it would get (USERS - 1) * MOVES messages unmerged).
    for (const ids of messages) expect(new Set(ids).size).toBe(ids.length);
    expect(messages.length).toBeLessThan((USERS - 1) * MOVES);
    expect(Math.max(...messages.map((ids) => ids.length))).toBeGreaterThan(1);
  });

  it('gives a crowd joining a big document after a restart the whole of it, the same for everyone', async () => {
    const JOINERS = 40;
    const { id, editToken } = await t.createDoc();
    const author = join(id, editToken);
    const paragraphs = Array.from({ length: 2_000 }, (_, i) => `paragraph ${i}: ${'words '.repeat(20)}\n`);
    // Many small edits, as typing makes them: the stored state is many structs, not one string.
    for (const paragraph of paragraphs) author.text.insert(author.text.length, paragraph);
    const expected = paragraphs.join('');
    const reader = join(id, editToken);
    await waitFor('the text to reach another client', () => reader.text.toString() === expected);
    clients.destroyAll();
    // Loaded afresh from the store, the document is not decoded: the crowd gets the stored bytes.
    await t.restart();

    const crowd = Array.from({ length: JOINERS }, () => join(id, editToken));
    await waitFor('every joiner to hold the document', () => crowd.every((c) => c.text.length === expected.length), 60_000);
    for (const client of crowd) expect(client.text.toString()).toBe(expected);
    const states = new Set(crowd.map((c) => Buffer.from(Y.encodeStateVector(c.doc)).toString('hex')));
    expect(states.size).toBe(1);
  });

  it('lets 500 people from one address join one document, see each other and edit with the default limits', async () => {
    // Every socket of this test comes from 127.0.0.1, as an office behind one NAT address would. Creating
    // documents is the one thing limited per address (tokens.test.ts); joining one must never be.
    const CROWD = 500;
    const { id, editToken } = await t.createDoc();
    const closes: number[] = [];
    const crowd = Array.from({ length: CROWD }, (_, i) => {
      const client = join(id, editToken);
      client.provider.awareness.setLocalStateField('user', { name: `user ${i}` });
      client.provider.on('connection-close', (event: { code: number } | null) => closes.push(event?.code ?? 0));
      return client;
    });
    await waitFor('every client to sync', () => crowd.every((c) => c.provider.synced), 120_000);
    await waitFor(
      'everyone to see everyone',
      () => crowd.every((c) => c.provider.awareness.getStates().size === CROWD),
      120_000,
    );
    crowd[0]!.text.insert(0, 'hello, crowd');
    // The answer follows the first edit, so the text's order does not hang on two concurrent inserts.
    const last = crowd[CROWD - 1]!;
    await waitFor('the first edit at the far end', () => last.text.toString() === 'hello, crowd', 120_000);
    last.text.insert(0, 'and back: ');
    await waitFor('both edits everywhere', () => crowd.every((c) => c.text.toString() === 'and back: hello, crowd'), 120_000);
    expect(closes).toEqual([]);
  }, 300_000);
});
