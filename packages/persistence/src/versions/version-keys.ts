import { StoreError } from '../doc-store.js';
import type { KeyRange } from '../keys.js';
import { VERSION_KINDS } from './version-store.js';
import type { StoredVersion } from './version-writes.js';

/*
 * LevelDB keys of the version history (utf8 strings), beside the documents' (`keys.ts`, `v1/d/...`):
 *
 *   v1/h/<docId>/c/<seq>     a version's content (see version-codec.ts)
 *   v1/h/<docId>/h           the head of the document's newest version (see version-codec.ts)
 *   v1/h/<docId>/m/<seq>     a version's metadata: JSON { createdAt, name, kind, authors, keyframe }
 *
 * <seq> is the version's id, from 1, as 16 zero-padded digits so that key order is id order. As in keys.ts,
 * ids never contain '/', so one document's keys are the range [`v1/h/<docId>/`, `v1/h/<docId>0`).
 */

const PREFIX = 'v1/h/';
const SEQ_DIGITS = 16;

export function versionMetaKey(docId: string, seq: number): string {
  return `${PREFIX}${docId}/m/${String(seq).padStart(SEQ_DIGITS, '0')}`;
}

export function versionContentKey(docId: string, seq: number): string {
  return `${PREFIX}${docId}/c/${String(seq).padStart(SEQ_DIGITS, '0')}`;
}

export function headKey(docId: string): string {
  return `${PREFIX}${docId}/h`;
}

/** The metadata keys of one document's versions, in id order. */
export function versionMetaRange(docId: string): KeyRange {
  return { gte: `${PREFIX}${docId}/m/`, lt: `${PREFIX}${docId}/m0` };
}

/** Every version key of one document. */
export function versionDocRange(docId: string): KeyRange {
  return { gte: `${PREFIX}${docId}/`, lt: `${PREFIX}${docId}0` };
}

/** The sequence number at the end of a metadata or content key. */
export function seqOfKey(key: string): number {
  return Number(key.slice(-SEQ_DIGITS));
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeVersionRecord(version: StoredVersion): Uint8Array {
  const { createdAt, name, kind, authors, keyframe } = version;
  return encoder.encode(JSON.stringify({ createdAt, name, kind, authors, keyframe }));
}

/** The stored version under a metadata key; anything that is not the expected shape is StoreError('corrupt'). */
export function decodeVersionRecord(docId: string, key: string, bytes: Uint8Array): StoredVersion {
  let value: Partial<StoredVersion>;
  try {
    value = JSON.parse(decoder.decode(bytes)) as Partial<StoredVersion>;
  } catch (err) {
    throw new StoreError('corrupt', 'stored version metadata is not JSON', { cause: err });
  }
  const { createdAt, name, kind, authors, keyframe } = value ?? {};
  const valid =
    Number.isFinite(createdAt) &&
    (name === null || typeof name === 'string') &&
    VERSION_KINDS.includes(kind!) &&
    Array.isArray(authors) &&
    typeof keyframe === 'boolean';
  if (!valid) throw new StoreError('corrupt', 'stored version metadata has the wrong shape');
  return { id: String(seqOfKey(key)), docId, createdAt: createdAt!, name: name!, kind: kind!, authors: authors!, keyframe: keyframe! };
}
