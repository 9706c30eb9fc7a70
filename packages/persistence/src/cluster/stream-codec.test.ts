import { expect, it } from 'vitest';
import { StoreError } from '../doc-store.js';
import { appendFields, decodeEntry, decodeRange, trimMarkerFields } from './stream-codec.js';
import { compareIds, idAfter, idTime, laterId } from './stream-id.js';

const asBuffers = (fields: (string | Buffer)[]) => fields.map((field) => Buffer.from(field));

it('round-trips appended updates, empty ones included, and trim markers', () => {
  const updates = [new Uint8Array([1, 2, 3]), new Uint8Array(0), new Uint8Array(300).fill(7)];
  const entry = decodeEntry(asBuffers(appendFields(updates, 'process-1')));
  expect(entry).toEqual({ kind: 'append', updates, processId: 'process-1' });
  expect(decodeEntry(asBuffers(trimMarkerFields('5-1')))).toEqual({ kind: 'trimmed', upTo: '5-1' });

  const range = decodeRange([
    [Buffer.from('1-0'), asBuffers(appendFields(updates.slice(0, 2), 'p'))],
    [Buffer.from('2-0'), asBuffers(trimMarkerFields('1-0'))],
    [Buffer.from('3-0'), asBuffers(appendFields(updates.slice(2), 'p'))],
  ]);
  expect(range).toEqual({ updates, bytes: 303, lastId: '3-0' });
});

it('reports entries it cannot decode as corrupt', () => {
  const truncated = appendFields([new Uint8Array(10)], 'p');
  truncated[1] = truncated[1].subarray(0, 5);
  for (const fields of [asBuffers(truncated), asBuffers(['x', 'y'])]) {
    expect(() => decodeEntry(fields)).toThrow(StoreError);
  }
});

it('orders stream ids as numbers', () => {
  expect(compareIds('9-0', '10-0')).toBeLessThan(0);
  expect(compareIds('10-2', '10-10')).toBeLessThan(0);
  expect(compareIds('10-10', '10-10')).toBe(0);
  expect(laterId('9-5', '10-0')).toBe('10-0');
  expect(idAfter('1700000000000-18446744073709551614')).toBe('1700000000000-18446744073709551615');
  expect(idTime('1700000000000-3')).toBe(1_700_000_000_000);
});
