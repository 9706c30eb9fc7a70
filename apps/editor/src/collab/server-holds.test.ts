import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { answerHolds, checkingStateVector } from './server-holds';

/** What a server holding `server` answers to the sync step 1 a client holding `client` sends to check `changes`. */
function answer(server: Y.Doc, client: Y.Doc, changes: Uint8Array): Uint8Array {
  return Y.encodeStateAsUpdate(server, Y.encodeStateVector(checkingStateVector(client, changes)));
}

function capture(doc: Y.Doc, change: () => void): Uint8Array {
  let captured: Uint8Array = new Uint8Array();
  const listener = (update: Uint8Array) => (captured = update);
  doc.on('update', listener);
  change();
  doc.off('update', listener);
  return captured;
}

describe('answerHolds', () => {
  it('is false while the server lacks an insertion and true once it has it', () => {
    const client = new Y.Doc();
    const server = new Y.Doc();
    const typed = capture(client, () => client.getText('t').insert(0, 'hello'));
    expect(answerHolds(answer(server, client, typed), typed)).toBe(false);
    Y.applyUpdate(server, typed);
    expect(answerHolds(answer(server, client, typed), typed)).toBe(true);
  });

  it('checks later changes of a client the server already knows in part', () => {
    const client = new Y.Doc();
    const server = new Y.Doc();
    Y.applyUpdate(server, capture(client, () => client.getText('t').insert(0, 'one ')));
    const more = capture(client, () => client.getText('t').insert(4, 'two'));
    expect(answerHolds(answer(server, client, more), more)).toBe(false);
    Y.applyUpdate(server, more);
    expect(answerHolds(answer(server, client, more), more)).toBe(true);
  });

  it('checks a change that only deletes', () => {
    const client = new Y.Doc();
    const server = new Y.Doc();
    Y.applyUpdate(server, capture(client, () => client.getText('t').insert(0, 'keep drop')));
    const deletion = capture(client, () => client.getText('t').delete(4, 5));
    expect(answerHolds(answer(server, client, deletion), deletion)).toBe(false);
    Y.applyUpdate(server, deletion);
    expect(answerHolds(answer(server, client, deletion), deletion)).toBe(true);
  });

  it('holds when the server has the change among other clients’ edits and deletions', () => {
    const client = new Y.Doc();
    const other = new Y.Doc();
    const server = new Y.Doc();
    const theirs = capture(other, () => other.getText('t').insert(0, 'theirs '));
    Y.applyUpdate(server, theirs);
    Y.applyUpdate(client, theirs);
    const mine = capture(client, () => client.getText('t').insert(7, 'mine'));
    Y.applyUpdate(server, capture(other, () => other.getText('t').delete(0, 1)));
    Y.applyUpdate(server, mine);
    expect(answerHolds(answer(server, client, mine), mine)).toBe(true);
  });
});
