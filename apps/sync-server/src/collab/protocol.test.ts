import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import {
  MessageType,
  ProtocolError,
  decodeMessage,
  encodeAwareness,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate,
} from './protocol.js';

const decode = (bytes: Uint8Array) => decodeMessage(bytes, { maxAwarenessDepth: 8 });

const docWith = (text: string) => {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, text);
  return doc;
};

describe('decodeMessage', () => {
  it('reads what a stock client sends', () => {
    const doc = docWith('hi');
    expect(decode(encodeSyncStep1(doc))).toEqual({
      kind: 'sync-step1',
      stateVector: Y.encodeStateVector(doc),
      clocks: new Map([[doc.clientID, 2]]),
    });
    const update = Y.encodeStateAsUpdate(doc);
    expect(decode(encodeUpdate(update))).toEqual({ kind: 'update', update, empty: false, step2: false });
    expect(decode(encodeSyncStep2(new Y.Doc(), new Uint8Array([0])))).toMatchObject({ kind: 'update', empty: true, step2: true });
    expect(decode(Uint8Array.of(MessageType.QueryAwareness))).toEqual({ kind: 'query-awareness' });

    const awareness = new awarenessProtocol.Awareness(doc);
    awareness.setLocalStateField('user', { name: 'Ada' });
    const message = decode(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID])));
    expect(message).toMatchObject({ kind: 'awareness', entries: [{ clientId: doc.clientID, state: { user: { name: 'Ada' } } }] });
    awareness.destroy();
  });

  it('counts a deletion-only update as a change', () => {
    const doc = docWith('abc');
    const before = Y.encodeStateVector(doc);
    doc.getText('t').delete(0, 1);
    const message = decode(encodeUpdate(Y.encodeStateAsUpdate(doc, before)));
    expect(message).toMatchObject({ kind: 'update', empty: false });
  });

  it.each([
    ['nothing at all', []],
    ['an unknown type', [9]],
    ['a sync message with no payload', [MessageType.Sync, 2]],
    ['a state vector that is not one', [MessageType.Sync, 0, 2, 0xff, 0xff]],
    ['a length past the end', [MessageType.Sync, 2, 50, 0, 0]],
  ])('refuses %s with a ProtocolError', (_name, bytes) => {
    expect(() => decode(Uint8Array.from(bytes))).toThrow(ProtocolError);
  });

  it('leaves an update unread (a view link’s is refused unread; an edit link’s is read against the document)', () => {
    const garbage = Uint8Array.of(9, 9, 9, 9);
    expect(decode(Uint8Array.of(MessageType.Sync, 2, 4, ...garbage))).toEqual({ kind: 'update', update: garbage, empty: false, step2: false });
  });

  it('refuses a presence state nested deeper than the limit, before parsing it', () => {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint(e, 1);
    encoding.writeVarString(e, `{"a":${'['.repeat(8)}${']'.repeat(8)}}`);
    expect(() => decode(encodeAwareness(encoding.toUint8Array(e)))).toThrow(/nested deeper than 8 levels/);
  });

  it('refuses an awareness entry whose state is not JSON', () => {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint(e, 1);
    encoding.writeVarString(e, '{nope');
    expect(() => decode(encodeAwareness(encoding.toUint8Array(e)))).toThrow(ProtocolError);
  });
});
