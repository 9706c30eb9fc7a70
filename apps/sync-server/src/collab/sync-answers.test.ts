import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SyncAnswers } from './sync-answers.js';

/** A document several clients edited: insertions, deletions (whole items and inside them), formatting. */
function edited(ops: Array<[client: number, at: number, deleteCount: number, text: string]>): Y.Doc {
  const doc = new Y.Doc();
  const clients = new Map<number, Y.Doc>();
  for (const [client, at, deleteCount, text] of ops) {
    let peer = clients.get(client);
    if (!peer) {
      peer = new Y.Doc();
      peer.clientID = client;
      clients.set(client, peer);
    }
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(doc));
    const t = peer.getText('t');
    const position = at % (t.length + 1);
    peer.transact(() => {
      t.delete(position, Math.min(deleteCount, t.length - position));
      t.insert(position, text);
    });
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(peer));
  }
  return doc;
}

const op = fc.tuple(fc.integer({ min: 1, max: 6 }), fc.nat(), fc.nat({ max: 4 }), fc.string({ maxLength: 5 }));

describe('sync answers', () => {
  it('are byte for byte what Yjs answers, for any state vector', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), fc.array(fc.tuple(fc.integer({ min: 1, max: 8 }), fc.nat({ max: 30 }))), (ops, vector) => {
        const doc = edited(ops);
        const answers = new SyncAnswers(() => doc);
        for (const stateVector of [new Map(vector), new Map(), Y.decodeStateVector(Y.encodeStateVector(doc))]) {
          const encoded = Y.encodeStateVector(stateVector);
          expect(answers.diff(encoded)).toEqual(Y.encodeStateAsUpdate(doc, encoded));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('build the delete set once per change', () => {
    const doc = edited([[1, 0, 0, 'hello world'], [2, 3, 4, 'X']]);
    const answers = new SyncAnswers(() => doc);
    const everything = Y.encodeStateVector(doc);
    const first = answers.diff(everything);
    expect(answers.diff(everything)).toEqual(first);
    doc.getText('t').delete(0, 1);
    // Without being told, the answer is out of date: proof that it came from what was built before.
    expect(answers.diff(everything)).toEqual(first);
    answers.changed();
    expect(answers.diff(everything)).toEqual(Y.encodeStateAsUpdate(doc, everything));
    expect(answers.diff(Uint8Array.of(0))).toEqual(Y.encodeStateAsUpdate(doc));
  });
});
