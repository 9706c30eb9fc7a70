import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MessageType, encodeUpdate } from '../collab/protocol.js';
import {
  type CreatedDoc,
  type TestServer,
  awarenessWithRawState,
  connectClient,
  openRawSocket,
  startTestServer,
  upgradeOverTcp,
  waitFor,
  waitForSync,
} from './helpers.js';

/** A valid update inserting `text`, and the same bytes with its middle overwritten. */
function updates(text: string) {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, text);
  const valid = Y.encodeStateAsUpdate(doc);
  const corrupt = valid.slice();
  for (let i = 2; i < corrupt.length - 2; i++) corrupt[i] = 0xff;
  return { valid, corrupt };
}

const frame = (...parts: number[][]) => Uint8Array.from(parts.flat());
const withLength = (bytes: Uint8Array) => {
  const e = encoding.createEncoder();
  encoding.writeVarUint8Array(e, bytes);
  return [...encoding.toUint8Array(e)];
};

/** Each case has a document of its own on one shared server, so that none depends on another or on their order. */
describe('malformed messages', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.cleanup());

  /** A document with two honest clients on it, synced. */
  async function honestPair(server: TestServer) {
    const doc = await server.createDoc();
    const [a, b] = [connectClient(server.collabUrl, doc.id, doc.editToken), connectClient(server.collabUrl, doc.id, doc.editToken)];
    await Promise.all([waitForSync(a), waitForSync(b)]);
    const destroy = () => {
      a.destroy();
      b.destroy();
    };
    return { doc, a, b, destroy };
  }

  /**
   * The bad message changed nothing: an honest edit made after its connection closed reaches the other client
   * and is stored alone. The server handles a connection's frames in order and writes in rounds, one at a
   * time, each relayed once stored: had any of the bad message been taken, it would be in the store and at
   * the other client by the time the later edit is.
   */
  async function expectUnharmed(server: TestServer, { doc, a, b }: Awaited<ReturnType<typeof honestPair>>) {
    a.text.insert(0, 'honest');
    await waitFor('the honest edit to reach the other client', () => b.text.length > 0);
    expect(b.text.toString()).toBe('honest');
    expect(await storedText(server, doc)).toBe('honest');
  }

  const storedText = async (server: TestServer, doc: CreatedDoc) => {
    const stored = new Y.Doc();
    Y.applyUpdate(stored, (await server.server.store.load(doc.id))!);
    return stored.getText('t').toString();
  };

  const { valid, corrupt } = updates('poison');
  const cases: Array<[string, Uint8Array | string]> = [
    ['random bytes', Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 0x13, 0x37, 0x00, 0xff])],
    ['an empty frame', new Uint8Array(0)],
    ['an unknown message type', frame([7, 0, 0])],
    ['an unknown sync type', frame([MessageType.Sync, 9], withLength(valid))],
    ['a truncated varint', frame([MessageType.Sync, 0x80])],
    ['a length running past the end', frame([MessageType.Sync, 2, 100, 1, 2, 3])],
    ['a truncated update', encodeUpdate(valid).subarray(0, 8)],
    ['a corrupted update', encodeUpdate(corrupt)],
    ['trailing garbage after an update', frame([...encodeUpdate(valid)], [1, 2, 3])],
    ['broken awareness JSON', awarenessWithRawState('{"user":')],
    ['an awareness state that is not an object', awarenessWithRawState('42')],
    ['a text frame', 'hello'],
  ];

  it.each(cases)('closes the sender of %s with 4400 and stores nothing', async (_name, message) => {
    const pair = await honestPair(t);
    try {
      const raw = openRawSocket(`${t.collabUrl}/${pair.doc.id}?token=${pair.doc.editToken}`);
      await raw.accepted;
      raw.socket.send(message);
      expect((await raw.closed).code).toBe(4400);
      await expectUnharmed(t, pair);
    } finally {
      pair.destroy();
    }
  });

  it('closes a message over MAX_MESSAGE_BYTES with 4413', async () => {
    const small = await startTestServer({ MAX_MESSAGE_BYTES: '2048' });
    const pair = await honestPair(small);
    try {
      const raw = openRawSocket(`${small.collabUrl}/${pair.doc.id}?token=${pair.doc.editToken}`);
      await raw.accepted;
      raw.socket.send(encodeUpdate(updates('x'.repeat(4096)).valid));
      expect((await raw.closed).code).toBe(4413);
      await expectUnharmed(small, pair);
    } finally {
      pair.destroy();
      await small.cleanup();
    }
  });

  it('survives a WebSocket frame without the mask bit (a framing violation)', async () => {
    const pair = await honestPair(t);
    try {
      const socket = await upgradeOverTcp(t.server.port, `/collab/${pair.doc.id}?token=${pair.doc.editToken}`);
      // FIN + binary opcode, payload length 3, and no mask bit: clients must mask (RFC 6455 5.1).
      socket.write(Buffer.from([0x82, 0x03, 1, 2, 3]));
      await new Promise((resolve) => socket.once('close', resolve));
      expect((await fetch(`${t.server.url}/healthz`)).status).toBe(200);
      await expectUnharmed(t, pair);
    } finally {
      pair.destroy();
    }
  });
});
