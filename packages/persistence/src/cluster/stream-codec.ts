import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { StoreError } from '../doc-store.js';

/*
 * The fields of a stream entry. Two kinds:
 *
 *   u <updates> p <processId>   one append: its updates (lib0: a varUint count, then each as a varUint8Array),
 *                               and the process that wrote them, so that its own reader can skip them
 *   t <id>                      a trim marker: compaction moved every entry up to <id> into PostgreSQL and
 *                               removed them from the stream; a reader that had not read that far missed some
 */

export type StreamEntry =
  | { kind: 'append'; updates: Uint8Array[]; processId: string }
  | { kind: 'trimmed'; upTo: string };

/** A stream entry as ioredis returns it with the *Buffer commands: id, then field/value pairs flattened. */
export type RawEntry = [id: Buffer, fields: Buffer[]];

export function appendFields(updates: readonly Uint8Array[], processId: string): [string, Buffer, string, string] {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, updates.length);
  for (const update of updates) encoding.writeVarUint8Array(encoder, update);
  const bytes = encoding.toUint8Array(encoder);
  return ['u', Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'p', processId];
}

export function trimMarkerFields(upTo: string): [string, string] {
  return ['t', upTo];
}

/** Decodes one entry's fields; anything else than the two shapes above is StoreError('corrupt'). */
export function decodeEntry(fields: readonly Buffer[]): StreamEntry {
  const values = new Map<string, Buffer>();
  for (let i = 0; i + 1 < fields.length; i += 2) values.set(fields[i]!.toString(), fields[i + 1]!);
  const updates = values.get('u');
  const processId = values.get('p');
  if (updates !== undefined && processId !== undefined) {
    return { kind: 'append', updates: decodeUpdates(updates), processId: processId.toString() };
  }
  const upTo = values.get('t');
  if (upTo !== undefined) return { kind: 'trimmed', upTo: upTo.toString() };
  throw new StoreError('corrupt', 'a stream entry has neither updates nor a trim marker');
}

function decodeUpdates(bytes: Uint8Array): Uint8Array[] {
  try {
    const decoder = decoding.createDecoder(bytes);
    const count = decoding.readVarUint(decoder);
    const updates: Uint8Array[] = [];
    // readVarUint8Array returns plain Uint8Array views into the entry, without copying.
    for (let i = 0; i < count; i++) updates.push(decoding.readVarUint8Array(decoder));
    if (decoding.hasContent(decoder)) throw new Error('trailing bytes');
    return updates;
  } catch (err) {
    throw new StoreError('corrupt', 'a stream entry holds undecodable updates', { cause: err });
  }
}

/** What a range of the stream holds: every update in order, what they weigh, and the last id read. */
export interface LogRange {
  updates: Uint8Array[];
  bytes: number;
  /** Id of the last entry, marker or not; `null` for an empty range. */
  lastId: string | null;
}

export function decodeRange(entries: readonly RawEntry[]): LogRange {
  const range: LogRange = { updates: [], bytes: 0, lastId: null };
  for (const [id, fields] of entries) {
    const entry = decodeEntry(fields);
    if (entry.kind === 'append') {
      for (const update of entry.updates) {
        range.updates.push(update);
        range.bytes += update.byteLength;
      }
    }
    range.lastId = id.toString();
  }
  return range;
}
