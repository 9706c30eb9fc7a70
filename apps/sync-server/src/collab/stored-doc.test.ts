import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readServerFrame, textOf, textUpdate } from '../test/recording-peer.js';
import type { Applied } from './batches.js';
import { StoredDoc } from './stored-doc.js';

const EMPTY_STATE_VECTOR = Uint8Array.of(0);

/** The update appending `text` to the `t` text of `doc`. */
function appendUpdate(doc: Y.Doc, text: string): Uint8Array {
  const before = Y.encodeStateVector(doc);
  doc.getText('t').insert(doc.getText('t').length, text);
  return Y.encodeStateAsUpdate(doc, before);
}

/** What a client that had nothing holds after applying a sync step 2 frame. */
function clientAfter(frame: Uint8Array): Y.Doc {
  const read = readServerFrame(frame);
  if (read.kind !== 'sync-step2') throw new Error(`expected a sync step 2, got ${read.kind}`);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, read.update);
  return doc;
}

function stateVectorIn(frame: Uint8Array): Map<number, number> {
  const read = readServerFrame(frame);
  if (read.kind !== 'sync-step1') throw new Error(`expected a sync step 1, got ${read.kind}`);
  return Y.decodeStateVector(read.stateVector);
}

describe('a stored doc', () => {
  const docs: StoredDoc[] = [];
  const load = (stored: Uint8Array | null) => {
    const doc = new StoredDoc(stored);
    docs.push(doc);
    return doc;
  };
  afterEach(() => {
    for (const doc of docs.splice(0)) doc.destroy();
  });

  it('gives every newcomer the same frames, with the stored state, until the doc changes', () => {
    const writer = new Y.Doc();
    const stored = textUpdate('stored text', writer);
    const doc = load(stored);

    const step1 = doc.syncStep1();
    expect(stateVectorIn(step1)).toEqual(Y.decodeStateVector(Y.encodeStateVector(writer)));
    const whole = doc.syncStep2(EMPTY_STATE_VECTOR);
    expect(textOf(clientAfter(whole))).toBe('stored text');
    expect(doc.syncStep1()).toBe(step1);
    expect(doc.syncStep2(EMPTY_STATE_VECTOR)).toBe(whole);

    const applied: Applied[] = [];
    doc.apply(appendUpdate(writer, ', then more'), 'someone', applied);
    expect(applied).toHaveLength(1);
    const nextStep1 = doc.syncStep1();
    expect(nextStep1).not.toBe(step1);
    expect(stateVectorIn(nextStep1)).toEqual(Y.decodeStateVector(Y.encodeStateVector(writer)));
    expect(doc.syncStep1()).toBe(nextStep1);
    expect(textOf(clientAfter(doc.syncStep2(EMPTY_STATE_VECTOR)))).toBe('stored text, then more');
  });

  it('still decodes the stored state correctly once its bytes are kept inside the shared frame', () => {
    const doc = load(textUpdate('kept once'));
    doc.syncStep2(EMPTY_STATE_VECTOR);
    expect(textOf(doc.doc)).toBe('kept once');
  });

  it('answers a client that has part of the doc with only what it lacks', () => {
    const writer = new Y.Doc();
    textUpdate('first', writer);
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(writer));
    appendUpdate(writer, ' second');
    const doc = load(Y.encodeStateAsUpdate(writer));
    const read = readServerFrame(doc.syncStep2(Y.encodeStateVector(client)));
    if (read.kind !== 'sync-step2') throw new Error(read.kind);
    expect(read.update.byteLength).toBeLessThan(Y.encodeStateAsUpdate(writer).byteLength);
    Y.applyUpdate(client, read.update);
    expect(textOf(client)).toBe('first second');
  });

  it('answers for an empty document like for any other', () => {
    const doc = load(null);
    expect(stateVectorIn(doc.syncStep1())).toEqual(new Map());
    expect(textOf(clientAfter(doc.syncStep2(EMPTY_STATE_VECTOR)))).toBe('');
  });
});
