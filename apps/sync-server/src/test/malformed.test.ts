import net from 'node:net';
import * as encoding from 'lib0/encoding';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MessageType, encodeAwareness, encodeUpdate } from '../collab/protocol.js';
import {
  type TestClient,
  type TestServer,
  connectClient,
  openRawSocket,
  startTestServer,
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

describe('malformed messages', () => {
  let t: TestServer;
  let doc: { id: string; editToken: string };
  let a: TestClient;
  let b: TestClient;

  beforeAll(async () => {
    t = await startTestServer();
    doc = await t.createDoc();
    a = connectClient(t.collabUrl, doc.id, doc.editToken);
    b = connectClient(t.collabUrl, doc.id, doc.editToken);
    await Promise.all([waitForSync(a), waitForSync(b)]);
  });
  afterAll(async () => {
    a.destroy();
    b.destroy();
    await t.cleanup();
  });

  // After each bad message, the other clients of the document must still be converging.
  let round = 0;
  afterEach(async () => {
    const mark = `<${++round}>`;
    a.text.insert(a.text.length, mark);
    await waitFor('the honest clients to keep converging', () => b.text.toString().includes(mark));
  });

  const { valid, corrupt } = updates('poison');
  const cases: Array<[string, Uint8Array | string, number]> = [
    ['random bytes', Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 0x13, 0x37, 0x00, 0xff]), 4400],
    ['an empty frame', new Uint8Array(0), 4400],
    ['an unknown message type', frame([7, 0, 0]), 4400],
    ['an unknown sync type', frame([MessageType.Sync, 9], withLength(valid)), 4400],
    ['a truncated varint', frame([MessageType.Sync, 0x80]), 4400],
    ['a length running past the end', frame([MessageType.Sync, 2, 100, 1, 2, 3]), 4400],
    ['a truncated update', encodeUpdate(valid).subarray(0, 8), 4400],
    ['a corrupted update', encodeUpdate(corrupt), 4400],
    ['trailing garbage after an update', frame([...encodeUpdate(valid)], [1, 2, 3]), 4400],
    ['broken awareness JSON', awarenessWith('{"user":'), 4400],
    ['an awareness state that is not an object', awarenessWith('42'), 4400],
    ['a text frame', 'hello', 4400],
  ];

  it.each(cases)('closes the sender of %s with %i and stores nothing', async (_name, message, code) => {
    const raw = openRawSocket(`${t.collabUrl}/${doc.id}?token=${doc.editToken}`);
    await raw.opened;
    raw.socket.send(message);
    expect((await raw.closed).code).toBe(code);
    expect(a.text.toString()).not.toContain('poison');
  });

  it('closes a message over MAX_MESSAGE_BYTES with 4413', async () => {
    const small = await startTestServer({ MAX_MESSAGE_BYTES: '2048' });
    try {
      const created = await small.createDoc();
      const raw = openRawSocket(`${small.collabUrl}/${created.id}?token=${created.editToken}`);
      await raw.opened;
      raw.socket.send(encodeUpdate(updates('x'.repeat(4096)).valid));
      expect((await raw.closed).code).toBe(4413);
    } finally {
      await small.cleanup();
    }
  });

  it('survives a WebSocket frame without the mask bit (a framing violation)', async () => {
    const socket = net.connect(t.server.port, '127.0.0.1');
    socket.on('error', () => {});
    const key = Buffer.from('0123456789abcdef').toString('base64');
    socket.write(
      `GET /collab/${doc.id}?token=${doc.editToken} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n` +
        `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    await new Promise((resolve) => socket.once('data', resolve));
    // FIN + binary opcode, payload length 3, and no mask bit: clients must mask (RFC 6455 5.1).
    socket.write(Buffer.from([0x82, 0x03, 1, 2, 3]));
    await new Promise((resolve) => socket.once('close', resolve));
    const health = await fetch(`${t.server.url}/healthz`);
    expect(health.status).toBe(200);
  });

  it('still loads the document after all of that', async () => {
    await t.restart();
    const fresh = connectClient(t.collabUrl, doc.id, doc.editToken);
    try {
      await waitFor('the reloaded document', () => fresh.text.length > 0 && fresh.text.toString() === a.text.toString());
      expect(fresh.text.toString()).not.toContain('poison');
    } finally {
      fresh.destroy();
    }
  });
});

function awarenessWith(json: string): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint(e, 12345);
  encoding.writeVarUint(e, 1);
  encoding.writeVarString(e, json);
  return encodeAwareness(encoding.toUint8Array(e));
}
