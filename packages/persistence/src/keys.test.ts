import { describe, expect, it } from 'vitest';
import { StoreError } from './doc-store.js';
import {
  ALL_DOCS,
  assertDocId,
  docIdOfKey,
  docRange,
  metaKey,
  parseMetaKey,
  parseUpdateKey,
  updateKey,
  updateRange,
  type KeyRange,
} from './keys.js';

const inRange = (key: string, range: KeyRange) => key >= range.gte && key < range.lt;

// Ids that prefix one another and use every character class around '/' in sort order: '-' sorts before it,
// digits, letters and '_' after it.
const TRICKY_IDS = ['a', 'a-', 'a-b', '-a', 'a_', 'a_b', 'a0', 'a9', 'aa', 'aZ', 'A', '_', '-', '0', 'z'.repeat(128)];
const SEQS = [0, 1, 9, 10, 99, 100, 12345, 2 ** 32, Number.MAX_SAFE_INTEGER];

describe('key layout', () => {
  it('orders update keys like their sequence numbers', () => {
    const keys = SEQS.map((seq) => updateKey('doc', seq));
    expect([...keys].sort()).toEqual(keys);
    expect(updateKey('doc', 42)).toBe('v1/d/doc/u/0000000000000042');
  });

  it('keeps every document in its own contiguous range that no other id enters', () => {
    for (const id of TRICKY_IDS) {
      const keys = [metaKey(id), ...SEQS.map((seq) => updateKey(id, seq))];
      for (const other of TRICKY_IDS) {
        for (const key of keys) {
          expect(inRange(key, docRange(other)), `${key} in range of ${other}`).toBe(id === other);
          expect(inRange(key, updateRange(other)), `${key} in updates of ${other}`).toBe(
            id === other && key !== metaKey(id),
          );
        }
      }
      for (const key of keys) expect(inRange(key, ALL_DOCS)).toBe(true);
    }
  });

  it('puts a document\'s metadata first in its range, so a listing can skip the log after it', () => {
    for (const seq of SEQS) expect(metaKey('doc') < updateKey('doc', seq)).toBe(true);
    expect(docRange('doc').gte <= metaKey('doc')).toBe(true);
  });

  it('parses the keys it builds and nothing else', () => {
    for (const id of TRICKY_IDS) {
      for (const seq of SEQS) {
        expect(parseUpdateKey(updateKey(id, seq))).toEqual({ docId: id, seq });
        expect(docIdOfKey(updateKey(id, seq))).toBe(id);
      }
      expect(parseMetaKey(metaKey(id))).toBe(id);
      expect(parseUpdateKey(metaKey(id))).toBeNull();
      expect(docIdOfKey(metaKey(id))).toBe(id);
    }
    const foreign = ['v1/d/doc/u/42', 'v2/d/doc/m', 'v1/d/a/b/m', 'v1/d/doc/u/00000000000000042', 'v1/d/doc/x', ''];
    for (const key of foreign) {
      expect(parseUpdateKey(key)).toBeNull();
      expect(parseMetaKey(key)).toBeNull();
    }
    expect(parseUpdateKey('v1/d/doc/u/9999999999999999')).toBeNull(); // beyond a safe integer
  });

  it('refuses sequence numbers that would not sort or parse back', () => {
    for (const seq of [-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) {
      expect(() => updateKey('doc', seq)).toThrow(RangeError);
    }
  });

  it('accepts exactly the ids of DOC_ID_PATTERN', () => {
    for (const id of TRICKY_IDS) expect(() => assertDocId(id)).not.toThrow();
    for (const id of ['', 'a/b', 'a b', 'é', 'x'.repeat(129), 42, null]) {
      expect(() => assertDocId(id)).toThrow(StoreError);
    }
  });
});
