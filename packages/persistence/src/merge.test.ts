import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { StoreError } from './doc-store.js';
import { mergeLog } from './merge.js';
import { contentOf, docFrom, recordingDoc, typeSomeText } from './test/yjs-helpers.js';

describe('mergeLog', () => {
  it('folds a log into one update with the same content', () => {
    const { doc, updates } = recordingDoc();
    typeSomeText(doc, 300);
    expect(contentOf(docFrom(mergeLog(updates)))).toEqual(contentOf(doc));
  });

  it('keeps updates whose dependencies are missing, so a later merge can still use them', () => {
    const { doc, updates } = recordingDoc();
    typeSomeText(doc, 40);
    const early = updates.slice(0, 10);
    const merged = mergeLog(updates.slice(10)); // nothing here can be integrated without `early`
    expect(contentOf(docFrom(mergeLog([merged, ...early])))).toEqual(contentOf(doc));
  });

  it('is idempotent: a snapshot merged with the entries it came from gives the same content', () => {
    const { doc, updates } = recordingDoc();
    typeSomeText(doc, 60);
    expect(contentOf(docFrom(mergeLog([...updates, Y.encodeStateAsUpdate(doc), ...updates])))).toEqual(
      contentOf(doc),
    );
  });

  it('reports an update that does not decode as corrupt', () => {
    const { doc, updates } = recordingDoc();
    typeSomeText(doc, 5);
    for (const bad of [new Uint8Array([0xff, 0xff, 0xff, 0x01]), updates[2]!.slice(0, 5)]) {
      let thrown: unknown;
      try {
        mergeLog([updates[0]!, bad]);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(StoreError);
      expect((thrown as StoreError).code).toBe('corrupt');
    }
  });
});
